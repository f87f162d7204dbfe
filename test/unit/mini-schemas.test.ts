/**
 * The schemas the mail chain builds at import are declared with zod/mini (shared/domain/zod.ts).
 * These tests pin what a conversion from classic zod could silently change: defaults, transforms,
 * coercions, unions, fallbacks, bounds, and the English messages of a process that never loads
 * classic zod (a deployed receive or mailer).
 */
import { spawnSync } from 'node:child_process';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { SesReceiptEvent } from '#shared/adapters/ses-event.ts';
import { ReplyBody } from '#shared/api/contract.ts';
import { DirectorSchool } from '#shared/api/directory-contract.ts';
import { ConfigError, loadConfig } from '#shared/config.ts';
import { BroadcastInput } from '#shared/domain/broadcast.ts';
import { BroadcastChunk, OutboxMessage, SesEventRecord } from '#shared/domain/messages.ts';
import { ParisDate } from '#shared/domain/paris-day.ts';
import { TicketHistoryEntry } from '#shared/domain/records.ts';
import { TicketNumber } from '#shared/domain/ticket-number.ts';
import { esbuildBuildOptions } from '../../infra/bundling.ts';
import { projectRoot } from '../../infra/paths.ts';

const minimal = {
  DESK_TABLE: 'desk',
  RAW_MAIL_BUCKET: 'raw',
  INTAKE_QUEUE_URL: 'https://sqs/intake',
  TICKETS_QUEUE_URL: 'https://sqs/tickets',
  OUTBOX_QUEUE_URL: 'https://sqs/outbox',
};

/** The smallest receipt event the schema accepts, with `mail` and `receipt` fields overridden. */
function receipt(mail: Record<string, unknown>, verdicts: Record<string, unknown> = {}) {
  return {
    Records: [
      {
        eventSource: 'aws:ses',
        eventVersion: '1.0',
        ses: {
          mail: { timestamp: '2026-03-05T08:30:02.028Z', messageId: 'm-1', ...mail },
          receipt: {
            timestamp: '2026-03-05T08:30:02.028Z',
            recipients: ['assistance1d@ac-dijon.fr'],
            action: { type: 'Lambda' },
            ...verdicts,
          },
        },
      },
    ],
  };
}

describe('the SES receipt event, declared with zod/mini', () => {
  it('fills the defaults SES leaves out: no destination, headers or common headers, not truncated', () => {
    const mail = SesReceiptEvent.parse(receipt({})).Records[0]?.ses.mail;
    expect(mail).toMatchObject({ destination: [], headers: [], commonHeaders: {}, headersTruncated: false });
  });

  it('reads truncation written as text, and an address header given as one string, as SES varies', () => {
    const mail = SesReceiptEvent.parse(
      receipt({
        headersTruncated: 'true',
        commonHeaders: { from: 'A <a@ac-dijon.fr>', to: ['b@ac-dijon.fr'] },
      }),
    ).Records[0]?.ses.mail;
    expect(mail?.headersTruncated).toBe(true);
    expect(mail?.commonHeaders.from).toEqual(['A <a@ac-dijon.fr>']);
    expect(mail?.commonHeaders.to).toEqual(['b@ac-dijon.fr']);
    expect(SesReceiptEvent.safeParse(receipt({ headersTruncated: 'yes' })).success).toBe(false);
  });

  it('reads verdicts in any case, an unknown status as PROCESSING_FAILED, and the processing time as a number', () => {
    const parsed = SesReceiptEvent.parse(
      receipt(
        {},
        { spfVerdict: { status: 'pass' }, dkimVerdict: { status: 'LATER' }, processingTimeMillis: '12' },
      ),
    ).Records[0]?.ses.receipt;
    expect(parsed?.spfVerdict.status).toBe('PASS');
    expect(parsed?.dkimVerdict.status).toBe('PROCESSING_FAILED');
    expect(parsed?.processingTimeMillis).toBe(12);
    expect(SesReceiptEvent.safeParse(receipt({}, { processingTimeMillis: '-1' })).success).toBe(false);
  });

  it('refuses a timestamp that is not a date, with the message the schema gives', () => {
    const parsed = SesReceiptEvent.safeParse(receipt({ timestamp: 'hier' }));
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((issue) => issue.message)).toEqual(['not a date']);
  });
});

describe('the queue messages, declared with zod/mini', () => {
  it('holds a broadcast chunk to 1–50 non-empty director ids, its attempt optional', () => {
    const ids = (count: number) => Array.from({ length: count }, (_, index) => `d-${index}`);
    const chunk = { type: 'broadcast.chunk', broadcastId: 'b-1', chunk: 0 };
    expect(BroadcastChunk.parse({ ...chunk, directorIds: ids(50) }).attempt).toBeUndefined();
    expect(BroadcastChunk.safeParse({ ...chunk, directorIds: ids(51) }).success).toBe(false);
    expect(BroadcastChunk.safeParse({ ...chunk, directorIds: [] }).success).toBe(false);
    expect(BroadcastChunk.safeParse({ ...chunk, directorIds: [''] }).success).toBe(false);
    expect(BroadcastChunk.safeParse({ ...chunk, directorIds: ids(1), chunk: 1.5 }).success).toBe(false);
  });

  it('drops what an outgoing mail does not name, and refuses an unknown purpose', () => {
    const mail = {
      type: 'mail.send',
      outboxId: 'o-1',
      record: { on: 'intake', sesMessageId: 'm-1' },
      purpose: 'acknowledgment',
      from: 'assistance1d@ac-dijon.fr',
      fromName: 'Assistance',
      to: 'x@ac-dijon.fr',
      subject: 'LSUN',
      text: 'Bonjour',
      references: [],
      autoSubmitted: true,
    };
    expect(OutboxMessage.parse({ ...mail, extra: 1 })).toEqual(mail);
    expect(OutboxMessage.safeParse({ ...mail, purpose: 'spam' }).success).toBe(false);
    expect(OutboxMessage.safeParse({ ...mail, record: { on: 'elsewhere' } }).success).toBe(false);
  });

  it('keeps an SES event whose tags are malformed, with no tags', () => {
    const event = { eventType: 'Delivery', mail: { messageId: 'ses-1', tags: 'broadcast' } };
    expect(SesEventRecord.parse(event)).toEqual({
      kind: 'delivery',
      sesMessageId: 'ses-1',
      at: '',
      tags: {},
    });
  });
});

describe('the broadcasts and the directory, declared with zod/mini', () => {
  const zones = [{ type: 'departement', code: '21' }];
  const messages = (input: unknown) =>
    BroadcastInput.safeParse(input).error?.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);

  it('trims a broadcast’s subject and text, and keeps its zones', () => {
    expect(BroadcastInput.parse({ subject: '  LSUN  ', text: ' Bonjour ', zones, extra: 1 })).toEqual({
      subject: 'LSUN',
      text: 'Bonjour',
      zones,
    });
  });

  it('refuses a broadcast with the French messages staff read, in the order of its checks', () => {
    expect(messages({ text: 'Bonjour', zones })).toEqual(['subject: Objet attendu.']);
    expect(messages({ subject: '   ', text: 'Bonjour {{nom}}', zones: [] })).toEqual([
      "subject: L'objet ne peut pas être vide.",
      'text: Les doubles accolades « {{ » et « }} » ne sont pas permises (elles servent à personnaliser le courriel).',
      'zones: Choisissez au moins une zone.',
    ]);
    expect(messages({ subject: 'x'.repeat(201), text: 'Bonjour', zones })).toEqual([
      "subject: L'objet est trop long (200 caractères au plus).",
    ]);
  });

  it('describes a director’s school by its UAI alone when the directory does not know it', () => {
    expect(DirectorSchool.parse({ uai: '0211234A', interim: false, createdAt: 'x' })).toEqual({
      uai: '0211234A',
      interim: false,
    });
    expect(DirectorSchool.safeParse({ interim: false }).success).toBe(false);
  });
});

describe('the tickets’ schemas, declared with zod/mini', () => {
  it('accepts a Paris day that exists, and says in French why another is refused', () => {
    expect(ParisDate.parse('2028-02-29')).toBe('2028-02-29');
    expect(ParisDate.safeParse('2027-02-29').error?.issues.map((issue) => issue.message)).toEqual([
      "Cette date n'existe pas.",
    ]);
    expect(ParisDate.safeParse('2027-2-30').error?.issues.map((issue) => issue.message)).toEqual([
      'Date attendue au format AAAA-MM-JJ.',
      "Cette date n'existe pas.",
    ]);
  });

  it('reads a ticket number of five digits or more only', () => {
    expect(TicketNumber.safeParse('LSUN-2026-00001').success).toBe(true);
    expect(TicketNumber.safeParse('LSUN-2026-123456').success).toBe(true);
    expect(TicketNumber.safeParse('LSUN-2026-0001').success).toBe(false);
  });

  it('keeps a history line’s « none » (null) apart from an absent value', () => {
    const line = { id: 'h', ticketNumber: 'LSUN-2026-00001', at: 'x', actor: 'a', action: 'assign' };
    expect(TicketHistoryEntry.parse({ ...line, from: null, to: 'b' })).toEqual({
      ...line,
      from: null,
      to: 'b',
    });
    expect(TicketHistoryEntry.parse(line)).toEqual(line);
    expect(TicketHistoryEntry.safeParse({ ...line, action: 'delete' }).success).toBe(false);
  });

  it('lets a reply move a ticket to any status but new and closed', () => {
    expect(ReplyBody.parse({ text: 'Bonjour', status: 'resolu' }).status).toBe('resolu');
    expect(ReplyBody.safeParse({ text: 'Bonjour', status: 'nouveau' }).success).toBe(false);
    expect(ReplyBody.safeParse({ text: 'Bonjour', status: 'clos' }).success).toBe(false);
  });
});

describe('the configuration, declared with zod/mini', () => {
  it('reads the broadcast share in ]0, 1], 0.5 unless set', () => {
    expect(loadConfig(minimal).broadcast?.rateShare).toBe(0.5);
    expect(loadConfig({ ...minimal, BROADCAST_RATE_SHARE: '1' }).broadcast?.rateShare).toBe(1);
    expect(() => loadConfig({ ...minimal, BROADCAST_RATE_SHARE: '0' })).toThrow(/BROADCAST_RATE_SHARE/);
    expect(() => loadConfig({ ...minimal, BROADCAST_RATE_SHARE: '1.5' })).toThrow(/BROADCAST_RATE_SHARE/);
  });

  it('lowers the académie domain, and refuses a public address that is not http(s) in French', () => {
    expect(loadConfig({ ...minimal, ACADEMIC_DOMAIN: 'AC-Dijon.FR' }).academicDomain).toBe('ac-dijon.fr');
    expect(() => loadConfig({ ...minimal, PUBLIC_BASE_URL: 'ftp://kb.example' })).toThrow(
      'PUBLIC_BASE_URL: Adresse http(s) attendue.',
    );
  });

  it('names every wrong variable with zod’s English message', () => {
    const { DESK_TABLE: _, ...withoutTable } = minimal;
    expect(() => loadConfig({ ...withoutTable, RETENTION_DAYS: '-3' })).toThrow(
      new ConfigError(
        'Invalid configuration:\n  DESK_TABLE: Invalid input: expected string, received undefined\n  RETENTION_DAYS: Too small: expected number to be >0',
      ),
    );
  });
});

describe('a function bundle without classic zod', () => {
  it('reports zod’s English messages, as classic zod would, so logs and configuration errors read the same', async () => {
    // Why: zod/mini registers no locale (its issues would all read « Invalid input »); classic zod,
    // loaded by every test process, registers English, so only a bundle run alone can show it.
    const result = await build({
      ...esbuildBuildOptions(),
      sourcemap: false,
      stdin: {
        contents: [
          "import { OutboxMessage } from '#shared/domain/messages.ts';",
          "import { loadConfig } from '#shared/config.ts';",
          'const issue = OutboxMessage.safeParse({ type: "mail.send" }).error.issues[0];',
          'let config = "";',
          'try { loadConfig({}); } catch (error) { config = error.message.split("\\n")[1].trim(); }',
          'process.stdout.write(JSON.stringify({ issue: issue.message, config }));',
        ].join('\n'),
        resolveDir: projectRoot,
        loader: 'ts',
      },
      absWorkingDir: projectRoot,
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.values(result.metafile.outputs).flatMap((output) =>
      Object.entries(output.inputs)
        .filter(([, input]) => input.bytesInOutput > 0)
        .map(([path]) => path),
    );
    expect(inputs.filter((path) => path.includes('/zod/v4/classic/'))).toEqual([]);
    const run = spawnSync(process.execPath, ['--input-type=module', '-'], {
      input: result.outputFiles[0]?.text,
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({
      issue: 'Invalid input: expected string, received undefined',
      config: 'DESK_TABLE: Invalid input: expected string, received undefined',
    });
  });
});
