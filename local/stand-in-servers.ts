/**
 * The stand-ins that Node serves itself: fauxqs (SQS and S3) and aws-ses-v2-local (SES sending).
 * Kept apart from `emulators.ts`, which loads the AWS SDK's clients, so that the thread that
 * serves them (`stand-ins-worker.ts`) loads only what they need: the desk starts them on a
 * thread of their own, so that their HTTP servers, journals and fsyncs run on the other core.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as sesLocal from 'aws-ses-v2-local';
import { type BuildAppOptions, buildApp } from 'fauxqs';
import {
  type Durable,
  makeObjectsDurable,
  makeQueuesDurable,
  makeSentMailsDurable,
} from './durable-stores.ts';
import { honourPresignedGets } from './s3-presigned.ts';

/** The region every local client and resource uses; ARNs and queue URLs carry it. */
export const LOCAL_REGION = 'eu-west-1';

/** Credentials the stand-ins accept; they check that a request is signed, not by whom. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

/** A running stand-in: where to reach it, and how to end it. */
export type RunningEmulator = {
  endpoint: string;
  /** The process that serves it, when it is not this one (DynamoDB Local's Java). */
  pid?: number;
  stop(): Promise<void>;
};

/** Raised when a stand-in does not come up (port taken, crash at start, no answer in time). */
export class EmulatorStartError extends Error {
  override name = 'EmulatorStartError';
}

/** Whether nothing listens on `port` for `host` (DynamoDB Local takes every interface). */
export async function portIsFree(port: number, host: string): Promise<boolean> {
  return new Promise((answer) => {
    const server = createServer();
    server.once('error', () => answer(false));
    server.listen(port, host, () => server.close(() => answer(true)));
  });
}

type FauxqsStores = NonNullable<BuildAppOptions['stores']>;

/**
 * fauxqs's stores, built here so that the SQS store names queues by the address clients use
 * (`http://127.0.0.1:PORT/000000000000/NAME`) rather than `http://sqs.REGION.localhost:PORT/…`,
 * which does not resolve. The AWS SDK sends each SQS call to its queue URL's host whatever
 * endpoint it is given (`AWS_ENDPOINT_URL_SQS` included), so only resolvable URLs let the
 * handlers run unchanged. The store classes are not exported: they are loaded from their
 * files in the pinned fauxqs 1.9.2.
 */
async function fauxqsStores(): Promise<FauxqsStores> {
  const require = createRequire(import.meta.url);
  const root = (require.resolve.paths('fauxqs') ?? [])
    .map((folder) => join(folder, 'fauxqs', 'dist'))
    .find((dist) => existsSync(join(dist, 'sqs', 'sqsStore.js')));
  if (root === undefined) {
    throw new EmulatorStartError('fauxqs introuvable (dist/sqs/sqsStore.js) : réinstallez fauxqs 1.9.2.');
  }
  const load = (file: string) => import(pathToFileURL(join(root, file)).href);
  const [sqs, sns, s3] = await Promise.all([
    load('sqs/sqsStore.js'),
    load('sns/snsStore.js'),
    load('s3/s3Store.js'),
  ]);
  forgetAbandonedReceives(sqs.SqsQueue);
  const sqsStore = new sqs.SqsStore();
  // An empty host makes fauxqs build queue URLs from the request's Host header.
  sqsStore.host = '';
  return { sqsStore, snsStore: new sns.SnsStore(), s3Store: new s3.S3Store() } as FauxqsStores;
}

/** The connection of the request fauxqs is serving, where a long poll can see it was abandoned. */
const servingRequest = new AsyncLocalStorage<{ socket: Socket }>();

type DequeueingQueue = { prototype: { dequeue: (...args: unknown[]) => unknown[] } };

/**
 * Makes fauxqs hand out nothing to a long poll whose client has gone. Without this, a poll
 * aborted by `stop()` (local/runner.ts) stays parked in fauxqs until its wait ends, and takes
 * the next messages to arrive into a closed connection: they vanish for a whole visibility
 * timeout. Patches the class once per process; queues outside a request are unaffected.
 */
function forgetAbandonedReceives(queueClass: DequeueingQueue): void {
  const prototype = queueClass.prototype as DequeueingQueue['prototype'] & { [patched]?: true };
  if (prototype[patched]) return;
  const dequeue = prototype.dequeue;
  prototype.dequeue = function dequeueForLiveClient(this: unknown, ...args: unknown[]) {
    if (servingRequest.getStore()?.socket.destroyed) return [];
    return dequeue.apply(this, args);
  };
  prototype[patched] = true;
}
const patched = Symbol('lsun.forgetAbandonedReceives');

/** The one method of fauxqs 1.9.2's `S3Store` the SMTP stand-in writes through. */
type FauxqsObjectPut = {
  putObject(bucket: string, key: string, body: Buffer, contentType: string, metadata: object): unknown;
};

/** fauxqs running in this process, with a way for the process's own code to store an object. */
export type RunningFauxqs = RunningEmulator & {
  /**
   * Stores an object as PutObject would (on disk first with a data folder, as `durable-stores.ts`
   * wraps this same store), without an HTTP round trip: SES's S3 action writes to S3 from inside
   * AWS, and the SMTP stand-in runs beside fauxqs (`stand-ins-worker.ts`).
   * @throws fauxqs's `NoSuchBucket` error when the bucket does not exist.
   */
  putObject(bucket: string, key: string, body: Buffer): void;
};

/**
 * Starts fauxqs (SQS and S3 on one endpoint) inside this process, bound to 127.0.0.1 only
 * (fauxqs's own `startFauxqs` binds 0.0.0.0).
 *
 * Queue URLs are `http://127.0.0.1:PORT/000000000000/NAME` when the queue is created through
 * the returned endpoint, so any SDK client configured with that endpoint can use them as is.
 *
 * With `dataDir`, its queues and objects are kept there (`durable-stores.ts`): every message
 * and object is on disk before fauxqs answers, and comes back after a restart (a queue's
 * messages when the queue is created again). Without, everything is in memory.
 */
export async function startFauxqs(opts: { port: number; dataDir?: string }): Promise<RunningFauxqs> {
  const stores = await fauxqsStores();
  const durable: Durable[] = [];
  if (opts.dataDir !== undefined) {
    durable.push(
      makeQueuesDurable(stores.sqsStore as never, join(opts.dataDir, 'sqs')),
      makeObjectsDurable(stores.s3Store as never, join(opts.dataDir, 's3')),
    );
  }
  const closeDurable = () => {
    for (const part of durable) part.close();
  };
  const app = buildApp({ logger: false, defaultRegion: LOCAL_REGION, stores });
  // Presigned GET links (the console's downloads) checked and answered as S3 does.
  honourPresignedGets(app, { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  // Fastify calls the route handler synchronously from the last preHandler hook, so the
  // request's socket is in scope wherever the ReceiveMessage action resumes.
  app.addHook('preHandler', (request, _reply, done) => {
    servingRequest.run({ socket: request.raw.socket }, done);
  });
  try {
    await app.listen({ host: '127.0.0.1', port: opts.port });
  } catch (error) {
    await app.close();
    closeDurable();
    throw new EmulatorStartError(`fauxqs n’a pas pu écouter sur 127.0.0.1:${opts.port}`, { cause: error });
  }
  const s3Store = stores.s3Store as unknown as FauxqsObjectPut;
  return {
    endpoint: `http://127.0.0.1:${opts.port}`,
    putObject: (bucket, key, body) => {
      s3Store.putObject(bucket, key, body, 'application/octet-stream', {});
    },
    stop: async () => {
      await app.close();
      closeDurable();
    },
  };
}

type SesServerFactory = (config?: { host?: string; port?: number }) => Promise<Server>;

/** aws-ses-v2-local is CommonJS with `exports.default`; ESM sees it one level down or not. */
function sesServerFactory(): SesServerFactory {
  const moduleValue = sesLocal as unknown as { default: SesServerFactory | { default: SesServerFactory } };
  const outer = moduleValue.default;
  return typeof outer === 'function' ? outer : outer.default;
}

/**
 * Starts the SES stand-in (aws-ses-v2-local) on 127.0.0.1. Its page `/` lists every mail
 * sent, `GET /store` returns them as JSON and `POST /clear-store` empties it.
 *
 * Its store is global to the process: two stand-ins started in one process share their mails.
 * With `dataDir`, the mails sent are kept there and listed again after a restart (one such
 * stand-in per process).
 */
export async function startSesLocal(opts: { port: number; dataDir?: string }): Promise<RunningEmulator> {
  if (!(await portIsFree(opts.port, '127.0.0.1'))) {
    throw new EmulatorStartError(`Port ${opts.port} déjà utilisé : le faux SES ne peut pas démarrer.`);
  }
  const durable = opts.dataDir === undefined ? undefined : makeSentMailsDurable(opts.dataDir);
  // It defaults to `::`, every interface: keep it on loopback.
  const server = await sesServerFactory()({ host: '127.0.0.1', port: opts.port }).catch((error: unknown) => {
    durable?.close();
    throw error;
  });
  return {
    endpoint: `http://127.0.0.1:${opts.port}`,
    stop: () =>
      new Promise<void>((done, reject) => {
        server.close((error) => {
          durable?.close();
          if (error) reject(error);
          else done();
        });
        server.closeAllConnections();
      }),
  };
}
