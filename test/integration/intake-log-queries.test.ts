/**
 * The intake log's queries against DynamoDB Local: pages newest first, of one outcome or all,
 * within a period of reception; one entry with its automatic reply; purged entries hidden.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClient } from '#shared/adapters/aws-clients.ts';
import { makeIntakeLogQueries } from '#shared/adapters/intake-log-queries.ts';
import { keys } from '#shared/adapters/keys.ts';
import type { IntakeEntry } from '#shared/domain/records.ts';
import type { IntakeLogReads } from '#shared/domain/staff-ports.ts';
import { makeTestResources, type TestResources } from '../support/aws.ts';

const NOW = new Date('2026-03-10T12:00:00.000Z');
const KEPT = Math.floor(NOW.getTime() / 1000) + 86_400;

let test: TestResources;
let log: IntakeLogReads;
let put: (item: Record<string, unknown>) => Promise<unknown>;

function entry(id: string, receivedAt: string, outcome: IntakeEntry['outcome']): IntakeEntry {
  return {
    sesMessageId: id,
    envelopeFrom: 'camille.martin@ac-dijon.fr',
    recipient: 'assistance1d@ac-dijon.fr',
    subject: 'LSUN',
    receivedAt,
    outcome,
    detail: 'Détail',
    rawMail: { bucket: 'b', key: `incoming/${id}` },
  };
}

/** The entry as the intake writes it (desk-store's recordIntake). */
async function record(value: IntakeEntry, expiresAt = KEPT) {
  await put({
    ...keys.intakeEntry(value.sesMessageId),
    expiresAt,
    ...keys.intakeByTime(value.receivedAt, value.sesMessageId),
    ...keys.intakeByOutcome(value.outcome, value.receivedAt, value.sesMessageId),
    ...value,
  });
}

beforeAll(async () => {
  test = await makeTestResources('intake-log');
  const client = documentClient(test.clients.dynamodb);
  const tableName = test.resources.tableName;
  log = makeIntakeLogQueries({ client, tableName });
  put = (item) => client.send(new PutCommand({ TableName: tableName, Item: item }));
  await record(entry('a', '2026-03-01T08:00:00.000Z', 'ticket_created'));
  await record(entry('b', '2026-03-02T08:00:00.000Z', 'no_keyword'));
  await record(entry('c', '2026-03-03T08:00:00.000Z', 'ticket_created'));
  await record(entry('gone', '2026-03-04T08:00:00.000Z', 'ticket_created'), KEPT - 2 * 86_400);
  await put({
    ...keys.intakeReply('b'),
    id: 'b.reply',
    ticketNumber: '',
    direction: 'out',
    at: '2026-03-02T08:00:00.000Z',
    from: 'assistance1d@ac-dijon.fr',
    fromName: 'Assistance LSUN',
    to: 'camille.martin@ac-dijon.fr',
    subject: 'Re: LSUN',
    text: 'Mot-clé absent',
    attachments: [],
    purpose: 'no_keyword',
    status: 'sent',
    outboxId: 'b.reply',
    sentAt: '2026-03-02T08:00:01.000Z',
  });
});

afterAll(() => test?.destroy());

describe('the intake log', () => {
  it('lists entries newest first, without purged ones, a page at a time', async () => {
    // Act
    const first = await log.listIntake({ limit: 2, now: NOW });
    const second = await log.listIntake({ limit: 2, startKey: first.lastKey, now: NOW });

    // Assess: the purged entry takes a place in the first page's read but is not shown
    const ids = [...first.items, ...second.items].map((item) => item.sesMessageId);
    expect(ids).toEqual(['c', 'b', 'a']);
    expect(first.items[0]).toEqual(entry('c', '2026-03-03T08:00:00.000Z', 'ticket_created'));
  });

  it('lists one outcome within a period of reception (end exclusive)', async () => {
    // Act
    const page = await log.listIntake({
      outcome: 'ticket_created',
      receivedFrom: '2026-03-01T00:00:00.000Z',
      receivedTo: '2026-03-03T08:00:00.000Z',
      limit: 10,
      now: NOW,
    });

    // Assess
    expect(page.items.map((item) => item.sesMessageId)).toEqual(['a']);
    expect(page.lastKey).toBeUndefined();
  });

  it('reads an entry with the automatic reply it got', async () => {
    // Act
    const found = await log.readIntake('b', NOW);

    // Assess
    expect(found?.entry).toEqual(entry('b', '2026-03-02T08:00:00.000Z', 'no_keyword'));
    expect(found?.reply).toEqual({
      outboxId: 'b.reply',
      purpose: 'no_keyword',
      from: 'assistance1d@ac-dijon.fr',
      to: 'camille.martin@ac-dijon.fr',
      subject: 'Re: LSUN',
      text: 'Mot-clé absent',
      status: 'sent',
      sentAt: '2026-03-02T08:00:01.000Z',
    });
    expect((await log.readIntake('a', NOW))?.reply).toBeUndefined();
  });

  it('finds neither an unknown mail nor a purged one', async () => {
    expect(await log.readIntake('unknown', NOW)).toBeUndefined();
    expect(await log.readIntake('gone', NOW)).toBeUndefined();
  });
});
