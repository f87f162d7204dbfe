/**
 * Follow-ups against DynamoDB Local: finding the ticket a reply continues (by number, by the
 * Message-ID of its opening mail), judged against retention at the mail's receipt, and adding
 * the reply once, moving the ticket as the domain says.
 */
import { randomBytes } from 'node:crypto';
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClient } from '#shared/adapters/clients/dynamodb.ts';
import { type FollowUpStore, makeFollowUpStore } from '#shared/adapters/follow-up-store.ts';
import { makeIntakeLogStore } from '#shared/adapters/intake-log-store.ts';
import { keys } from '#shared/adapters/keys.ts';
import { makeTicketOpeningStore } from '#shared/adapters/ticket-opening-store.ts';
import { TicketNotFoundError } from '#shared/domain/errors.ts';
import { makeTestResources, type TestResources } from '../support/aws.ts';
import { incoming, intakeEntry, opening, recording } from '../support/intake-records.ts';

let test: TestResources;
let db: DynamoDBDocumentClient;
let tableName: string;
let store: FollowUpStore;
const id = () => `ses-${randomBytes(4).toString('hex')}`;
let nextYear = 4000;

beforeAll(async () => {
  test = await makeTestResources('follow-up-store');
  db = documentClient(test.clients.dynamodb);
  tableName = test.resources.tableName;
  store = makeFollowUpStore({ client: db, tableName });
});

afterAll(() => test?.destroy());

/** A ticket opened by a mail from Camille Martin; returns its number and the opening mail's id. */
async function openedTicket(): Promise<{ ticketNumber: string; sesMessageId: string }> {
  const sesMessageId = id();
  await makeIntakeLogStore({ client: db, tableName }).recordIntake(recording(intakeEntry(sesMessageId)));
  const [result] = await makeTicketOpeningStore({ client: db, tableName }).openTickets([
    opening(sesMessageId, nextYear++),
  ]);
  if (result?.status !== 'fulfilled') throw new Error('ticket not opened');
  return { ticketNumber: result.value.ticketNumber, sesMessageId };
}

/** Sets a ticket's status and purge date as closing it would. */
async function close(ticketNumber: string, expiresAt: number) {
  await db.send(
    new UpdateCommand({
      TableName: tableName,
      Key: keys.ticket(ticketNumber),
      UpdateExpression: 'SET #status = :closed, closedAt = :at, expiresAt = :expiresAt',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':closed': 'clos',
        ':at': '2026-03-06T00:00:00.000Z',
        ':expiresAt': expiresAt,
      },
    }),
  );
}

async function ticketItem(ticketNumber: string) {
  const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: keys.ticket(ticketNumber) }));
  return Item;
}

describe('finding the ticket a reply continues', () => {
  it('gives its participants and schools', async () => {
    const { ticketNumber } = await openedTicket();
    expect(await store.findThread(ticketNumber, '2026-03-06T00:00:00.000Z')).toEqual({
      ticketNumber,
      participants: ['camille.martin@ac-dijon.fr', 'ce.0211234c@ac-dijon.fr'],
      uais: ['0211234C'],
    });
  });

  it('finds nothing for an unknown ticket, or one past its purge date at the mail’s receipt', async () => {
    const { ticketNumber } = await openedTicket();
    await close(ticketNumber, Date.parse('2026-04-01T00:00:00.000Z') / 1000);
    expect(await store.findThread('LSUN-2026-99999', '2026-03-06T00:00:00.000Z')).toBeUndefined();
    expect(await store.findThread(ticketNumber, '2026-03-31T23:59:59.000Z')).toBeDefined();
    expect(await store.findThread(ticketNumber, '2026-04-01T00:00:00.000Z')).toBeUndefined();
  });

  it('knows the ticket of the mail a reply answers, by its Message-ID', async () => {
    const { ticketNumber, sesMessageId } = await openedTicket();
    expect(await store.ticketOfMessageId(`${sesMessageId}@ac-dijon.fr`)).toBe(ticketNumber);
    expect(await store.ticketOfMessageId(`${id()}@ac-dijon.fr`)).toBeUndefined();
  });
});

describe('adding a follow-up', () => {
  it('adds the mail once, and leaves a new ticket new', async () => {
    // Prepare
    const { ticketNumber } = await openedTicket();
    const reply = incoming(id(), { receivedAt: '2026-03-06T09:00:00.000Z' });
    // Act
    const first = await store.addFollowUp({ ticketNumber, now: '2026-03-06T09:00:01.000Z', message: reply });
    const again = await store.addFollowUp({ ticketNumber, now: '2026-03-06T09:00:02.000Z', message: reply });
    // Assess
    expect(first).toEqual({ added: true, reopened: false });
    expect(again).toEqual({ added: false, reopened: false });
    expect(await ticketItem(ticketNumber)).toMatchObject({
      status: 'nouveau',
      messageCount: 3,
      updatedAt: '2026-03-06T09:00:01.000Z',
      ...keys.ticketsByStatus('nouveau', '2026-03-06T09:00:01.000Z', ticketNumber),
    });
  });

  it('reopens a closed ticket "en cours", without its purge date', async () => {
    const { ticketNumber } = await openedTicket();
    await close(ticketNumber, Date.parse('2027-03-06T00:00:00.000Z') / 1000);
    const added = await store.addFollowUp({
      ticketNumber,
      now: '2026-03-07T09:00:00.000Z',
      message: incoming(id(), { receivedAt: '2026-03-07T09:00:00.000Z' }),
    });
    expect(added).toEqual({ added: true, reopened: true });
    const item = await ticketItem(ticketNumber);
    expect(item).toMatchObject({ status: 'en_cours' });
    expect(item?.expiresAt).toBeUndefined();
    expect(item?.closedAt).toBeUndefined();
  });

  it('refuses a ticket past its purge date as not found', async () => {
    const { ticketNumber } = await openedTicket();
    await close(ticketNumber, Date.parse('2026-03-07T00:00:00.000Z') / 1000);
    await expect(
      store.addFollowUp({ ticketNumber, now: '2026-03-08T00:00:00.000Z', message: incoming(id()) }),
    ).rejects.toBeInstanceOf(TicketNotFoundError);
  });
});
