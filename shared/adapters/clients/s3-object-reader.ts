/**
 * Reads one S3 object with a signed GET, without the S3 client: for the functions whose only S3
 * call is a GetObject (`screen` reads a raw mail, `ticket` the knowledge base's public index).
 *
 * The S3 client carries every S3 feature's middleware (checksums, express sessions, SSE-C,
 * endpoint rules, XML serde of all operations): 161 KB of a bundle for that one call. This reader
 * uses the parts of the SDK that the other clients already bring into the bundle: the SigV4
 * signer, the Node HTTP handler, the SDK's standard retry strategy and its credential chain (the
 * environment on Lambda, see `lambda-credentials.ts`). Its failures look like the client's — an
 * error named after S3's code, with `$metadata.httpStatusCode` — so the adapters read both alike.
 */
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { Sha256 } from '@smithy/core/checksum';
import { StandardRetryStrategy } from '@smithy/core/retry';
import { HttpRequest } from '@smithy/core/transport';
import { NodeHttpHandler, streamCollector } from '@smithy/node-http-handler';
import { SignatureV4 } from '@smithy/signature-v4';

/** What a read asks: the object, and optionally the ETag already held (a 304 then answers). */
export type S3ObjectRequest = { Bucket: string; Key: string; IfNoneMatch?: string | undefined };

/** The object's bytes and ETag. */
export type S3Object = { Body: Uint8Array; ETag: string | undefined };

/** Reads objects; the port the raw-mail and public-index adapters take. */
export type S3ObjectReader = { getObject(request: S3ObjectRequest): Promise<S3Object> };

/** An S3 answer other than 200, shaped like the SDK's service exceptions. */
export class S3ReadError extends Error {
  readonly $metadata: { httpStatusCode: number };
  constructor(name: string, status: number, message: string) {
    super(message);
    this.name = name;
    this.$metadata = { httpStatusCode: status };
  }
}

/** Where the reader sends requests and how it addresses buckets. */
export type S3ReaderEndpoint = {
  /** `https://s3.eu-west-3.amazonaws.com`, or a local stand-in's address. */
  endpoint: string;
  region: string;
  /** Bucket in the path (stand-ins, dotted bucket names) rather than in the host name. */
  pathStyle: boolean;
};

/**
 * The endpoint the SDK would use from the same environment: `AWS_ENDPOINT_URL_S3` (or
 * `AWS_ENDPOINT_URL`) with path-style addressing, as `clients/s3.ts` does; else the region's S3
 * endpoint with virtual-hosted addressing.
 */
export function endpointFromEnv(env: NodeJS.ProcessEnv = process.env): S3ReaderEndpoint {
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1';
  const local = env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL;
  if (local) return { endpoint: local, region, pathStyle: true };
  return { endpoint: `https://s3.${region}.amazonaws.com`, region, pathStyle: false };
}

/** A key's path segments escaped as S3 expects (RFC 3986; `/` kept as the separator). */
function escapeKey(key: string): string {
  return key
    .split('/')
    .map((segment) =>
      encodeURIComponent(segment).replace(
        /[!'()*]/g,
        (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
      ),
    )
    .join('/');
}

/** The unsigned request for one object. */
export function getObjectRequest(at: S3ReaderEndpoint, request: S3ObjectRequest): HttpRequest {
  const url = new URL(at.endpoint);
  const hostname = at.pathStyle ? url.hostname : `${request.Bucket}.${url.hostname}`;
  const base = url.pathname.replace(/\/$/, '');
  const path = `${base}${at.pathStyle ? `/${request.Bucket}` : ''}/${escapeKey(request.Key)}`;
  const headers: Record<string, string> = { host: url.port ? `${hostname}:${url.port}` : hostname };
  if (request.IfNoneMatch) headers['if-none-match'] = request.IfNoneMatch;
  return new HttpRequest({
    method: 'GET',
    protocol: url.protocol,
    hostname,
    ...(url.port ? { port: Number(url.port) } : {}),
    path,
    headers,
  });
}

/** S3's error code from its XML error body (`<Code>NoSuchKey</Code>`); HEAD-like answers have none. */
function errorCode(body: string, status: number): string {
  const code = /<Code>([^<]+)<\/Code>/.exec(body)?.[1];
  if (code) return code;
  if (status === 304) return 'NotModified';
  if (status === 404) return 'NotFound';
  return `Http${status}`;
}

/** The error of an answer other than 2xx, named after S3's code and carrying its message, as the S3 client's. */
export function answerError(status: number, body: string): S3ReadError {
  const message = /<Message>([^<]*)<\/Message>/.exec(body)?.[1] ?? `S3 answered ${status}`;
  return new S3ReadError(errorCode(body, status), status, message);
}

/** Which failures the SDK's standard strategy retries: throttling, 5xx, and dropped connections. */
function retryable(error: unknown): 'THROTTLING' | 'SERVER_ERROR' | 'TRANSIENT' | undefined {
  if (!(error instanceof S3ReadError)) return 'TRANSIENT';
  const status = error.$metadata.httpStatusCode;
  if (status === 429 || error.name === 'SlowDown' || error.name === 'Throttling') return 'THROTTLING';
  if (status >= 500) return 'SERVER_ERROR';
  return undefined;
}

/**
 * Runs `attempt` under the SDK's standard retry strategy, as a client would: throttling, 5xx and
 * dropped connections are retried with its back-off, anything else (and the last failure) thrown.
 */
export async function withRetries<T>(retries: StandardRetryStrategy, attempt: () => Promise<T>): Promise<T> {
  let token = await retries.acquireInitialRetryToken('s3');
  for (;;) {
    try {
      const result = await attempt();
      retries.recordSuccess(token);
      return result;
    } catch (error) {
      const errorType = retryable(error);
      if (!errorType) throw error;
      // Throws the last error when attempts or retry capacity are spent.
      token = await retries.refreshRetryTokenForRetry(token, { errorType }).catch(() => {
        throw error;
      });
      await new Promise((resolve) => setTimeout(resolve, token.getRetryDelay()));
    }
  }
}

/** A SigV4 signer for S3: the path signed as sent (no second escaping), with the payload hash header S3 wants. */
export function s3Signer(
  region: string,
  credentials: ConstructorParameters<typeof SignatureV4>[0]['credentials'],
): SignatureV4 {
  return new SignatureV4({
    service: 's3',
    region,
    credentials,
    sha256: Sha256,
    uriEscapePath: false,
    applyChecksum: true,
  });
}

const observers: Array<(request: S3ObjectRequest) => void> = [];

/**
 * Calls `observer` with each read before it is sent (once per read, retries aside), as a
 * middleware on an SDK client's stack would: the role-grant recorder and the cost benchmark see
 * these reads beside the SDK clients' requests.
 */
export function observeS3Reads(observer: (request: S3ObjectRequest) => void): void {
  observers.push(observer);
}

/** A reader over the given endpoint and credentials (tests give both; functions use `s3ObjectReader`). */
export function makeS3ObjectReader(options: {
  at: S3ReaderEndpoint;
  credentials?: ConstructorParameters<typeof SignatureV4>[0]['credentials'];
  maxAttempts?: number;
}): S3ObjectReader {
  const { at, maxAttempts = 3 } = options;
  const signer = s3Signer(at.region, options.credentials ?? defaultProvider());
  const http = new NodeHttpHandler();
  const retries = new StandardRetryStrategy({ maxAttempts });

  async function attempt(request: S3ObjectRequest): Promise<S3Object> {
    const signed = await signer.sign(getObjectRequest(at, request));
    const { response } = await http.handle(signed as HttpRequest);
    const body = await streamCollector(response.body);
    if (response.statusCode === 200) return { Body: body, ETag: response.headers.etag };
    throw answerError(response.statusCode, Buffer.from(body).toString('utf8'));
  }

  return {
    async getObject(request) {
      for (const observe of observers) observe(request);
      return withRetries(retries, () => attempt(request));
    },
  };
}

let reader: S3ObjectReader | undefined;

/** This container's reader, made once, from the same environment the SDK clients read. */
export function s3ObjectReader(): S3ObjectReader {
  reader ??= makeS3ObjectReader({ at: endpointFromEnv() });
  return reader;
}
