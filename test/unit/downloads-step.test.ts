/**
 * The download steps over in-memory ports: an attachment is taken out of its raw mail once and
 * reused, every link is logged without the file's name or content, and a ticket's downloads go
 * into its history with the closed ticket's purge date.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RawMailGoneError } from '#shared/domain/errors.ts';
import type { TicketHistoryEntry } from '#shared/domain/records.ts';
import type { StoredFile, StoredFileFacts } from '#shared/domain/staff-ports.ts';
import type { StoredMessage, StoredTicket } from '#shared/domain/ticket-actions.ts';
import { logger } from '#shared/logger.ts';
import { type DownloadDeps, messageAttachmentLink, messageRawLink } from '#shared/steps/staff/downloads.ts';

const NOW = new Date('2026-12-07T09:00:00.000Z');
const RAW = { bucket: 'raw-mail', key: 'incoming/ses-1' };
const SECRET = 'contenu confidentiel du bulletin';

const rawMime = [
  'From: camille.martin@ac-dijon.fr',
  'To: assistance1d@ac-dijon.fr',
  'Subject: LSUN bulletin',
  'MIME-Version: 1.0',
  'Content-Type: multipart/mixed; boundary="b"',
  '',
  '--b',
  'Content-Type: text/plain; charset=utf-8',
  '',
  'Bonjour',
  '--b',
  'Content-Type: application/pdf; name="=?UTF-8?Q?bulletin_=C3=A9t=C3=A9.pdf?="',
  'Content-Disposition: attachment; filename="=?UTF-8?Q?bulletin_=C3=A9t=C3=A9.pdf?="',
  'Content-Transfer-Encoding: base64',
  '',
  Buffer.from(SECRET).toString('base64'),
  '--b--',
  '',
].join('\r\n');

const message: StoredMessage = {
  id: 'ses-1',
  ticketNumber: 'LSUN-2026-00001',
  direction: 'in',
  at: '2026-12-07T08:00:00.000Z',
  from: 'camille.martin@ac-dijon.fr',
  subject: 'LSUN bulletin',
  text: 'Bonjour',
  attachments: [{ filename: 'bulletin été.pdf', mimeType: 'application/pdf', size: SECRET.length }],
  rawMail: RAW,
};

function fakes(stored: StoredTicket) {
  const objects = new Map<string, { bytes: Uint8Array; facts: StoredFileFacts }>([
    [
      RAW.key,
      {
        bytes: Buffer.from(rawMime),
        facts: { size: rawMime.length, filename: '', contentType: 'application/octet-stream' },
      },
    ],
  ]);
  const history: Array<{ line: TicketHistoryEntry; expiresAt: number | undefined }> = [];
  const puts: StoredFile[] = [];
  let rawReads = 0;
  const deps: DownloadDeps = {
    ticketStore: {
      getTicket: async () => stored,
      readTicket: async () => undefined,
      findMessage: async () => message,
      readRequest: async () => undefined,
      appendHistory: async (_number, line, expiresAt) => {
        history.push({ line, expiresAt });
      },
    },
    intakeLog: {} as DownloadDeps['intakeLog'],
    rawMail: {
      read: async (location) => {
        rawReads += 1;
        const found = objects.get(location.key);
        if (!found) throw new RawMailGoneError();
        return found.bytes;
      },
    },
    downloads: {
      facts: async (file) => objects.get(file.key)?.facts,
      put: async (file, bytes, facts) => {
        puts.push(file);
        objects.set(file.key, { bytes, facts: { ...facts, size: bytes.byteLength } });
      },
      link: async (file, headers, now) => ({
        url: `https://raw-mail.s3.eu-west-3.amazonaws.com/${file.key}?type=${encodeURIComponent(headers.contentType)}`,
        expiresAt: new Date(now.getTime() + 300_000).toISOString(),
      }),
    },
    now: () => NOW,
    newId: () => 'h-1',
  };
  return { deps, objects, history, puts, rawReads: () => rawReads };
}

const ticket = (expiresAt: number | undefined): StoredTicket =>
  ({
    ticket: { number: 'LSUN-2026-00001', status: expiresAt ? 'clos' : 'en_cours' },
    expiresAt,
  }) as StoredTicket;
const agent = { email: 'agent@ac-dijon.fr', name: 'Agent' };

afterEach(() => {
  vi.restoreAllMocks();
});

describe('an attachment download', () => {
  it('takes the attachment out of the raw mail once, then reuses its object', async () => {
    // Prepare
    const { deps, objects, puts, rawReads } = fakes(ticket(undefined));
    vi.spyOn(logger, 'info').mockImplementation(() => undefined);

    // Act
    const first = await messageAttachmentLink('LSUN-2026-00001', 'ses-1', 0, agent, deps);
    const second = await messageAttachmentLink('LSUN-2026-00001', 'ses-1', 0, agent, deps);

    // Assess
    expect(puts).toEqual([{ bucket: 'raw-mail', key: 'downloads/incoming/ses-1/0' }]);
    expect(rawReads()).toBe(1);
    expect(Buffer.from(objects.get('downloads/incoming/ses-1/0')?.bytes ?? []).toString()).toBe(SECRET);
    for (const link of [first, second]) {
      expect(link).toEqual({
        url: 'https://raw-mail.s3.eu-west-3.amazonaws.com/downloads/incoming/ses-1/0?type=application%2Fpdf',
        filename: 'bulletin été.pdf',
        contentType: 'application/pdf',
        size: SECRET.length,
        expiresAt: '2026-12-07T09:05:00.000Z',
      });
    }
  });

  it('logs who took which object and its size, never the file’s name or content', async () => {
    // Prepare
    const { deps } = fakes(ticket(undefined));
    const info = vi.spyOn(logger, 'info').mockImplementation(() => undefined);

    // Act
    await messageAttachmentLink('LSUN-2026-00001', 'ses-1', 0, agent, deps);

    // Assess
    expect(info).toHaveBeenCalledTimes(1);
    expect(info.mock.calls[0]?.[1]).toEqual({
      event: 'download',
      kind: 'attachment',
      actor: 'agent@ac-dijon.fr',
      ticketNumber: 'LSUN-2026-00001',
      messageId: 'ses-1',
      bucket: 'raw-mail',
      key: 'downloads/incoming/ses-1/0',
      size: SECRET.length,
      expiresAt: '2026-12-07T09:05:00.000Z',
    });
    expect(JSON.stringify(info.mock.calls)).not.toContain('bulletin');
  });

  it('writes « downloaded by » into the history, with the closed ticket’s purge date', async () => {
    // Prepare
    const { deps, history } = fakes(ticket(1_900_000_000));
    vi.spyOn(logger, 'info').mockImplementation(() => undefined);

    // Act
    await messageAttachmentLink('LSUN-2026-00001', 'ses-1', 0, agent, deps);
    await messageRawLink('LSUN-2026-00001', 'ses-1', agent, deps);

    // Assess
    expect(history).toEqual([
      {
        line: expect.objectContaining({
          action: 'download',
          actor: 'agent@ac-dijon.fr',
          itemId: 'ses-1',
          to: 'bulletin été.pdf',
        }),
        expiresAt: 1_900_000_000,
      },
      {
        line: expect.objectContaining({ action: 'download', to: 'LSUN-2026-00001-ses-1.eml' }),
        expiresAt: 1_900_000_000,
      },
    ]);
  });

  it('refuses an index the mail does not have, and records nothing', async () => {
    // Prepare
    const { deps, history, puts } = fakes(ticket(undefined));
    const info = vi.spyOn(logger, 'info').mockImplementation(() => undefined);

    // Act
    const refusal = messageAttachmentLink('LSUN-2026-00001', 'ses-1', 4, agent, deps);

    // Assess
    await expect(refusal).rejects.toMatchObject({ code: 'attachment_not_found' });
    expect({ history, puts, logged: info.mock.calls.length }).toEqual({ history: [], puts: [], logged: 0 });
  });
});

describe('a raw mail download', () => {
  it('says the raw mail is gone when S3 no longer has it, and hands out no link', async () => {
    // Prepare
    const { deps, objects } = fakes(ticket(undefined));
    objects.delete(RAW.key);

    // Act
    const refusal = messageRawLink('LSUN-2026-00001', 'ses-1', agent, deps);

    // Assess
    await expect(refusal).rejects.toBeInstanceOf(RawMailGoneError);
  });
});
