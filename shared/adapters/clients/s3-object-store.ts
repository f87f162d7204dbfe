/**
 * The api function's S3 objects without the S3 client: reads (the signed-GET reader), heads and
 * puts signed with SigV4, and presigned GET and PUT links made by the SDK's own S3 presigner.
 *
 * The api reads raw mails and the public index, stores the portal's requests and the attachments
 * staff download, and signs links for both; the S3 client with the presigner weighed 228 KB of its
 * bundle for those five calls (every S3 feature's middleware, endpoint rules and XML serde). The
 * parts used here are the ones the other clients already bring: the signer, the Node HTTP handler,
 * the standard retry strategy, the credential chain. Failures look like the client's (an error
 * named after S3's code, with `$metadata.httpStatusCode`), so the adapters read both alike.
 */
import { formatUrl } from '@aws-sdk/core/util';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { S3RequestPresigner } from '@aws-sdk/s3-request-presigner';
import { Sha256 } from '@smithy/core/checksum';
import { StandardRetryStrategy } from '@smithy/core/retry';
import type { HttpRequest } from '@smithy/core/transport';
import { NodeHttpHandler, streamCollector } from '@smithy/node-http-handler';
import type { SignatureV4 } from '@smithy/signature-v4';
import {
  answerError,
  endpointFromEnv,
  getObjectRequest,
  makeS3ObjectReader,
  type S3ObjectReader,
  type S3ReaderEndpoint,
  s3Signer,
  withRetries,
} from './s3-object-reader.ts';

/** One object, by bucket and key. */
export type S3ObjectKey = { Bucket: string; Key: string };

/** What a HEAD tells of an object, in the S3 client's names. */
export type S3ObjectFacts = {
  ContentLength: number | undefined;
  ContentType: string | undefined;
  /** User metadata (`x-amz-meta-*`), by name without the prefix. */
  Metadata: Record<string, string>;
};

/** An object to store. */
export type S3PutRequest = S3ObjectKey & {
  Body: Uint8Array;
  ContentType: string;
  Metadata?: Record<string, string>;
};

/** When a presigned link is signed and how long it works. */
export type PresignOptions = { expiresIn: number; signingDate?: Date };

/** The objects' port of the api's adapters (raw mails, downloads, portal uploads, public index). */
export type S3ObjectStore = S3ObjectReader & {
  /** @throws S3ReadError `NotFound` (404) or `Http403` when there is no object S3 will show */
  headObject(request: S3ObjectKey): Promise<S3ObjectFacts>;
  putObject(request: S3PutRequest): Promise<void>;
  /** A GET link; `responseHeaders` are S3's `response-*` overrides (`response-content-type`…). */
  presignGet(
    request: S3ObjectKey & { responseHeaders: Record<string, string> },
    options: PresignOptions,
  ): Promise<string>;
  /** A PUT link for exactly `ContentLength` bytes of `ContentType`: both are signed. */
  presignPut(
    request: S3ObjectKey & { ContentLength: number; ContentType: string },
    options: PresignOptions,
  ): Promise<string>;
};

/** The S3 operation a request is, as IAM and the call recorder name it. */
export type S3Operation = 'GetObject' | 'HeadObject' | 'PutObject';

const observers: Array<(operation: S3Operation, request: S3ObjectKey) => void> = [];

/**
 * Calls `observer` with each HEAD, PUT and presigned link before it is made (a presigned link is
 * the operation it allows, done later with the signer's rights), as a middleware on an SDK
 * client's stack would; reads are observed by `observeS3Reads` of the reader.
 */
export function observeS3Requests(observer: (operation: S3Operation, request: S3ObjectKey) => void): void {
  observers.push(observer);
}

/** A store over the given endpoint and credentials (tests give both; the api uses `s3ObjectStore`). */
export function makeS3ObjectStore(options: {
  at: S3ReaderEndpoint;
  credentials?: ConstructorParameters<typeof SignatureV4>[0]['credentials'];
  maxAttempts?: number;
}): S3ObjectStore {
  const { at, maxAttempts = 3 } = options;
  const credentials = options.credentials ?? defaultProvider();
  const reader = makeS3ObjectReader({ at, credentials, maxAttempts });
  const signer = s3Signer(at.region, credentials);
  // The presigner getSignedUrl uses: the payload unsigned, x-amz-* headers moved to the query.
  const presigner = new S3RequestPresigner({ service: 's3', region: at.region, credentials, sha256: Sha256 });
  const http = new NodeHttpHandler();
  const retries = new StandardRetryStrategy({ maxAttempts });

  async function send(request: HttpRequest): Promise<Record<string, string>> {
    return withRetries(retries, async () => {
      const { response } = await http.handle((await signer.sign(request)) as HttpRequest);
      const body = Buffer.from(await streamCollector(response.body)).toString('utf8');
      if (response.statusCode < 200 || response.statusCode > 299)
        throw answerError(response.statusCode, body);
      return response.headers;
    });
  }

  function observed(operation: S3Operation, key: S3ObjectKey): HttpRequest {
    for (const observe of observers) observe(operation, { Bucket: key.Bucket, Key: key.Key });
    return getObjectRequest(at, { Bucket: key.Bucket, Key: key.Key });
  }

  return {
    getObject: (request) => reader.getObject(request),

    async headObject(key) {
      const request = observed('HeadObject', key);
      request.method = 'HEAD';
      const headers = await send(request);
      const metadata: Record<string, string> = {};
      for (const [name, value] of Object.entries(headers)) {
        if (name.startsWith('x-amz-meta-')) metadata[name.slice('x-amz-meta-'.length)] = value;
      }
      const length = headers['content-length'];
      return {
        ContentLength: length === undefined ? undefined : Number(length),
        ContentType: headers['content-type'],
        Metadata: metadata,
      };
    },

    async putObject(put) {
      const request = observed('PutObject', put);
      request.method = 'PUT';
      request.body = put.Body;
      request.headers['content-type'] = put.ContentType;
      request.headers['content-length'] = String(put.Body.byteLength);
      for (const [name, value] of Object.entries(put.Metadata ?? {}))
        request.headers[`x-amz-meta-${name}`] = value;
      await send(request);
    },

    async presignGet(get, { expiresIn, signingDate }) {
      const request = observed('GetObject', get);
      request.query = { ...get.responseHeaders };
      return formatUrl(
        await presigner.presign(request, { expiresIn, ...(signingDate ? { signingDate } : {}) }),
      );
    },

    async presignPut(put, { expiresIn, signingDate }) {
      const request = observed('PutObject', put);
      request.method = 'PUT';
      request.headers['content-type'] = put.ContentType;
      request.headers['content-length'] = String(put.ContentLength);
      return formatUrl(
        await presigner.presign(request, {
          expiresIn,
          ...(signingDate ? { signingDate } : {}),
          signableHeaders: new Set(['content-length', 'content-type']),
        }),
      );
    },
  };
}

let store: S3ObjectStore | undefined;

/** This container's store, made once, from the same environment the SDK clients read. */
export function s3ObjectStore(): S3ObjectStore {
  store ??= makeS3ObjectStore({ at: endpointFromEnv() });
  return store;
}
