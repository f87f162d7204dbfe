/**
 * The gateway benchmark's stream (issue 12): 25 % follow-ups and 20 % of mails with one 8–64 KiB
 * attachment, among new requests and every kind of rejection. « No target is met by measuring
 * less »: these shares are what the figures are measured on, so they are checked here.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type CorpusMail, CorpusWriter, SenderPool } from '../../bench/lib/corpus.ts';
import { generateDirectory } from '../../bench/lib/directory.ts';
import { seededRandom } from '../../bench/lib/random.ts';

const folder = mkdtempSync(path.join(tmpdir(), 'gateway-corpus-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('a gateway-shaped stream of mails', () => {
  it('has a quarter of follow-ups and a fifth of mails with one 8–64 KiB attachment', async () => {
    // Prepare
    const random = seededRandom(7);
    const directory = generateDirectory(random, 400);
    const writer = new CorpusWriter({
      random,
      directory,
      folder,
      senders: new SenderPool(random, directory),
      label: 't',
    });

    // Act
    const mails = await writer.mix(200, 10, { followUps: 0.25, attachments: 0.2 });
    writer.close();

    // Assess: duplicates resend their original as it was, attachment included; the rest is planned.
    const planned = mails.filter((m) => m.kind !== 'duplicate' && m.kind !== 'spam_or_virus');
    const attached = (m: CorpusMail) => m.withAttachment === true || (m.attachmentBytes ?? 0) > 0;
    expect(mails).toHaveLength(200);
    expect(mails.filter((m) => m.kind === 'follow_up')).toHaveLength(50);
    expect(planned.filter(attached)).toHaveLength(40);
    for (const mail of planned.filter((m) => m.kind !== 'follow_up' && attached(m))) {
      expect(mail.attachmentBytes).toBeGreaterThanOrEqual(8 * 1024);
      expect(mail.attachmentBytes).toBeLessThanOrEqual(64 * 1024);
    }
    const outcomes = new Set(mails.map((m) => m.expected));
    expect([...outcomes].sort()).toEqual(
      [
        'auto_reply',
        'duplicate',
        'follow_up',
        'no_keyword',
        'not_academic',
        'not_authenticated',
        'not_director',
        'rate_limited',
        'spam_or_virus',
        'ticket_created',
      ].sort(),
    );
  });
});
