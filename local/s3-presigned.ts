/**
 * Makes fauxqs's S3 answer presigned GET links as S3 does. fauxqs 1.9.2 serves any GET whatever
 * its query (it checks no signature, no expiry) and ignores `response-content-disposition` and
 * `response-content-type`; the console's downloads rely on all three. So, for a request signed
 * in its query string (`X-Amz-Signature`), this:
 *
 * - refuses a link past its `X-Amz-Expires` (403 `AccessDenied`, « Request has expired »), or
 *   whose signature is not the one the local credentials give (403 `SignatureDoesNotMatch`),
 *   the signature being computed again with the SDK's own presigner;
 * - answers with the `response-*` overrides as headers, as S3 does for signed requests.
 *
 * Requests signed in the `Authorization` header (the SDK's calls) are left as fauxqs serves them.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { S3RequestPresigner } from '@aws-sdk/s3-request-presigner';
import type { buildApp } from 'fauxqs';

/** fauxqs's app (Fastify), as `buildApp` makes it. */
type FauxqsApp = ReturnType<typeof buildApp>;
/** The part of a Fastify reply a refusal uses. */
type Reply = {
  status(code: number): Reply;
  header(name: string, value: string): Reply;
  send(body: string): Reply;
};

/** The answer headers a signed GET may set, by their query parameter (S3's `GetObject`). */
const OVERRIDES: Record<string, string> = {
  'response-content-disposition': 'content-disposition',
  'response-content-type': 'content-type',
  'response-cache-control': 'cache-control',
  'response-content-language': 'content-language',
  'response-content-encoding': 'content-encoding',
  'response-expires': 'expires',
};

/** What a query-signed request carries. */
type Signed = { query: Record<string, string>; signature: string; date: Date; expiresIn: number };

/** `20261207T082220Z` → the date. */
function amzDate(value: string): Date | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s] = match;
  return new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}Z`);
}

/** The query of a request signed in its query string, or undefined for any other request. */
function signedQuery(url: URL): Signed | undefined {
  const signature = url.searchParams.get('X-Amz-Signature');
  if (signature === null) return undefined;
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams) if (name !== 'X-Amz-Signature') query[name] = value;
  const date = amzDate(query['X-Amz-Date'] ?? '') ?? new Date(0);
  return { query, signature, date, expiresIn: Number(query['X-Amz-Expires'] ?? 0) };
}

function refuse(reply: Reply, code: string, message: string): Reply {
  return reply
    .status(403)
    .header('content-type', 'application/xml')
    .send(
      `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`,
    );
}

/**
 * Adds the checks and overrides to fauxqs's app, before it listens. `credentials` and `region`
 * are the only ones the local clients sign with.
 */
export function honourPresignedGets(
  app: FauxqsApp,
  signer: { region: string; credentials: { accessKeyId: string; secretAccessKey: string } },
  now: () => Date = () => new Date(),
): void {
  // The SDK's presigner, with the S3 client's own hashing: the same code that signed the link.
  const client = new S3Client({ region: signer.region, credentials: signer.credentials });
  const presigner = new S3RequestPresigner({ ...client.config });
  const overrides = new WeakMap<object, Record<string, string>>();

  app.addHook('onRequest', async (request, reply) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return;
    const url = new URL(request.raw.url ?? '/', `http://${request.headers.host ?? '127.0.0.1'}`);
    const signed = signedQuery(url);
    if (!signed) return;
    if (now().getTime() > signed.date.getTime() + signed.expiresIn * 1000) {
      return refuse(reply as unknown as Reply, 'AccessDenied', 'Request has expired');
    }
    const again = await presigner.presign(
      {
        method: request.method,
        protocol: 'http:',
        hostname: url.hostname,
        port: url.port === '' ? undefined : Number(url.port),
        path: url.pathname,
        query: signed.query,
        headers: { host: url.host },
      },
      { signingDate: signed.date, expiresIn: signed.expiresIn },
    );
    if (again.query?.['X-Amz-Signature'] !== signed.signature) {
      return refuse(
        reply as unknown as Reply,
        'SignatureDoesNotMatch',
        'The request signature we calculated does not match the signature you provided.',
      );
    }
    const headers: Record<string, string> = {};
    for (const [parameter, header] of Object.entries(OVERRIDES)) {
      const value = signed.query[parameter];
      if (value !== undefined) headers[header] = value;
    }
    overrides.set(request, headers);
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const headers = overrides.get(request);
    if (headers && reply.statusCode < 300) {
      for (const [name, value] of Object.entries(headers)) reply.header(name, value);
    }
    return payload;
  });
}
