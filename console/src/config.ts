/**
 * The console's runtime configuration, read from `/config.json` next to it: one build serves
 * every environment. In AWS the deployment writes it (Cognito domain, app client, API URL);
 * locally the local front answers it (local sign-in with demo accounts, same-origin API).
 */
import * as z from 'zod';

const DemoAccount = z.object({
  email: z.string(),
  group: z.enum(['agent', 'admin']),
  label: z.string(),
});
export type DemoAccount = z.infer<typeof DemoAccount>;

const LocalAuth = z.object({
  kind: z.literal('local'),
  /** Same-origin endpoint of the local identity provider (`local/console-auth.ts`). */
  tokenEndpoint: z.string().startsWith('/'),
  accounts: z.array(DemoAccount),
});

const CognitoAuth = z.object({
  kind: z.literal('cognito'),
  /** Managed login's base URL: `https://<prefix>.auth.<region>.amazoncognito.com` or a custom domain. */
  domain: z.url({ protocol: /^https$/ }),
  /** The app client (public, no secret: the console is a browser app, hence PKCE). */
  clientId: z.string().min(1),
  scopes: z.array(z.string()).default(['openid', 'email', 'profile']),
  /** Callback path registered on the app client. */
  redirectPath: z.string().startsWith('/').default('/connexion/retour'),
  /** Sign-out path registered on the app client. */
  logoutPath: z.string().startsWith('/').default('/connexion'),
});
export type CognitoAuth = z.infer<typeof CognitoAuth>;
export type LocalAuth = z.infer<typeof LocalAuth>;

export const ConsoleConfig = z.object({
  /** Base URL of the HTTP API; '' when it is served on the console's own origin. */
  apiUrl: z.union([z.literal(''), z.url()]).default(''),
  auth: z.discriminatedUnion('kind', [LocalAuth, CognitoAuth]),
});
export type ConsoleConfig = z.infer<typeof ConsoleConfig>;

/** Raised when `/config.json` is missing or wrong: the console cannot sign anyone in. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Loads and checks the configuration once, at start. */
export async function loadConfig(): Promise<ConsoleConfig> {
  let response: Response;
  try {
    response = await fetch('/config.json', { cache: 'no-store', credentials: 'omit' });
  } catch (cause) {
    throw new ConfigError('La configuration de la console est inaccessible.', { cause });
  }
  if (!response.ok) {
    throw new ConfigError(`La configuration de la console est introuvable (HTTP ${response.status}).`);
  }
  const parsed = ConsoleConfig.safeParse(await response.json().catch(() => undefined));
  if (!parsed.success) {
    throw new ConfigError('La configuration de la console est invalide.', { cause: parsed.error });
  }
  return parsed.data;
}
