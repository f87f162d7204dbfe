/**
 * Who is calling the staff API, as API Gateway's JWT authorizer (Cognito) leaves it in the
 * event, and what their groups allow.
 *
 * The authorizer has already checked the token's signature, issuer, audience and expiry; this
 * module only reads the claims, which API Gateway hands over as strings (an array claim such
 * as `cognito:groups` becomes `"[admin agent]"`).
 */
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { StaffGroup } from '#shared/domain/staff.ts';
import { ForbiddenError, UnauthorizedError } from './errors.ts';

/** The staff groups of the Cognito user pool (declared with the routes). `admin` can do everything `agent` can. */
export type { StaffGroup };

/** The authenticated caller. */
export type Caller = {
  /** Cognito `sub`: stable for a person, the id recorded on their actions. */
  subject: string;
  /** Lower case. */
  email: string;
  /** Known staff groups only; groups this API does not use are dropped. */
  groups: StaffGroup[];
};

type ClaimValue = string | number | boolean | string[] | undefined;

const STAFF_GROUPS: readonly StaffGroup[] = StaffGroup.options;

/**
 * Reads a list claim in any of the shapes it arrives in: a real array (tests, other
 * front ends), `"[admin agent]"` (API Gateway's rendering of a JWT array), a JSON array
 * `'["admin","agent"]'`, or a single bare value.
 */
export function parseListClaim(value: ClaimValue): string[] {
  if (value === undefined) return [];
  if (Array.isArray(value)) return value.map(String);
  const text = String(value).trim();
  if (text === '') return [];
  if (text.startsWith('[') && text.endsWith(']')) {
    const inner = text.slice(1, -1);
    try {
      const parsed: unknown = JSON.parse(text);
      if (Array.isArray(parsed)) return parsed.map(String);
    } catch {
      // Not JSON: API Gateway's space-separated form.
    }
    return inner
      .split(/[\s,]+/)
      .map((part) => part.replace(/^"|"$/g, ''))
      .filter((part) => part !== '');
  }
  return [text];
}

function claimString(value: ClaimValue): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/**
 * The caller of this request.
 * @throws UnauthorizedError when the event carries no JWT claims, or no subject or email
 *   (an access token instead of an ID token, or a route deployed without the authorizer).
 */
export function callerOf(event: APIGatewayProxyEventV2WithJWTAuthorizer): Caller {
  const claims = event.requestContext?.authorizer?.jwt?.claims as Record<string, ClaimValue> | undefined;
  const subject = claimString(claims?.sub);
  const email = claimString(claims?.email);
  if (claims === undefined || subject === undefined || email === undefined) {
    throw new UnauthorizedError();
  }
  const groups = STAFF_GROUPS.filter((group) => parseListClaim(claims['cognito:groups']).includes(group));
  return { subject, email: email.toLowerCase(), groups };
}

/** Whether the caller belongs to the group; `admin` implies `agent`. */
export function hasGroup(caller: Caller, group: StaffGroup): boolean {
  return caller.groups.includes(group) || caller.groups.includes('admin');
}

/**
 * Refuses the request unless the caller belongs to the group (`admin` implies `agent`).
 * The router (`router.ts`) calls this for every route, with the group the route declares:
 * authorisation lives in the API, not in hidden buttons.
 * @throws ForbiddenError
 */
export function requireGroup(caller: Caller, group: StaffGroup): void {
  if (!hasGroup(caller, group)) {
    throw new ForbiddenError(undefined, { cause: { required: group, groups: caller.groups } });
  }
}

/** The caller of this request, once checked to belong to the group (for handlers outside the router). */
export function authorize(event: APIGatewayProxyEventV2WithJWTAuthorizer, group: StaffGroup): Caller {
  const caller = callerOf(event);
  requireGroup(caller, group);
  return caller;
}

/** The académie's portal, as its client-credentials access token names it. */
export type PortalCaller = {
  /** The Cognito app client the token was issued to (`client_id`): the portal's, recorded on its requests. */
  clientId: string;
};

/**
 * The portal calling with a client-credentials access token that carries `scope`. API
 * Gateway's authorizer already checked the token and the route's scope; this is the same check
 * again, so that a route declared `portal` can never be served to a staff token (an ID token has
 * no `scope` claim), whatever authorizer the route was deployed with.
 * @throws UnauthorizedError without claims or `client_id`
 * @throws ForbiddenError when the token is not an access token carrying `scope`
 */
export function portalCallerOf(event: APIGatewayProxyEventV2WithJWTAuthorizer, scope: string): PortalCaller {
  const claims = event.requestContext?.authorizer?.jwt?.claims as Record<string, ClaimValue> | undefined;
  if (claims === undefined) throw new UnauthorizedError();
  const clientId = claimString(claims.client_id);
  const scopes = parseListClaim(claims.scope)
    .flatMap((value) => value.split(' '))
    .filter(Boolean);
  if (clientId === undefined || claims.token_use !== 'access' || !scopes.includes(scope)) {
    throw new ForbiddenError(undefined, { cause: { required: scope, tokenUse: claims.token_use } });
  }
  return { clientId };
}
