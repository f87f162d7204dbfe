/**
 * The whole desk for a browser test file: `startDesk` (free ports, in memory, the demo
 * directory) serving the built console with its local sign-in and security headers, and the
 * URL the browser opens.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CONSOLE_DIST, ROOT } from '#local/console-build.ts';
import { freePorts } from '#local/emulators.ts';
import { type RunningDesk, startDesk } from '#local/stack.ts';

export type BrowserDesk = {
  desk: RunningDesk;
  /** Where the browser goes: the desk's front. */
  url: string;
  jwtKeyPath: string;
  stop(): Promise<void>;
};

/** Starts the desk with the console; `stop` stops what was started. */
export async function startBrowserDesk(options: { seedDirectory?: boolean } = {}): Promise<BrowserDesk> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const keyDir = mkdtempSync(path.join(tmpdir(), 'lsun-browser-'));
  const jwtKeyPath = path.join(keyDir, 'key.json');
  const [smtp = 0, http = 0, ses = 0, dynamodb = 0, sqs = 0] = await freePorts(5);
  const desk = await startDesk({
    ports: { smtp, http, ses, dynamodb, sqs },
    dataDir: undefined,
    seedDirectory: options.seedDirectory === false ? undefined : path.join(ROOT, 'data', 'annuaire-demo.csv'),
    consoleDir: CONSOLE_DIST,
    jwtKeyPath,
    env: { POWERTOOLS_LOG_LEVEL: 'WARN' },
    pollersPerStage: 2,
  });
  return {
    desk,
    url: desk.httpUrl,
    jwtKeyPath,
    async stop() {
      await desk.stop();
      rmSync(keyDir, { recursive: true, force: true });
    },
  };
}
