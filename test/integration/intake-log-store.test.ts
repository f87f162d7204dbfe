/**
 * The intake log against DynamoDB Local: one entry per SES message, the Message-ID claim that
 * makes a second mail a duplicate, the daily cap with its one notice a day, and staff accepting
 * a held mail. The end-to-end outcomes are in `intake-chain.test.ts`; this file pins the store's
 * own answers and the items it writes.
 */
import { randomBytes } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClient } from '#shared/adapters/clients/dynamodb.ts';
import { type IntakeLogStore, makeIntakeLogStore } from '#shared/adapters/intake-log-store.ts';
import { keys } from '#shared/adapters/keys.ts';
import type { QuotaClaim } from '#shared/domain/intake-log.ts';
import { makeTestResources, type TestResources } from '../support/aws.ts';
import { intakeEntry, intakeReply, recording } from '../support/intake-records.ts';

let test: TestResources;
let store: IntakeLogStore;
const id = () => `ses-${randomBytes(4).toString('hex')}`;

beforeAll(async () => {
  test = await makeTestResources('intake-log-store');
  store = makeIntakeLogStore({
    client: documentClient(test.clients.dynamodb),
    tableName: test.resources.tableName,
  });
});

afterAll(() => test?.destroy());

async function itemAt(key: Record<string, string>) {
  const { Item } = await documentClient(test.clients.dynamodb).send(
    new GetCommand({ TableName: test.resources.tableName, Key: key }),
  );
  return Item;
}

/** A fresh sender's request counter for the day, with a cap of `cap`. */
function quota(cap: number): QuotaClaim {
  return { kind: 'request', sender: `${id()}@ac-dijon.fr`, day: '2026-03-05', cap, expiresAt: 1_900_000_000 };
}

describe('recording a screened mail', () => {
  it('writes the entry, its Message-ID claim, its count and its reply, each to be purged', async () => {
    // Prepare
    const entry = intakeEntry(id(), { outcome: 'no_keyword', reply: 'no_keyword' });
    const claim = quota(10);
    const reply = intakeReply(entry, 'no_keyword');
    const input = recording(entry, { quota: claim, reply });
    // Act
    const recorded = await store.recordIntake(input);
    // Assess
    expect(recorded).toEqual({ kind: 'recorded', entry, reply });
    expect(await store.readIntakeEntry(entry.sesMessageId)).toEqual(entry);
    expect((await itemAt(keys.intakeEntry(entry.sesMessageId)))?.expiresAt).toBe(input.expiresAt);
    expect(await itemAt(keys.messageIdClaim(entry.messageId ?? ''))).toMatchObject({
      sesMessageId: entry.sesMessageId,
      expiresAt: input.expiresAt,
    });
    expect(await itemAt(keys.quota('request', claim.sender, claim.day))).toMatchObject({
      count: 1,
      expiresAt: claim.expiresAt,
    });
    expect(await itemAt(keys.intakeReply(entry.sesMessageId))).toMatchObject({
      status: 'queued',
      outboxId: reply.outboxId,
      expiresAt: input.expiresAt,
    });
  });

  it('reads an entry as the domain record, without the table keys or purge date', async () => {
    const entry = intakeEntry(id());
    await store.recordIntake(recording(entry));
    const read = await store.readIntakeEntry(entry.sesMessageId);
    expect(Object.keys(read ?? {})).not.toContain('pk');
    expect(Object.keys(read ?? {})).not.toContain('expiresAt');
  });

  it('returns the first entry, unchanged, when the same SES message is recorded again', async () => {
    const entry = intakeEntry(id());
    await store.recordIntake(recording(entry));
    const again = await store.recordIntake(recording({ ...entry, outcome: 'not_director', detail: 'autre' }));
    expect(again).toEqual({ kind: 'redelivered', entry });
  });

  it('records a second mail with the same Message-ID as a duplicate of the first, unanswered and uncounted', async () => {
    // Prepare
    const first = intakeEntry(id());
    await store.recordIntake(recording(first));
    const second = intakeEntry(id(), {
      messageId: first.messageId,
      outcome: 'no_keyword',
      reply: 'no_keyword',
    });
    const claim = quota(10);
    // Act
    const recorded = await store.recordIntake(
      recording(second, { quota: claim, reply: intakeReply(second, 'no_keyword') }),
    );
    // Assess
    expect(recorded.kind).toBe('recorded');
    expect(recorded.entry).toMatchObject({
      outcome: 'duplicate',
      detail: `Message-ID déjà reçu (premier reçu : ${first.sesMessageId})`,
    });
    expect(recorded.entry.reply).toBeUndefined();
    expect(await itemAt(keys.intakeReply(second.sesMessageId))).toBeUndefined();
    expect(await itemAt(keys.quota('request', claim.sender, claim.day))).toBeUndefined();
  });
});

describe('the daily cap', () => {
  it('records the mail over the cap as rate limited, with the day’s one notice, then without', async () => {
    // Prepare: a cap of one, already taken.
    const claim = quota(1);
    await store.recordIntake(recording(intakeEntry(id()), { quota: claim }));
    const over = intakeEntry(id());
    const notice = intakeReply(over, 'quota_notice');
    // Act
    const first = await store.recordIntake(recording(over, { quota: claim, quotaNotice: notice }));
    const laterEntry = intakeEntry(id());
    const later = await store.recordIntake(
      recording(laterEntry, { quota: claim, quotaNotice: intakeReply(laterEntry, 'quota_notice') }),
    );
    // Assess
    expect(first).toMatchObject({
      kind: 'recorded',
      entry: { outcome: 'rate_limited', reply: 'quota_notice' },
    });
    expect(first.kind === 'recorded' && first.reply).toEqual(notice);
    expect(first.entry.detail).toMatch(/^Plus de 1 demandes aujourd'hui \(2026-03-05\) ; /);
    expect(later).toMatchObject({ kind: 'recorded', entry: { outcome: 'rate_limited' }, reply: undefined });
    expect(later.entry.reply).toBeUndefined();
    expect(await itemAt(keys.quota('request', claim.sender, claim.day))).toMatchObject({
      count: 1,
      noticeSent: true,
    });
  });

  it('purges the day’s notice with the entry it answers: its record carries the retention date', async () => {
    // Prepare: a cap of one, already taken.
    const claim = quota(1);
    await store.recordIntake(recording(intakeEntry(id()), { quota: claim }));
    const over = intakeEntry(id());
    const input = recording(over, { quota: claim, quotaNotice: intakeReply(over, 'quota_notice') });

    // Act
    await store.recordIntake(input);

    // Assess
    expect((await itemAt(keys.intakeReply(over.sesMessageId)))?.expiresAt).toBe(input.expiresAt);
  });

  it('records a mail without Message-ID over the cap as rate limited, not as a duplicate', async () => {
    const claim = quota(1);
    await store.recordIntake(recording(intakeEntry(id(), { messageId: undefined }), { quota: claim }));
    const over = intakeEntry(id(), { messageId: undefined });
    const recorded = await store.recordIntake(recording(over, { quota: claim }));
    expect(recorded.entry.outcome).toBe('rate_limited');
  });
});

describe('accepting a held mail', () => {
  it('makes a rate-limited mail ticket_created, saying who accepted it and when', async () => {
    const entry = intakeEntry(id(), { outcome: 'rate_limited', detail: 'Plus de 10 demandes' });
    await store.recordIntake(recording(entry));
    const accepted = await store.markAccepted(
      entry.sesMessageId,
      'agent@ac-dijon.fr',
      '2026-03-06T10:00:00.000Z',
    );
    expect(accepted).toMatchObject({
      outcome: 'ticket_created',
      detail: 'Accepté en ticket par agent@ac-dijon.fr ; Plus de 10 demandes',
      acceptedBy: 'agent@ac-dijon.fr',
      acceptedAt: '2026-03-06T10:00:00.000Z',
    });
    expect(await itemAt(keys.intakeEntry(entry.sesMessageId))).toMatchObject(
      keys.intakeByOutcome('ticket_created', entry.receivedAt, entry.sesMessageId),
    );
  });

  it('accepts again while the ticket is not opened yet (the first attempt may have stopped halfway)', async () => {
    const entry = intakeEntry(id(), { outcome: 'not_director' });
    await store.recordIntake(recording(entry));
    await store.markAccepted(entry.sesMessageId, 'agent@ac-dijon.fr', '2026-03-06T10:00:00.000Z');
    const again = await store.markAccepted(
      entry.sesMessageId,
      'agent@ac-dijon.fr',
      '2026-03-06T10:01:00.000Z',
    );
    expect(again?.outcome).toBe('ticket_created');
  });

  it('refuses a mail that was not held, and an unknown one', async () => {
    const entry = intakeEntry(id(), { outcome: 'no_keyword' });
    await store.recordIntake(recording(entry));
    expect(
      await store.markAccepted(entry.sesMessageId, 'agent@ac-dijon.fr', '2026-03-06T10:00:00.000Z'),
    ).toBeUndefined();
    expect(await store.markAccepted(id(), 'agent@ac-dijon.fr', '2026-03-06T10:00:00.000Z')).toBeUndefined();
  });
});
