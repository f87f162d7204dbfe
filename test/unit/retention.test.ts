/**
 * Retention's rules without AWS: each kind's duration and its default, what a TTL removal takes
 * with it, and the purge step over in-memory ports (order, idempotence).
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, retentionOf } from '#shared/config.ts';
import { purgeCascade, type RemovedItem, rawMailKeyOf } from '#shared/domain/retention.ts';
import { purgeAfterRemoval } from '#shared/steps/retention-purge.ts';

const PREFIX = 'incoming/';
const required = {
  DESK_TABLE: 'table',
  RAW_MAIL_BUCKET: 'bucket',
  INTAKE_QUEUE_URL: 'intake',
  TICKETS_QUEUE_URL: 'tickets',
  OUTBOX_QUEUE_URL: 'outbox',
};

describe('the retention durations', () => {
  it('follow RETENTION_DAYS for every kind not set, and their own variable otherwise', () => {
    // Act
    const config = loadConfig({ ...required, RETENTION_DAYS: '200', RETENTION_TICKET_DAYS: '90' });

    // Assess
    expect(config.retention).toEqual({
      intakeDays: 200,
      ticketDays: 90,
      sentMailDays: 200,
      auditDays: 200,
      broadcastRecipientDays: 200,
      articleDraftDays: 200,
    });
    expect(loadConfig(required).retention?.intakeDays).toBe(365);
  });

  it('refuses a duration that is not a positive number of days, naming the variable', () => {
    expect(() => loadConfig({ ...required, RETENTION_AUDIT_DAYS: '0' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...required, RETENTION_AUDIT_DAYS: 'un an' })).toThrow(/RETENTION_AUDIT_DAYS/);
  });

  it('gives a configuration built by hand one duration for all', () => {
    expect(retentionOf({ retentionDays: 30 }).broadcastRecipientDays).toBe(30);
  });
});

describe('what a TTL removal takes with it', () => {
  it("takes a ticket's whole partition", () => {
    expect(purgeCascade({ pk: 'TICKET#LSUN-2026-00001', sk: 'TICKET' }, PREFIX)).toEqual({
      partition: 'TICKET#LSUN-2026-00001',
      rawMailKeys: [],
    });
  });

  it("takes the raw mail of a received message, from its location or else its SES id, and not an outgoing one's", () => {
    const message = { pk: 'TICKET#N', sk: 'MSG#2026#ses-1', direction: 'in', sesMessageId: 'ses-1' };
    expect(rawMailKeyOf({ ...message, rawMail: { bucket: 'b', key: 'incoming/ses-1' } }, PREFIX)).toBe(
      'incoming/ses-1',
    );
    expect(rawMailKeyOf(message, PREFIX)).toBe('incoming/ses-1');
    expect(rawMailKeyOf({ ...message, direction: 'out' }, PREFIX)).toBeUndefined();
    // A location outside the raw-mail prefix is never followed: the purge deletes raw mails only.
    expect(rawMailKeyOf({ ...message, rawMail: { key: 'kb/index.json' } }, PREFIX)).toBe('incoming/ses-1');
  });

  it('takes the raw mail of an intake entry only when the mail opened or joined no ticket', () => {
    expect(purgeCascade({ pk: 'MAIL#ses-2', sk: 'ENTRY' }, PREFIX)).toEqual({
      partition: 'MAIL#ses-2',
      rawMailKeys: ['incoming/ses-2'],
    });
    expect(purgeCascade({ pk: 'MAIL#ses-3', sk: 'ENTRY', ticketNumber: 'LSUN-2026-00001' }, PREFIX)).toEqual({
      partition: 'MAIL#ses-3',
      rawMailKeys: [],
    });
  });

  it('takes nothing with an item that heads no partition (a claim, a counter, a recipient)', () => {
    for (const item of [
      { pk: 'MSGID#<a@b>', sk: 'CLAIM' },
      { pk: 'QUOTA#request#x#2026-01-01', sk: 'COUNT' },
      { pk: 'BROADCAST#b1', sk: 'RCPT#d1' },
    ])
      expect(purgeCascade(item, PREFIX)).toEqual({ partition: undefined, rawMailKeys: [] });
  });
});

describe('the purge step', () => {
  function memory(items: RemovedItem[], objects: string[]) {
    const calls: string[] = [];
    return {
      calls,
      items,
      objects,
      deps: {
        rawMailPrefix: PREFIX,
        partition: async (pk: string) => items.filter((item) => item.pk === pk),
        deleteItems: async (gone: ReadonlyArray<{ pk: string; sk: string }>) => {
          calls.push('items');
          for (const key of gone)
            items.splice(
              items.findIndex((i) => i.pk === key.pk && i.sk === key.sk),
              1,
            );
        },
        deleteRawMails: async (keys: readonly string[]) => {
          calls.push('rawMails');
          for (const key of keys) if (objects.includes(key)) objects.splice(objects.indexOf(key), 1);
        },
      },
    };
  }

  it("deletes a purged ticket's items and its messages' raw mails, raw mails first, and again finds nothing", async () => {
    // Prepare: the ticket's head is gone (TTL); its messages and a note remain.
    const store = memory(
      [
        { pk: 'TICKET#N', sk: 'MSG#1#ses-a', direction: 'in', sesMessageId: 'ses-a' },
        { pk: 'TICKET#N', sk: 'MSG#2#out-1', direction: 'out' },
        { pk: 'TICKET#N', sk: 'NOTE#3#n1' },
        { pk: 'TICKET#M', sk: 'TICKET' },
      ],
      ['incoming/ses-a', 'incoming/ses-other'],
    );

    // Act
    const done = await purgeAfterRemoval({ pk: 'TICKET#N', sk: 'TICKET' }, store.deps);
    const again = await purgeAfterRemoval({ pk: 'TICKET#N', sk: 'TICKET' }, store.deps);

    // Assess
    expect(done).toEqual({ items: 3, rawMails: 1 });
    expect(store.calls.slice(0, 2)).toEqual(['rawMails', 'items']);
    expect(store.items).toEqual([{ pk: 'TICKET#M', sk: 'TICKET' }]);
    expect(store.objects).toEqual(['incoming/ses-other']);
    expect(again).toEqual({ items: 0, rawMails: 0 });
  });
});
