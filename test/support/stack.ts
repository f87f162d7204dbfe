/**
 * The whole desk of `npm start` for an end-to-end or browser test file: `startDesk` on free
 * ports, in memory, with the demo directory and a local identity provider of its own, and the
 * small helpers those tests share.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePorts, makeLocalClients } from '#local/emulators.ts';
import { issueToken } from '#local/jwt.ts';
import { messagesIn } from '#local/queue-depths.ts';
import { type RunningDesk, startDesk } from '#local/stack.ts';
import type { StaffGroup } from '#shared/http/auth.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

export type TestStack = {
  desk: RunningDesk;
  jwtKeyPath: string;
  /** A token of the local identity provider for this person and these groups. */
  token(email: string, groups: StaffGroup[]): Promise<string>;
  stop(): Promise<void>;
};

/**
 * Starts the desk; `stop` stops what was started and removes the key. `schedulerTickMs` makes
 * the scheduler's tick (a minute) faster, for a test that waits for a scheduled broadcast.
 *
 * `seedArticles` loads the demo articles (`data/kb-demo.json`), published, and resolves once
 * their export has written `/kb/`. Off by default: with public articles, acknowledgments carry
 * suggestions, and the mail tests check the acknowledgment without them.
 */
export async function startTestStack(
  options: {
    seedDirectory?: boolean;
    seedArticles?: boolean;
    consoleDir?: string;
    schedulerTickMs?: number;
  } = {},
): Promise<TestStack> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const keyDir = mkdtempSync(path.join(tmpdir(), 'lsun-stack-'));
  const jwtKeyPath = path.join(keyDir, 'key.json');
  const [smtp = 0, http = 0, ses = 0, dynamodb = 0, sqs = 0] = await freePorts(5);
  const desk = await startDesk({
    ports: { smtp, http, ses, dynamodb, sqs },
    dataDir: undefined,
    seedDirectory: options.seedDirectory === false ? undefined : path.join(ROOT, 'data', 'annuaire-demo.csv'),
    ...(options.seedArticles ? { seedArticles: path.join(ROOT, 'data', 'kb-demo.json') } : {}),
    consoleDir: options.consoleDir,
    jwtKeyPath,
    env: { POWERTOOLS_LOG_LEVEL: 'WARN' },
    pollersPerStage: 2,
    ...(options.schedulerTickMs === undefined ? {} : { schedulerTickMs: options.schedulerTickMs }),
  });
  if (options.seedArticles) {
    await eventually(
      async () => (await fetch(`${desk.httpUrl}/kb/index.html`, { method: 'HEAD' })).ok,
      'the export of the demo articles (/kb/index.html)',
      { attempts: 300, intervalMs: 100 },
    ).catch(async (error: unknown) => {
      await desk.stop();
      throw error;
    });
  }
  return {
    desk,
    jwtKeyPath,
    token: (email, groups) => issueToken({ email, groups }, { keyPath: jwtKeyPath }),
    async stop() {
      await desk.stop();
      rmSync(keyDir, { recursive: true, force: true });
    },
  };
}

/**
 * Polls until `find` returns something (the desk works asynchronously: a mail takes a few queue
 * hops), or gives up with a message naming what was awaited.
 */
export async function eventually<T>(
  find: () => Promise<T | undefined | null | false>,
  what: string,
  { attempts = 200, intervalMs = 50 } = {},
): Promise<T> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    const found = await find();
    if (found !== undefined && found !== null && found !== false) return found;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`gave up waiting for ${what}`);
}

/** Waits until the desk's outbox queue holds nothing, so every queued mail was handled. */
export async function outboxDrained(desk: RunningDesk): Promise<void> {
  const { sqs } = makeLocalClients(desk.endpoints);
  try {
    await eventually(async () => {
      const pending = await messagesIn(sqs, { outbox: desk.resources.queueUrls.outbox });
      return pending === 0 ? true : undefined;
    }, 'the outbox to drain');
  } finally {
    sqs.destroy();
  }
}
