/**
 * Downloads of any size in a real browser: an agent opens a ticket whose mail carries a 6 MB
 * attachment (a raw mail of about 8 MB) and clicks its button; the console asks the API for a
 * link and follows it to the S3 stand-in, and the file Chromium saves is the attachment, byte
 * for byte (sha256), under its own name. Same for the raw mail. The console stays on its page
 * and no CSP violation is reported: the link is a navigation, not a request of the page.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeLocalClients } from '#local/emulators.ts';
import { sendTestMail } from '#local/send-mail.ts';
import type { IntakeEntry } from '#shared/domain/records.ts';
import { cspViolations, go, screenshot, signIn } from './support/browser.ts';
import { type ConsoleSession, openConsoleSession } from './support/desk.ts';
import { api, eventually } from './support/waiting.ts';

let session: ConsoleSession;
let ticketNumber: string;
let sesMessageId: string;

/** 6 MB that no charset or compression would keep as they are. */
const SIX_MB = Buffer.from(Array.from({ length: 6_000_000 }, (_, i) => (i * 7919 + (i >> 8)) % 256));
const FILENAME = 'Livret scolaire été 2026.pdf';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

beforeAll(async () => {
  session = await openConsoleSession();
  const { desk, agentToken } = session;
  const sent = await sendTestMail({
    port: desk.desk.smtpPort,
    from: 'Camille Martin <camille.martin@ac-dijon.fr>',
    to: 'assistance1d@ac-dijon.fr',
    subject: 'LSUN : le livret ne s’imprime pas',
    text: 'Bonjour, voici le livret en pièce jointe.',
    attachments: [{ filename: FILENAME, content: SIX_MB, contentType: 'application/pdf' }],
  });
  sesMessageId = sent.sesMessageId;
  const entry = await eventually(async () => {
    const { body } = await api<{ items: IntakeEntry[] }>(desk.url, agentToken, '/api/intake?limit=100');
    return body.items.find((item) => item.sesMessageId === sesMessageId && item.ticketNumber);
  }, 'the ticket of the mail with a 6 MB attachment');
  ticketNumber = entry.ticketNumber ?? '';
  await signIn(session.page, desk.url, 'agent@ac-dijon.fr', `/tickets/${ticketNumber}`);
}, 120_000);

afterAll(async () => {
  await session?.close();
});

describe('an agent downloads from a ticket', () => {
  it('gets the 6 MB attachment byte for byte, under its own name', async () => {
    // Prepare
    const { page } = session;
    const button = page.getByRole('button', { name: new RegExp(`^${FILENAME.replace(/\./g, '\\.')}`) });
    await button.waitFor();

    // Act
    const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);

    // Assess
    expect(download.suggestedFilename()).toBe(FILENAME);
    expect(sha256(readFileSync(await download.path()))).toBe(sha256(SIX_MB));
    expect(new URL(page.url()).pathname).toBe(`/tickets/${ticketNumber}`);
    expect(await cspViolations(page)).toEqual([]);
  });

  it('gets the raw mail of about 8 MB as stored, then sees both downloads in the history', async () => {
    // Prepare
    const { page, desk } = session;
    const { s3 } = makeLocalClients(desk.desk.endpoints);
    const stored = await s3.send(
      new GetObjectCommand({ Bucket: desk.desk.resources.bucket, Key: `incoming/${sesMessageId}` }),
    );
    const original = (await stored.Body?.transformToByteArray()) ?? new Uint8Array();
    s3.destroy();

    // Act
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Télécharger le courriel d’origine (.eml)' }).click(),
    ]);
    const saved = readFileSync(await download.path());
    // Back to the ticket through the console (a reload would sign out: no token is stored).
    await go(page, '/tickets');
    await go(page, `/tickets/${ticketNumber}`);

    // Assess
    expect(original.byteLength).toBeGreaterThan(4_000_000);
    expect(download.suggestedFilename()).toBe(`${ticketNumber}-${sesMessageId}.eml`);
    expect(sha256(saved)).toBe(sha256(original));
    await page.getByRole('row', { name: new RegExp(`Fichier téléchargé.*${FILENAME}`) }).waitFor();
    await page.getByRole('row', { name: new RegExp(`Fichier téléchargé.*${ticketNumber}-`) }).waitFor();
    await screenshot(page, 'downloads-ticket-history');
  });
});
