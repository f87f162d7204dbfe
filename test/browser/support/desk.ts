/**
 * The whole desk for a browser test file (`startTestStack`) serving the built console with its
 * local sign-in and security headers, and the URL the browser opens.
 */
import { CONSOLE_DIST } from '#local/console-build.ts';
import type { RunningDesk } from '#local/stack.ts';
import { startTestStack } from '../../support/stack.ts';

export type BrowserDesk = {
  desk: RunningDesk;
  /** Where the browser goes: the desk's front. */
  url: string;
  jwtKeyPath: string;
  stop(): Promise<void>;
};

/** Starts the desk with the console; `stop` stops what was started. */
export async function startBrowserDesk(
  options: { seedDirectory?: boolean; schedulerTickMs?: number } = {},
): Promise<BrowserDesk> {
  const stack = await startTestStack({ ...options, consoleDir: CONSOLE_DIST });
  return { desk: stack.desk, url: stack.desk.httpUrl, jwtKeyPath: stack.jwtKeyPath, stop: stack.stop };
}
