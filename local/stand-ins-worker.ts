/**
 * fauxqs (SQS and S3), the SES stand-in and, once the desk asks for it, the SMTP stand-in for
 * SES receiving, on a worker thread of the desk's process, so that the desk's two cores both
 * work: measured on the intake and gateway benches, the stand-ins' side of every request (HTTP
 * server, fauxqs, the journals and their fsyncs) and then the SMTP connections with mailauth took
 * a large share of the one thread that also runs the runner and every handler
 * (docs/PERFORMANCE.md). A thread rather than a process of their own (until issue 12's sixth
 * round): the same parallel work, without a second copy of Node itself in memory.
 *
 * As on AWS, receiving is not the desk's work: SES takes the mail, checks it, stores it in S3 and
 * invokes `receive`. Here the SMTP server, mailauth and the S3 put (straight into fauxqs's store,
 * beside it) run on this thread, and each mail's SES event crosses to the desk's thread
 * (`receive`), where the `receive` handler runs as before; the sender gets its 250 only once
 * the desk answered that it was delivered (`received`), and 451 otherwise: a mail answered 250
 * has reached `receive`, or its sender retries it. If the desk's process dies, the thread dies
 * with it and every open SMTP session is cut before its 250, which a sender retries too.
 *
 * The desk talks to it by messages only: `ready` with the endpoints, `sent` for each mail the
 * SES stand-in stores once someone watches the outbox (the benches), the SMTP stand-in's start,
 * deliveries and stop, `stop`.
 */
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { SesReceiptEvent } from '#shared/adapters/ses-event.ts';
import { hostileDkimPrivateKey, useHostileDkimPrivateKey } from './dns-fixture.ts';
import { ipcCalls } from './ipc-calls.ts';
import { bundleForNode } from './node-bundle.ts';
import type { SmtpReceiver } from './smtp-receiver.ts';
import type { RunningEmulator, RunningFauxqs } from './stand-in-servers.ts';

/** What the stand-ins' thread serves, and where it keeps its data. */
export type StandInsOptions = {
  sqsPort: number;
  sesPort: number;
  /** Folder of fauxqs's and the SES stand-in's data (`fauxqs/`, `ses/`); undefined: in memory. */
  dataDir: string | undefined;
};

/** A mail the SES stand-in stored, as the benches' outbox probe needs it (not its body). */
export type SentMailNotice = {
  /** When it was stored, on this process's `performance.now()` clock. */
  at: number;
  messageId: string;
  to: string[];
  subject: string;
  headers: Array<{ name: string; value: string }>;
  /** How many mails the SES stand-in holds once this one is stored. */
  stored: number;
};

/** The SMTP stand-in's settings, as `startSmtpReceiver` takes them, less what runs in the desk. */
export type SmtpStandInOptions = {
  port: number;
  /** The raw mail bucket, in this process's fauxqs (the desk's resources create it first). */
  bucket: string;
  keyPrefix: string;
  deskAddresses: string[];
  maxMessageBytes?: number;
  scanning?: boolean;
};

/** The SMTP stand-in running on the stand-ins' thread. */
export type RunningSmtpStandIn = {
  port: number;
  /** Stops accepting mail and waits for the sessions under way (their deliveries included). */
  stop(): Promise<void>;
};

/** The running stand-ins: their endpoints, the outbox feed, and how to end them. */
export type RunningStandIns = {
  sqs: string;
  ses: string;
  /** Calls `listener` for each mail the SES stand-in stores from now on; returns the unsubscribe. */
  onSentMail(listener: (mail: SentMailNotice) => void): () => void;
  /**
   * Starts the SMTP stand-in for SES receiving on the stand-ins' thread; each mail's SES event
   * comes back here to `deliver` (the `receive` handler), and its sender gets 250 once `deliver`
   * resolved, 451 when it threw.
   * @throws StandInsStartError when it cannot listen (a port taken).
   */
  startSmtp(
    options: SmtpStandInOptions,
    deliver: (event: SesReceiptEvent) => Promise<void>,
  ): Promise<RunningSmtpStandIn>;
  stop(): Promise<void>;
};

type ToParent =
  | { type: 'ready'; sqs: string; ses: string }
  | { type: 'failed'; message: string }
  | { type: 'sent'; atEpochMs: number; mail: Omit<SentMailNotice, 'at'> }
  | { type: 'smtp-ready'; port: number }
  | { type: 'smtp-failed'; message: string }
  | { type: 'smtp-stopped' }
  | { type: 'receive'; id: number; event: SesReceiptEvent };
type ToWorker =
  | { type: 'stop' }
  | { type: 'watch-outbox'; on: boolean }
  | { type: 'smtp-start'; options: SmtpStandInOptions; hostileDkimKey: string }
  | { type: 'smtp-stop' }
  | { type: 'received'; id: number; error?: string };

/** Raised when the stand-ins do not come up (a port taken, a crash at start). */
export class StandInsStartError extends Error {
  override name = 'StandInsStartError';
}

const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;
const entry = fileURLToPath(import.meta.url);

/** What the worker is given: this module, loaded with it, serves the stand-ins. */
type StandInsWorkerData = { standIns: StandInsOptions; script: string };

/**
 * This module and the stand-ins' code compiled to one JavaScript file (`bundleForNode`), so that
 * the worker runs it without tsx's loader, as the desk's own process does. The worker deletes the
 * file once loaded, so none is left behind whatever becomes of the desk.
 */
async function workerScript(): Promise<string> {
  const folder = path.join(path.dirname(entry), '..', 'node_modules', '.cache', 'lsun-stand-ins');
  // Several desks' processes (vitest's workers, other worktrees) share the folder.
  return bundleForNode(entry, 'stand-ins', path.join(folder, `stand-ins-${process.pid}-${randomUUID()}.mjs`));
}

/**
 * Starts fauxqs and the SES stand-in on a worker thread and resolves once both listen on
 * 127.0.0.1. On failure the thread is gone when this rejects.
 * @throws StandInsStartError when a port is taken or the thread ends before it is ready.
 */
export async function startStandInsWorker(options: StandInsOptions): Promise<RunningStandIns> {
  const script = await workerScript();
  const worker = new Worker(script, {
    workerData: { standIns: options, script } satisfies StandInsWorkerData,
    // The plain bundle, whatever flags or loaders (tsx in the tests) the desk's process runs with.
    execArgv: [],
    // A young generation of 12 MiB (semi-spaces of 4) rather than 48 (Node 20's default for
    // a 64-bit heap): the stand-ins' garbage is short-lived request data, and a smaller nursery
    // keeps the memory down. With a data folder the bodies live in files, and a 64 MiB old
    // generation makes V8 collect before it grows with a backlog (intake bench, 900 mails:
    // 151 → 133 MiB at the same CPU per mail, docs/PERFORMANCE.md); in memory (tests), the
    // stored bodies need the room.
    resourceLimits: {
      maxYoungGenerationSizeMb: 12,
      ...(options.dataDir === undefined ? {} : { maxOldGenerationSizeMb: 64 }),
    },
    // Its rare output (a connection error) goes to the desk's: a stream read here would hold the
    // desk's process open.
  });
  const exited = new Promise<void>((done) => worker.once('exit', () => done()));
  const listeners = new Set<(mail: SentMailNotice) => void>();
  let deliver: ((event: SesReceiptEvent) => Promise<void>) | undefined;
  // One listener for the worker's whole life; whoever waits for an answer is told here.
  const waiting = new Set<(message: ToParent) => void>();
  worker.on('message', (message: ToParent) => {
    for (const waiter of waiting) waiter(message);
    if (message.type === 'receive') {
      const { id } = message;
      const delivering = deliver
        ? deliver(message.event)
        : Promise.reject(new Error('no SMTP stand-in started'));
      delivering.then(
        () => send({ type: 'received', id }),
        (error: unknown) =>
          send({
            type: 'received',
            id,
            error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
          }),
      );
      return;
    }
    if (message.type !== 'sent') return;
    const notice = { ...message.mail, at: message.atEpochMs - performance.timeOrigin };
    for (const listener of listeners) listener(notice);
  });

  const kill = async () => {
    await worker.terminate();
    await exited;
  };
  let starting = true;
  let startTimer: NodeJS.Timeout | undefined;
  let onStart: ((message: ToParent) => void) | undefined;
  const ready = await new Promise<{ sqs: string; ses: string }>((resolve, reject) => {
    startTimer = setTimeout(
      () => reject(new StandInsStartError(`Les stand-ins ne sont pas prêts après ${START_TIMEOUT_MS} ms`)),
      START_TIMEOUT_MS,
    );
    onStart = (message) => {
      if (message.type === 'ready') resolve(message);
      if (message.type === 'failed') reject(new StandInsStartError(message.message));
    };
    waiting.add(onStart);
    worker.on('error', (error) => {
      if (starting) reject(new StandInsStartError('Les stand-ins n’ont pas pu démarrer', { cause: error }));
      // Later, the desk's AWS calls fail against them: say why once, where its operator reads.
      else process.stderr.write(`Les stand-ins se sont arrêtés : ${error.stack ?? error.message}\n`);
    });
    void exited.then(() => reject(new StandInsStartError('Les stand-ins se sont arrêtés au démarrage')));
  })
    .catch(async (error: unknown) => {
      await kill();
      rmSync(script, { force: true });
      throw error;
    })
    .finally(() => {
      starting = false;
      clearTimeout(startTimer);
      if (onStart) waiting.delete(onStart);
    });

  let ended = false;
  void exited.then(() => {
    ended = true;
  });
  function send(message: ToWorker): void {
    if (!ended) worker.postMessage(message);
  }
  /** The next answer of the worker among `types`, or undefined when it ended first. */
  const answer = <T extends ToParent['type']>(types: T[]) =>
    new Promise<Extract<ToParent, { type: T }> | undefined>((resolve) => {
      const onMessage = (message: ToParent) => {
        if (!(types as string[]).includes(message.type)) return;
        waiting.delete(onMessage);
        resolve(message as Extract<ToParent, { type: T }>);
      };
      waiting.add(onMessage);
      void exited.then(() => {
        waiting.delete(onMessage);
        resolve(undefined);
      });
    });
  return {
    ...ready,
    async startSmtp(options, deliverEvent) {
      deliver = deliverEvent;
      const started = answer(['smtp-ready', 'smtp-failed']);
      // The DNS fixture's hostile domains publish the key this process signs with (tests).
      send({ type: 'smtp-start', options, hostileDkimKey: hostileDkimPrivateKey() });
      const outcome = await started;
      if (outcome?.type !== 'smtp-ready') {
        deliver = undefined;
        throw new StandInsStartError(
          outcome?.message ?? 'Les stand-ins se sont arrêtés avant de recevoir le courrier',
        );
      }
      return {
        port: outcome.port,
        async stop() {
          const stopped = answer(['smtp-stopped']);
          send({ type: 'smtp-stop' });
          await stopped;
        },
      };
    },
    onSentMail(listener) {
      listeners.add(listener);
      send({ type: 'watch-outbox', on: true });
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) send({ type: 'watch-outbox', on: false });
      };
    },
    async stop() {
      if (ended) return;
      send({ type: 'stop' });
      const timer = setTimeout(() => void worker.terminate(), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** A mail as aws-ses-v2-local stores it: the fields the notice carries. */
type StoredMail = {
  messageId: string;
  destination: { to: string[] };
  subject: string;
  headers?: Array<{ name: string; value: string }>;
};
type SesStoreModule = {
  saveEmail(email: StoredMail): void;
  getStoreReadonly(): { emails: unknown[] };
};

/** The worker: starts both stand-ins, answers the desk, ends at its word. */
async function main(desk: NonNullable<typeof parentPort>, given: StandInsWorkerData): Promise<void> {
  const toParent = (message: ToParent) => desk.postMessage(message);
  // Loaded: its compiled file is of no more use (workerScript).
  rmSync(given.script, { force: true });
  const options = given.standIns;
  const { startFauxqs, startSesLocal } = await import('./stand-in-servers.ts');
  const starting = await Promise.allSettled([
    startFauxqs({
      port: options.sqsPort,
      ...(options.dataDir === undefined ? {} : { dataDir: path.join(options.dataDir, 'fauxqs') }),
    }),
    startSesLocal({
      port: options.sesPort,
      ...(options.dataDir === undefined ? {} : { dataDir: path.join(options.dataDir, 'ses') }),
    }),
  ]);
  const running = starting.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  let stopping: Promise<void> | undefined;
  const stopAll = () => {
    stopping ??= (async () => {
      for (const emulator of [...running].reverse()) await emulator.stop().catch(() => undefined);
    })();
    return stopping;
  };
  const failed = starting.find((result) => result.status === 'rejected');
  if (failed) {
    await stopAll();
    const reason = failed.reason as unknown;
    const cause =
      reason instanceof Error && reason.cause instanceof Error ? ` (${reason.cause.message})` : '';
    toParent({
      type: 'failed',
      message: `${reason instanceof Error ? reason.message : String(reason)}${cause}`,
    });
    process.exit(1);
  }

  // The outbox feed: each mail the SES stand-in stores (on disk first when durable), told to
  // the parent only while someone watches, so a desk without a bench pays nothing for it.
  const store = createRequire(import.meta.url)('aws-ses-v2-local/dist/store.js') as SesStoreModule;
  const saveEmail = store.saveEmail;
  let watching = false;
  store.saveEmail = (email) => {
    saveEmail(email);
    if (!watching) return;
    toParent({
      type: 'sent',
      atEpochMs: performance.timeOrigin + performance.now(),
      mail: {
        messageId: email.messageId,
        to: email.destination.to,
        subject: email.subject,
        headers: email.headers ?? [],
        stored: store.getStoreReadonly().emails.length,
      },
    });
  };

  const [fauxqs, ses] = running as [RunningFauxqs, RunningEmulator];
  const smtp = smtpStandIn(fauxqs, toParent);
  running.push({ endpoint: '', stop: () => smtp.stop() });

  desk.on('message', (message: ToWorker) => {
    if (message.type === 'watch-outbox') watching = message.on;
    if (message.type === 'smtp-start') void smtp.start(message.options, message.hostileDkimKey);
    if (message.type === 'smtp-stop') void smtp.stop().then(() => toParent({ type: 'smtp-stopped' }));
    if (message.type === 'received') smtp.received(message.id, message.error);
    if (message.type === 'stop') {
      void stopAll().then(() => process.exit(0));
    }
  });
  toParent({ type: 'ready', sqs: fauxqs.endpoint, ses: ses.endpoint });
}

/** Raised on the stand-ins' thread when the desk could not take a mail: its sender gets 451. */
class DeliveryError extends Error {
  override name = 'DeliveryError';
}

/**
 * The SMTP stand-in as this thread runs it: started and stopped at the desk's word, storing
 * each raw mail straight into fauxqs's store and handing each event to the desk, one pending
 * promise per mail until the desk answers.
 */
function smtpStandIn(fauxqs: RunningFauxqs, toParent: (message: ToParent) => void) {
  const deliveries = ipcCalls<void>((message) => new DeliveryError(message));
  let receiver: Promise<SmtpReceiver | undefined> | undefined;
  return {
    async start(options: SmtpStandInOptions, hostileDkimKey: string): Promise<void> {
      const { startSmtpReceiver } = await import('./smtp-receiver.ts');
      useHostileDkimPrivateKey(hostileDkimKey);
      const starting = startSmtpReceiver({
        host: '127.0.0.1',
        ...options,
        storeRawMail: (key, raw) => fauxqs.putObject(options.bucket, key, raw),
        // A mail answered 451 is told by the receiver's own line, one per mail and never the
        // body, on this thread's stderr, which is the desk's.
        deliver: (event) => deliveries.call(true, (id) => toParent({ type: 'receive', id, event })),
      });
      receiver = starting;
      try {
        toParent({ type: 'smtp-ready', port: (await starting).port });
      } catch (error) {
        receiver = Promise.resolve(undefined);
        const cause =
          error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : '';
        toParent({
          type: 'smtp-failed',
          message: `Le SMTP local n’a pas pu écouter sur 127.0.0.1:${options.port} : ${error instanceof Error ? error.message : String(error)}${cause}`,
        });
      }
    },
    received(id: number, error: string | undefined): void {
      deliveries.answered(id, undefined, error);
    },
    async stop(): Promise<void> {
      const stopping = receiver;
      receiver = undefined;
      await (await stopping?.catch(() => undefined))?.stop();
    },
  };
}

// Imported by the desk for `startStandInsWorker`; on the worker it starts, it serves the stand-ins.
const given = isMainThread ? undefined : (workerData as Partial<StandInsWorkerData> | undefined);
if (parentPort && given?.standIns && given.script) {
  const desk = parentPort;
  main(desk, given as StandInsWorkerData).catch((error: unknown) => {
    desk.postMessage({
      type: 'failed',
      message: `Les stand-ins n’ont pas pu démarrer : ${error instanceof Error ? error.stack : String(error)}`,
    } satisfies ToParent);
    process.exit(1);
  });
}
