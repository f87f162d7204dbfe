/**
 * The whole desk for a browser test file (`startTestStack`) serving the built console with its
 * local sign-in and security headers, and the URL the browser opens.
 */
import type { Page } from 'playwright-core';
import { CONSOLE_DIST } from '#local/console-build.ts';
import { issueToken } from '#local/jwt.ts';
import type { RunningDesk } from '#local/stack.ts';
import { startTestStack } from '../../support/stack.ts';
import { type Browser, launchBrowser, type PageWatch, watchPage } from './browser.ts';

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

/** A browser test file's desk and page: one tab watched for script errors, and the agent's token. */
export type ConsoleSession = {
  desk: BrowserDesk;
  browser: Browser;
  page: Page;
  watch: PageWatch;
  /** An API token of the local identity provider for `agent@ac-dijon.fr`. */
  agentToken: string;
  /** Closes the browser, then stops the desk. */
  close(): Promise<void>;
};

/** Starts the desk with the console and a browser on one watched page. */
export async function openConsoleSession(): Promise<ConsoleSession> {
  const desk = await startBrowserDesk();
  const browser = await launchBrowser();
  const page = await browser.context.newPage();
  const agentToken = await issueToken(
    { email: 'agent@ac-dijon.fr', groups: ['agent'] },
    { keyPath: desk.jwtKeyPath },
  );
  return {
    desk,
    browser,
    page,
    watch: watchPage(page),
    agentToken,
    async close() {
      await browser.close();
      await desk.stop();
    },
  };
}
