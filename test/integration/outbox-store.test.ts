/**
 * The send claims against DynamoDB Local: a recorded mail is claimed by one delivery only, and a
 * claim given back (SES refused the send) can be taken again.
 */
import { randomBytes } from 'node:crypto';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClient } from '#shared/adapters/clients/dynamodb.ts';
import { outboundItem } from '#shared/adapters/items.ts';
import { keys } from '#shared/adapters/keys.ts';
import { makeOutboxStore, type OutboxStore } from '#shared/adapters/outbox-store.ts';
import type { OutboxMessage } from '#shared/domain/messages.ts';
import { makeTestResources, type TestResources } from '../support/aws.ts';
import { intakeEntry, intakeReply, opening } from '../support/intake-records.ts';

let test: TestResources;
let db: DynamoDBDocumentClient;
let tableName: string;
let store: OutboxStore;
const id = () => `ses-${randomBytes(4).toString('hex')}`;

beforeAll(async () => {
  test = await makeTestResources('outbox-store');
  db = documentClient(test.clients.dynamodb);
  tableName = test.resources.tableName;
  store = makeOutboxStore({ client: db, tableName });
});

afterAll(() => test?.destroy());

/** A mail recorded as queued, as the screen or ticket step records it. */
async function recorded(message: OutboxMessage): Promise<OutboxMessage> {
  await db.send(
    new PutCommand({ TableName: tableName, Item: outboundItem(message, '2026-03-05T08:00:05.000Z') }),
  );
  return message;
}

async function statusOf(message: OutboxMessage) {
  const { Item } = await db.send(
    new GetCommand({ TableName: tableName, Key: keys.outbound(message.record, message.outboxId) }),
  );
  return { status: Item?.status, sentAt: Item?.sentAt };
}

describe('claiming a mail for sending', () => {
  it('lets one delivery claim an acknowledgment, and no other', async () => {
    // Prepare
    const ack = await recorded(opening(id()).acknowledgment('LSUN-2026-00001'));
    // Act
    const claims = await Promise.all([
      store.claimSend(ack, '2026-03-05T08:00:06.000Z'),
      store.claimSend(ack, '2026-03-05T08:00:06.000Z'),
    ]);
    // Assess
    expect(claims.sort()).toEqual([false, true]);
    expect(await statusOf(ack)).toEqual({ status: 'sent', sentAt: '2026-03-05T08:00:06.000Z' });
  });

  it('claims the automatic reply recorded beside an intake entry', async () => {
    const reply = await recorded(intakeReply(intakeEntry(id()), 'no_keyword'));
    expect(await store.claimSend(reply, '2026-03-05T08:00:06.000Z')).toBe(true);
  });

  it('refuses a mail that was never recorded', async () => {
    expect(
      await store.claimSend(opening(id()).acknowledgment('LSUN-2026-00002'), '2026-03-05T08:00:06.000Z'),
    ).toBe(false);
  });
});

describe('giving a claim back', () => {
  it('makes the mail queued again, so that the retry may send it', async () => {
    const ack = await recorded(opening(id()).acknowledgment('LSUN-2026-00003'));
    await store.claimSend(ack, '2026-03-05T08:00:06.000Z');
    await store.releaseSend(ack);
    expect(await statusOf(ack)).toEqual({ status: 'queued', sentAt: undefined });
    expect(await store.claimSend(ack, '2026-03-05T08:00:07.000Z')).toBe(true);
  });
});
