/**
 * The desk in a Node process of its own, run on plain Node from one esbuild bundle, for the
 * benches (their load generator stays in their own process, apart from the desk it measures)
 * and for `npm start`. Measured (docs/PERFORMANCE.md, « Memory of the whole local desk »): tsx's
 * loader (a second V8 isolate for its hooks) and its esbuild service cost the process that runs
 * them about 50 MiB, and a bench's corpus, SMTP client and pending sends are not the desk's.
 *
 * The child runs `startDesk` as it is (same handlers, same runner, same stand-ins' thread beside
 * it) and talks to its parent over Node's IPC channel only: `ready` with what `RunningDesk`
 * names, the outbox feed while someone watches, `stop`, and an extension channel (requests with
 * answers, and events) through which a bench's agent, bundled in instead of `desk-child.ts` as the
 * entry, probes the handlers' clients from inside (`bench/lib/desk-agent.ts`). When the channel
 * closes (the parent ends, crashes or is killed) the desk stops and the process exits; it has its
 * own process group, so a Ctrl-C reaches the parent only, which stops the desk in order.
 */
import { fork } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { LocalEndpoints } from './emulators.ts';
import { ipcCalls } from './ipc-calls.ts';
import { JavaMissingError } from './java-missing.ts';
import { FEW_MALLOC_ARENAS } from './malloc-arenas.ts';
import { bundleForNode } from './node-bundle.ts';
import type { DeskResources } from './resources.ts';
import type { DeskOptions, RunningDesk } from './stack.ts';
import type { SentMailNotice } from './stand-ins-worker.ts';

/** What `startDesk` takes, less `around`, which cannot cross to another process. */
export type DeskProcessOptions = Omit<DeskOptions, 'around'>;

/** The desk running in its child process, as the parent sees it. */
export type DeskProcess = Omit<RunningDesk, 'pids'> & {
  /** The desk's process (the runner, the handlers, the HTTP front, the stand-ins' thread), Java's. */
  pids: { desk: number; dynamodb: number | undefined };
  /** Asks the bundled agent (`serveDesk`'s extension) and waits for its answer. */
  ask(request: unknown): Promise<unknown>;
  /** Calls `listener` for each event the agent sends; returns the unsubscribe. */
  onEvent(listener: (event: unknown) => void): () => void;
};

/** What the child answers at start: a `RunningDesk` less its functions. */
type Ready = {
  endpoints: LocalEndpoints;
  resources: DeskResources;
  smtpPort: number;
  httpUrl: string;
  pids: RunningDesk['pids'];
};

/** What the desk's process tells its parent (`desk-child.ts`). */
export type ToParent =
  | ({ type: 'ready' } & Ready)
  | { type: 'failed'; name: string; message: string }
  | { type: 'sent'; atEpochMs: number; mail: Omit<SentMailNotice, 'at'> }
  | { type: 'answer'; id: number; body?: unknown; error?: string }
  | { type: 'event'; body: unknown }
  | { type: 'stopped' };
/** What the parent tells the desk's process. */
export type ToChild =
  | { type: 'stop' }
  | { type: 'watch-outbox'; on: boolean }
  | { type: 'ask'; id: number; body: unknown };

/** Raised when the desk's process does not come up (a port taken, Java missing, a crash at start). */
export class DeskProcessError extends Error {
  override name = 'DeskProcessError';
}

/** Set in the child's environment: `plain` when `desk-child.ts` is the bundle's entry, `agent` for a bench's agent. */
export const CHILD_MARK = 'LSUN_DESK_PROCESS';
const START_TIMEOUT_MS = 180_000;
/**
 * The desk's V8 heap, sized for what it holds (startDeskProcess). The young generation is 8 MiB,
 * not 4: with the knowledge base's index loaded (2,000 articles), each suggestion's search
 * allocates enough to overflow a 4 MiB nursery, and the collector then made twice the pauses
 * (~480 against ~215 in a 20 s run at 10 mails/s) for twice the time, with the desk's process at
 * 0.63–0.73 core against 0.51–0.55 and the acknowledgment's p95 at 202–284 ms against 147–162, at
 * the same peak memory (docs/PERFORMANCE.md, « Knowledge base »).
 */
export const DESK_HEAP_FLAGS = ['--max-semi-space-size=8', '--max-old-space-size=128'];
const STOP_TIMEOUT_MS = 30_000;
const here = path.dirname(fileURLToPath(import.meta.url));
/** The desk alone, as `npm start` runs it. */
const DESK_CHILD = path.join(here, 'desk-child.ts');

/**
 * Starts the desk in a child process on plain Node and resolves once it is ready (its SMTP port
 * listening). `entry` is the module bundled as the child (default: `desk-child.ts`, the desk
 * alone; a bench gives its agent, which calls `serveDesk` with its probes). On failure the child is gone
 * when this rejects.
 * @throws JavaMissingError when Java is missing for DynamoDB Local.
 * @throws DeskProcessError when the desk does not come up otherwise.
 */
export async function startDeskProcess(
  options: DeskProcessOptions,
  { entry, execArgv = [] }: { entry?: string; execArgv?: string[] } = {},
): Promise<DeskProcess> {
  const script = await bundleForNode(entry ?? DESK_CHILD, 'desk');
  const child = fork(script, [JSON.stringify(options)], {
    // Measured under the intake bench: left to itself, V8 let the desk's heap grow to ~200 MiB
    // of mostly garbage (50–60 MiB live after the run); a 128 MiB old generation makes it collect
    // sooner (heap ~82 MiB, RSS 290 → ~165 MiB); the young one is sized with it (DESK_HEAP_FLAGS).
    execArgv: [...DESK_HEAP_FLAGS, ...execArgv],
    // The handlers' extra environment is there before any module loads, as on Lambda: the
    // logger reads its level when created, and goes back to that level between invocations.
    env: {
      ...process.env,
      ...FEW_MALLOC_ARENAS,
      ...options.env,
      [CHILD_MARK]: entry === undefined ? 'plain' : 'agent',
    },
    detached: true,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const sentListeners = new Set<(mail: SentMailNotice) => void>();
  const eventListeners = new Set<(event: unknown) => void>();
  const questions = ipcCalls<unknown>((message) => new DeskProcessError(message));
  child.on('message', (message: ToParent) => {
    if (message.type === 'sent') {
      const notice = { ...message.mail, at: message.atEpochMs - performance.timeOrigin };
      for (const listener of sentListeners) listener(notice);
    } else if (message.type === 'event') {
      for (const listener of eventListeners) listener(message.body);
    } else if (message.type === 'answer') {
      questions.answered(message.id, message.body, message.error);
    }
  });
  void exited.then(() => questions.gone());
  const send = (message: ToChild) => {
    if (child.connected) child.send(message);
  };

  const ready = await new Promise<Ready>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new DeskProcessError(`Le desk n’est pas prêt après ${START_TIMEOUT_MS} ms`)),
      START_TIMEOUT_MS,
    );
    child.on('message', (message: ToParent) => {
      if (message.type === 'ready') resolve(message);
      if (message.type === 'failed') {
        // Java missing is told as it is (`npm start` prints how to install it).
        reject(
          message.name === 'JavaMissingError'
            ? new JavaMissingError(message.message)
            : new DeskProcessError(message.message),
        );
      }
    });
    child.once('error', (error) =>
      reject(new DeskProcessError('Le processus du desk n’a pas pu être lancé', { cause: error })),
    );
    void exited.then(() => reject(new DeskProcessError('Le processus du desk s’est arrêté au démarrage')));
    void exited.finally(() => clearTimeout(timer));
  }).catch(async (error: unknown) => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
    rmSync(script, { force: true });
    throw error;
  });

  let stopping: Promise<void> | undefined;
  return {
    endpoints: ready.endpoints,
    resources: ready.resources,
    smtpPort: ready.smtpPort,
    httpUrl: ready.httpUrl,
    pids: ready.pids,
    onSentMail(listener) {
      sentListeners.add(listener);
      send({ type: 'watch-outbox', on: true });
      return () => {
        sentListeners.delete(listener);
        if (sentListeners.size === 0) send({ type: 'watch-outbox', on: false });
      };
    },
    ask(body) {
      return questions.call(child.connected, (id) => send({ type: 'ask', id, body }));
    },
    onEvent(listener) {
      eventListeners.add(listener);
      return () => void eventListeners.delete(listener);
    },
    stop() {
      stopping ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        send({ type: 'stop' });
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
        await exited;
        clearTimeout(timer);
      })();
      return stopping;
    },
  };
}
