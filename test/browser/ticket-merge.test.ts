/**
 * Merging tickets in the console, in a real browser against the whole desk: the « Fusionner »
 * dialog on a duplicate's page merges it into the ticket typed, the merged ticket then shows
 * « fusionné dans LSUN-… » with a link to the target, and axe finds nothing on the open dialog
 * or on the merged ticket's page.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendTestMail } from '#local/send-mail.ts';
import type { IntakeEntry } from '#shared/domain/records.ts';
import { accessibilityViolations, heading, type PageWatch, screenshot, signIn } from './support/browser.ts';
import { type BrowserDesk, type ConsoleSession, openConsoleSession } from './support/desk.ts';
import { api, eventually } from './support/waiting.ts';

let desk: BrowserDesk;
let page: Page;
let watch: PageWatch;
let agentToken: string;

let session: ConsoleSession;

beforeAll(async () => {
  session = await openConsoleSession();
  ({ desk, page, watch, agentToken } = session);
});

afterAll(async () => {
  await session?.close();
});

/** Opens a ticket by mail; its number once the desk has opened it. */
async function openTicket(subject: string): Promise<string> {
  const sent = await sendTestMail({
    port: desk.desk.smtpPort,
    from: 'Camille Martin <camille.martin@ac-dijon.fr>',
    to: 'assistance1d@ac-dijon.fr',
    subject,
    text: 'Bonjour, les livrets ne s’ouvrent pas.',
  });
  const entry = await eventually(async () => {
    const { body } = await api<{ items: IntakeEntry[] }>(desk.url, agentToken, '/api/intake?limit=100');
    const found = body.items.find((item) => item.sesMessageId === sent.sesMessageId);
    return found?.ticketNumber ? found : undefined;
  }, 'the ticket');
  const number = entry.ticketNumber ?? '';
  // A merge waits for the duplicate's mails to be sent (its acknowledgment).
  await eventually(async () => {
    const { body } = await api<{ messages: Array<{ status?: string }> }>(
      desk.url,
      agentToken,
      `/api/tickets/${number}`,
    );
    return body.messages.some((message) => message.status === 'queued') ? undefined : true;
  }, 'the acknowledgment sent');
  return number;
}

describe('« Fusionner » on a ticket’s page', () => {
  it('merges the duplicate into the ticket typed, then shows « fusionné dans » with a link to it', async () => {
    // Prepare
    const target = await openTicket('LSUN : livrets fermés');
    const duplicate = await openTicket('LSUN : livrets fermés (relance)');
    await signIn(page, desk.url, 'agent@ac-dijon.fr', `/tickets/${duplicate}`);
    await heading(page, `Ticket ${duplicate}`);
    await page.locator('.lsun-loading').first().waitFor({ state: 'detached' });

    // Act: open the dialog (checked by axe), type the target, confirm.
    await page.getByRole('button', { name: 'Fusionner dans un autre ticket…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Numéro du ticket qui reçoit').waitFor();
    await screenshot(page, '40-fusionner');
    expect(await accessibilityViolations(page)).toEqual([]);
    await dialog.getByLabel('Numéro du ticket qui reçoit').fill(target.toLowerCase());
    await dialog.getByRole('button', { name: 'Fusionner', exact: true }).click();

    // Assess
    const link = page.getByRole('link', { name: target });
    await link.waitFor();
    expect(await page.locator('.fr-alert').first().textContent()).toContain('fusionné dans');
    await screenshot(page, '41-ticket-fusionne');
    expect(await accessibilityViolations(page)).toEqual([]);
    await link.click();
    await heading(page, `Ticket ${target}`);
    expect(watch.errors).toEqual([]);
  });

  it('says in the dialog why a merge into the ticket itself is refused', async () => {
    // Prepare
    const alone = await openTicket('LSUN : une seule question');
    await signIn(page, desk.url, 'agent@ac-dijon.fr', `/tickets/${alone}`);
    await heading(page, `Ticket ${alone}`);
    await page.locator('.lsun-loading').first().waitFor({ state: 'detached' });

    // Act
    await page.getByRole('button', { name: 'Fusionner dans un autre ticket…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Numéro du ticket qui reçoit').fill(alone);
    await dialog.getByRole('button', { name: 'Fusionner', exact: true }).click();

    // Assess
    await expect
      .poll(async () => (await dialog.locator('.fr-alert').textContent()) ?? '')
      .toContain('lui-même');
  });
});
