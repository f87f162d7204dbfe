/**
 * The desk's process's side of `desk-process.ts`: starts the desk with the options its parent
 * gave and serves the parent over IPC. A module of its own so that the parent's bundle
 * (`npm start`'s terminal process) does not load the desk's code and packages.
 */
import { rmSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import {
  CHILD_MARK,
  DeskProcessError,
  type DeskProcessOptions,
  type ToChild,
  type ToParent,
} from './desk-process.ts';
import type { RunningDesk } from './stack.ts';

/** What a bench's agent adds to the desk's process: answers to its parent's requests. */
export type DeskAgent = {
  /** Called once the desk is ready; `notify` sends an event to the parent. */
  attach?(desk: RunningDesk, notify: (event: unknown) => void): void;
  answer(request: unknown): Promise<unknown> | unknown;
};

/**
 * The child's side: starts the desk with the options its parent gave, serves the parent's
 * messages, and stops the desk (then exits) on `stop` or when the parent is gone.
 */
export async function serveDesk(agent?: DeskAgent): Promise<void> {
  const toParent = (message: ToParent) => {
    if (process.connected) process.send?.(message);
  };
  // Loaded: its compiled file is of no more use (bundleForNode).
  if (process.argv[1]) rmSync(process.argv[1], { force: true });
  const options = JSON.parse(process.argv[2] ?? '{}') as DeskProcessOptions;
  const { startDesk } = await import('./stack.ts');
  let desk: RunningDesk;
  try {
    desk = await startDesk(options);
  } catch (error) {
    toParent({
      type: 'failed',
      name: error instanceof Error ? error.name : 'Error',
      message: error instanceof Error ? error.message : String(error),
    });
    process.exit(1);
  }
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= desk.stop().finally(() => process.exit(0));
    return stopping;
  };
  let unwatch: (() => void) | undefined;
  process.on('message', (message: ToChild) => {
    if (message.type === 'stop') void stop();
    if (message.type === 'watch-outbox') {
      if (message.on && unwatch === undefined) {
        // Forwarded with the stand-ins' own moment, as an epoch: each process has its own clock.
        unwatch = desk.onSentMail(({ at, ...mail }) =>
          toParent({ type: 'sent', atEpochMs: performance.timeOrigin + at, mail }),
        );
      } else if (!message.on) {
        unwatch?.();
        unwatch = undefined;
      }
    }
    if (message.type === 'ask') {
      const { id } = message;
      Promise.resolve()
        .then(() => {
          if (agent === undefined) throw new DeskProcessError('aucun agent dans le processus du desk');
          return agent.answer(message.body);
        })
        .then(
          (body) => toParent({ type: 'answer', id, body }),
          (error: unknown) =>
            toParent({ type: 'answer', id, error: error instanceof Error ? error.message : String(error) }),
        );
    }
  });
  process.on('disconnect', () => void stop());
  // Ctrl-C in the terminal reaches the parent, which asks for the stop; never this process alone.
  process.on('SIGINT', () => undefined);
  agent?.attach?.(desk, (body) => toParent({ type: 'event', body }));
  toParent({
    type: 'ready',
    endpoints: desk.endpoints,
    resources: desk.resources,
    smtpPort: desk.smtpPort,
    httpUrl: desk.httpUrl,
    pids: desk.pids,
  });
}

// Forked as the bundle's entry (`startDeskProcess` without an agent), it serves the desk.
if (process.env[CHILD_MARK] === 'plain' && process.send !== undefined) {
  serveDesk().catch((error: unknown) => {
    process.stderr.write(
      `Le desk n’a pas pu démarrer : ${error instanceof Error ? error.stack : String(error)}\n`,
    );
    process.exit(1);
  });
}
