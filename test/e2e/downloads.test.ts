/**
 * Downloads of any size, end to end through the local desk: a director's mail carrying a 6 MB
 * attachment (so a raw mail of about 8 MB, past what a Lambda answer carries) comes in by SMTP;
 * the API hands out short-lived links to the attachment and to the raw mail, and following them
 * gives the exact bytes with the file's name and type, as S3 answers a presigned GET (the local
 * S3 stand-in checks the signature like S3: `local/s3-presigned.ts`). Only staff get links, and
 * each one is recorded in the ticket's history.
 */
import { createHash } from 'node:crypto';
import { GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeLocalClients } from '#local/emulators.ts';
import { sendTestMail } from '#local/send-mail.ts';
import type { RunningDesk } from '#local/stack.ts';
import { DownloadLink, TicketDetail } from '#shared/api/contract.ts';
import { headerOf, type SentMail, sentMails } from '../support/outbox.ts';
import { eventually, startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
let desk: RunningDesk;
let agentToken: string;
let noGroupToken: string;
let ticket: { number: string; messageId: string };
let s3: S3Client;
let bucket: string;

/** 6 MB of bytes that are not text: every value, in an order no compression or charset would keep. */
const SIX_MB = Buffer.from(Array.from({ length: 6_000_000 }, (_, i) => (i * 7919 + (i >> 8)) % 256));
const FILENAME = 'Livret scolaire été 2026.pdf';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

async function get(path: string, token: string | null = agentToken): Promise<Response> {
  return fetch(`${desk.httpUrl}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
}

async function linkOf(path: string): Promise<DownloadLink> {
  const response = await get(path);
  expect(response.status).toBe(200);
  return DownloadLink.parse(await response.json());
}

beforeAll(async () => {
  stack = await startTestStack();
  desk = stack.desk;
  s3 = makeLocalClients(desk.endpoints).s3;
  bucket = desk.resources.bucket;
  agentToken = await stack.token('agent@ac-dijon.fr', ['agent']);
  noGroupToken = await stack.token('visiteur@ac-dijon.fr', []);
  const sent = await sendTestMail({
    port: desk.smtpPort,
    from: 'Camille Martin <camille.martin@ac-dijon.fr>',
    to: 'assistance1d@ac-dijon.fr',
    subject: 'LSUN : le livret ne s’imprime pas',
    text: 'Bonjour, voici le livret en pièce jointe.',
    attachments: [{ filename: FILENAME, content: SIX_MB, contentType: 'application/pdf' }],
  });
  const ack = await eventually<SentMail>(
    async () =>
      (await sentMails(desk.endpoints.ses, 'camille.martin@ac-dijon.fr')).find(
        (mail) => headerOf(mail, 'In-Reply-To') === `<${sent.messageId}>`,
      ),
    'the acknowledgment',
  );
  ticket = { number: ack.subject.match(/^\[(LSUN-\d{4}-\d{5})\]/)?.[1] ?? '', messageId: sent.sesMessageId };
}, 120_000);

afterAll(async () => {
  s3?.destroy();
  await stack?.stop();
});

const attachmentPath = () => `/api/tickets/${ticket.number}/messages/${ticket.messageId}/attachments/0`;
const rawPath = () => `/api/tickets/${ticket.number}/messages/${ticket.messageId}/raw`;

describe('a 6 MB attachment', () => {
  it('is handed out as a link that gives its exact bytes, under its name and type', async () => {
    // Act
    const link = await linkOf(attachmentPath());
    const response = await fetch(link.url);

    // Assess
    expect(link).toMatchObject({ filename: FILENAME, contentType: 'application/pdf', size: SIX_MB.length });
    expect(new URL(link.url).searchParams.get('X-Amz-Expires')).toBe('300');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(response.headers.get('content-disposition')).toBe(
      `attachment; filename="Livret scolaire ete 2026.pdf"; filename*=UTF-8''Livret%20scolaire%20%C3%A9t%C3%A9%202026.pdf`,
    );
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(sha256(new Uint8Array(await response.arrayBuffer()))).toBe(sha256(SIX_MB));
  });

  it('is taken out of the raw mail once, into an object of its own under downloads/', async () => {
    // Prepare
    await linkOf(attachmentPath());
    const key = `downloads/incoming/${ticket.messageId}/0`;

    // Act
    const again = await linkOf(attachmentPath());

    // Assess
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    expect(head.ContentLength).toBe(SIX_MB.length);
    expect(new URL(again.url).pathname).toBe(`/${bucket}/${key}`);
  });

  it('is refused without a token (401) and to a person outside the staff groups (403)', async () => {
    expect((await get(attachmentPath(), null)).status).toBe(401);
    const forbidden = await get(attachmentPath(), noGroupToken);
    expect(forbidden.status).toBe(403);
    expect(await forbidden.text()).not.toContain('http');
  });

  it('cannot be had with a link whose signature was altered', async () => {
    // Prepare
    const link = new URL((await linkOf(attachmentPath())).url);
    link.searchParams.set('response-content-type', 'text/html');

    // Act
    const response = await fetch(link);

    // Assess
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('SignatureDoesNotMatch');
  });
});

describe('a raw mail over 4 MB', () => {
  it('is handed out as a link that gives the stored mail byte for byte', async () => {
    // Prepare
    const stored = await s3.send(
      new GetObjectCommand({ Bucket: bucket, Key: `incoming/${ticket.messageId}` }),
    );
    const original = await stored.Body?.transformToByteArray();

    // Act
    const link = await linkOf(rawPath());
    const response = await fetch(link.url);

    // Assess
    expect(original?.byteLength).toBeGreaterThan(4_000_000);
    expect(link).toMatchObject({
      filename: `${ticket.number}-${ticket.messageId}.eml`,
      contentType: 'message/rfc822',
      size: original?.byteLength,
    });
    expect(response.headers.get('content-type')).toBe('message/rfc822');
    expect(response.headers.get('content-disposition')).toBe(
      `attachment; filename="${ticket.number}-${ticket.messageId}.eml"; filename*=UTF-8''${ticket.number}-${ticket.messageId}.eml`,
    );
    expect(sha256(new Uint8Array(await response.arrayBuffer()))).toBe(sha256(original ?? new Uint8Array()));
  });

  it('is too large for the console’s reader, which says so in French', async () => {
    const response = await get(`${rawPath()}/content`);
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: { code: 'file_too_large' } });
  });

  it('is refused without a token (401) and to a person outside the staff groups (403)', async () => {
    expect((await get(rawPath(), null)).status).toBe(401);
    expect((await get(rawPath(), noGroupToken)).status).toBe(403);
    expect((await get(`/api/intake/${ticket.messageId}/raw`, noGroupToken)).status).toBe(403);
  });

  it('is also handed out from the intake log', async () => {
    const link = await linkOf(`/api/intake/${ticket.messageId}/raw`);
    expect(link).toMatchObject({ filename: `${ticket.messageId}.eml`, contentType: 'message/rfc822' });
    expect((await fetch(link.url)).status).toBe(200);
  });
});

describe('the ticket’s history', () => {
  it('shows who downloaded which file', async () => {
    // Act
    const detail = TicketDetail.parse(await (await get(`/api/tickets/${ticket.number}`)).json());

    // Assess
    const downloads = detail.history.filter((line) => line.action === 'download');
    expect(downloads).toContainEqual(
      expect.objectContaining({ actor: 'agent@ac-dijon.fr', to: FILENAME, itemId: ticket.messageId }),
    );
    expect(downloads).toContainEqual(
      expect.objectContaining({ actor: 'agent@ac-dijon.fr', to: `${ticket.number}-${ticket.messageId}.eml` }),
    );
  });
});
