/**
 * Chromium for the browser tests: Debian's `/usr/bin/chromium` driven by playwright-core, a
 * fresh profile per run, and flags that keep it from asking anything outside this machine.
 * Each page records what would betray a fault: dialogs (a script from a mail running), page
 * errors, console errors and Content-Security-Policy violations.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { ROOT } from '#local/console-build.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = path.join(ROOT, 'test-results', 'console');

export type Browser = { context: BrowserContext; close(): Promise<void> };

/**
 * The browser globals the page-side callbacks use, typed here because the tests' tsconfig has
 * no DOM library (the callbacks run in Chromium, not in Node).
 */
export type PageGlobals = {
  __cspViolations?: string[];
  history: { pushState(state: unknown, unused: string, url: string): void };
  dispatchEvent(event: unknown): boolean;
  PopStateEvent: new (type: string) => unknown;
  localStorage: Record<string, string>;
  sessionStorage: Record<string, string>;
  document: {
    addEventListener(
      type: 'securitypolicyviolation',
      listener: (event: { effectiveDirective: string; blockedURI: string }) => void,
    ): void;
    body: { dataset: Record<string, string | undefined> };
  };
};

/** Chromium is not where the tests look for it. */
export class ChromiumMissingError extends Error {
  override name = 'ChromiumMissingError';
}

/** A headless Chromium with a fresh profile, French, in a desktop-sized window. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new ChromiumMissingError(
      `Chromium not found at ${CHROMIUM}: apt-get install -y chromium, or set CHROMIUM_PATH to another build.`,
    );
  }
  const profile = mkdtempSync(path.join(tmpdir(), 'lsun-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    locale: 'fr-FR',
    timezoneId: 'Europe/Paris',
    viewport: { width: 1280, height: 900 },
    acceptDownloads: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1',
    ],
  });
  // Records every CSP violation the page reports, before any of its own scripts run.
  await context.addInitScript(() => {
    const seen: string[] = [];
    const page = globalThis as unknown as PageGlobals;
    page.__cspViolations = seen;
    page.document.addEventListener('securitypolicyviolation', (event) => {
      seen.push(`${event.effectiveDirective} ${event.blockedURI}`);
    });
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** What a page did that it should not have. */
export type PageWatch = { dialogs: string[]; errors: string[]; consoleErrors: string[] };

/** Starts recording dialogs, uncaught errors and console errors of a page. */
export function watchPage(page: Page): PageWatch {
  const watch: PageWatch = { dialogs: [], errors: [], consoleErrors: [] };
  page.on('dialog', (dialog) => {
    watch.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on('pageerror', (error) => watch.errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') watch.consoleErrors.push(message.text());
  });
  return watch;
}

/** The CSP violations the page has reported so far. */
export async function cspViolations(page: Page): Promise<string[]> {
  return page.evaluate(() => (globalThis as unknown as PageGlobals).__cspViolations ?? []);
}

/** Signs in on the local sign-in page as one of the demo accounts, and waits for the dashboard. */
export async function signIn(page: Page, baseUrl: string, email: string, then = '/'): Promise<void> {
  await page.goto(
    `${baseUrl}${then === '/' ? '/connexion' : `/connexion?retour=${encodeURIComponent(then)}`}`,
  );
  await page.getByRole('button', { name: new RegExp(email.replace(/[.@]/g, '\\$&')) }).click();
  await page.getByRole('button', { name: 'Se déconnecter' }).first().waitFor();
}

/**
 * Goes to a page of the console in place, as a click on one of its links would: a full load
 * (`page.goto`) would drop the session, which lives in memory only.
 */
export async function go(page: Page, path: string): Promise<void> {
  await page.evaluate((to) => {
    const browser = globalThis as unknown as PageGlobals;
    browser.history.pushState(null, '', to);
    browser.dispatchEvent(new browser.PopStateEvent('popstate'));
  }, path);
}

/** Waits for the page's main heading. */
export async function heading(page: Page, name: string | RegExp): Promise<void> {
  await page.getByRole('heading', { level: 1, name }).waitFor();
}

/** Saves a full-page screenshot under `test-results/console/` for review. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * The WCAG 2.1 A/AA violations axe finds on the page, in a readable form (empty: none). The
 * sandboxed mail frame holds the sender's content, not the console's, and cannot run axe.
 */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .exclude('.lsun-mail-frame')
    .analyze();
  return results.violations.map(
    (violation) =>
      `${violation.id} (${violation.impact}): ${violation.help} — ${violation.nodes
        .slice(0, 3)
        .map((node) => node.target.join(' '))
        .join(' | ')}`,
  );
}

/**
 * Asserts the page as it stands (once its loading notices are gone) has no WCAG 2.1 AA violation,
 * no CSP violation and no script error, and keeps its screenshot under `name`.
 */
export async function expectPageClean(page: Page, watch: PageWatch, name: string): Promise<void> {
  await page.locator('.lsun-loading').first().waitFor({ state: 'detached' });
  await screenshot(page, name);
  expect(await accessibilityViolations(page)).toEqual([]);
  expect(await cspViolations(page)).toEqual([]);
  expect(watch.errors).toEqual([]);
}
