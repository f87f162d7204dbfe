/**
 * The send states against DynamoDB Local: a recorded mail is claimed by one delivery only (with
 * a lease), then recorded sent or failed, or given back; a claim past its lease ends unknown; and
 * the sweeper's sparse index holds exactly the mails in flight, whichever store recorded them.
 */
import { randomBytes } from 'node:crypto';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClient } from '#shared/adapters/clients/dynamodb.ts';
import { outboundItem } from '#shared/adapters/items.ts';
import { keys } from '#shared/adapters/keys.ts';
import { makeNotificationStore } from '#shared/adapters/notification-prefs-store.ts';
import { makeOutboxStore, type OutboxStore } from '#shared/adapters/outbox-store.ts';
import { makeTicketStore } from '#shared/adapters/ticket-store.ts';
import type { StrandedMail } from '#shared/domain/intake-ports.ts';
import { type OutboxMessage, outgoingMail, sentMessage } from '#shared/domain/messages.ts';
import { makeTestResources, type TestResources } from '../support/aws.ts';
import { intakeEntry, intakeReply, opening } from '../support/intake-records.ts';

let test: TestResources;
let db: DynamoDBDocumentClient;
let tableName: string;
let store: OutboxStore;
const id = () => `ses-${randomBytes(4).toString('hex')}`;

const QUEUED_AT = '2026-03-05T08:00:05.000Z';
const CLAIMED_AT = '2026-03-05T08:00:06.000Z';
const LEASE = '2026-03-05T08:01:06.000Z';

beforeAll(async () => {
  test = await makeTestResources('outbox-store');
  db = documentClient(test.clients.dynamodb);
  tableName = test.resources.tableName;
  store = makeOutboxStore({ client: db, tableName });
});

afterAll(() => test?.destroy());

/** A mail recorded as queued at `at`, as the screen or ticket step records it. */
async function recorded(message: OutboxMessage, at = QUEUED_AT): Promise<OutboxMessage> {
  await db.send(new PutCommand({ TableName: tableName, Item: outboundItem(message, at) }));
  return message;
}

async function itemOf(message: OutboxMessage) {
  const { Item } = await db.send(
    new GetCommand({ TableName: tableName, Key: keys.outbound(message.record, message.outboxId) }),
  );
  return Item ?? {};
}

/** The mails of `messages` the sweeper's index shows, by state. */
async function inIndex(messages: OutboxMessage[], now = '2099-01-01T00:00:00.000Z') {
  const ours = (found: StrandedMail[]) =>
    found.filter((mail) => messages.some((m) => m.outboxId === mail.message.outboxId));
  return {
    queued: ours(await store.queuedBefore(now, 1000)),
    sending: ours(await store.sendingPastLease(now, 1000)),
  };
}

describe('claiming a mail for sending', () => {
  it('lets one delivery claim an acknowledgment, with its lease, and no other', async () => {
    // Prepare
    const ack = await recorded(opening(id()).acknowledgment('LSUN-2026-00001'));
    // Act
    const claims = await Promise.all([
      store.claimSend(ack, CLAIMED_AT, LEASE),
      store.claimSend(ack, CLAIMED_AT, LEASE),
    ]);
    // Assess
    expect(claims.map((claim) => claim.claimed).sort()).toEqual([false, true]);
    expect(claims.find((claim) => !claim.claimed)).toEqual({
      claimed: false,
      status: 'sending',
      leaseUntil: LEASE,
    });
    const item = await itemOf(ack);
    expect(item).toMatchObject({ status: 'sending', leaseUntil: LEASE });
    expect(item).not.toHaveProperty('claimedAt');
    expect(await inIndex([ack])).toMatchObject({ queued: [], sending: [{ since: LEASE }] });
  });

  it('leaves the mail where it was in the sweeper’s index, so that the claim writes nothing there', async () => {
    // Prepare
    const ack = await recorded(opening(id()).acknowledgment('LSUN-2026-00011'));
    const before = await itemOf(ack);
    // Act
    await store.claimSend(ack, CLAIMED_AT, LEASE);
    // Assess: same index keys; the sweeper still finds it, once its lease is over only
    const after = await itemOf(ack);
    expect({ gsi4pk: after.gsi4pk, gsi4sk: after.gsi4sk }).toEqual({
      gsi4pk: 'OUTBOX#inflight',
      gsi4sk: `${QUEUED_AT}#${ack.outboxId}`,
    });
    expect(after.gsi4sk).toBe(before.gsi4sk);
    expect(await inIndex([ack], CLAIMED_AT)).toEqual({ queued: [], sending: [] });
    expect(await inIndex([ack], '2026-03-05T08:01:07.000Z')).toMatchObject({
      queued: [],
      sending: [{ since: LEASE, position: after.gsi4sk }],
    });
  });

  it('claims the automatic reply recorded beside an intake entry', async () => {
    const reply = await recorded(intakeReply(intakeEntry(id()), 'no_keyword'));
    expect(await store.claimSend(reply, CLAIMED_AT, LEASE)).toEqual({ claimed: true, leaseUntil: LEASE });
  });

  it('refuses a mail that was never recorded, saying nothing of a state', async () => {
    expect(await store.claimSend(opening(id()).acknowledgment('LSUN-2026-00002'), CLAIMED_AT, LEASE)).toEqual(
      {
        claimed: false,
        status: undefined,
        leaseUntil: undefined,
      },
    );
  });
});

describe('recording what SES answered', () => {
  it('records sent with SES’s id and time, and takes the mail out of the sweeper’s index', async () => {
    const ack = await recorded(opening(id()).acknowledgment('LSUN-2026-00003'));
    await store.claimSend(ack, CLAIMED_AT, LEASE);
    // Act
    await store.recordSent(ack, { sentMessageId: 'ses-out-1', at: '2026-03-05T08:00:07.000Z' });
    // Assess
    const item = await itemOf(ack);
    expect(item).toMatchObject({
      status: 'sent',
      sentAt: '2026-03-05T08:00:07.000Z',
      sentMessageId: 'ses-out-1',
    });
    expect(item.outbox).toBeUndefined();
    expect(await inIndex([ack])).toEqual({ queued: [], sending: [] });
    expect(await store.claimSend(ack, CLAIMED_AT, LEASE)).toMatchObject({ claimed: false, status: 'sent' });
  });

  it('records a final refusal as failed, with SES’s code and the reason, never claimed again', async () => {
    const ack = await recorded(opening(id()).acknowledgment('LSUN-2026-00004'));
    await store.claimSend(ack, CLAIMED_AT, LEASE);
    await store.recordFailed(ack, {
      code: 'MessageRejected',
      reason: 'Refusé.',
      at: '2026-03-05T08:00:07.000Z',
    });
    expect(await itemOf(ack)).toMatchObject({
      status: 'failed',
      sendError: 'MessageRejected',
      sendReason: 'Refusé.',
      failedAt: '2026-03-05T08:00:07.000Z',
    });
    expect(await inIndex([ack])).toEqual({ queued: [], sending: [] });
    expect(await store.claimSend(ack, CLAIMED_AT, LEASE)).toMatchObject({ claimed: false, status: 'failed' });
  });

  it('gives a claim back: queued again, from the time it was given back, and claimable', async () => {
    const ack = await recorded(opening(id()).acknowledgment('LSUN-2026-00005'));
    await store.claimSend(ack, CLAIMED_AT, LEASE);
    await store.releaseSend(ack, '2026-03-05T08:00:07.000Z');
    expect(await itemOf(ack)).toMatchObject({ status: 'queued' });
    expect(await inIndex([ack])).toMatchObject({
      queued: [{ since: '2026-03-05T08:00:07.000Z' }],
      sending: [],
    });
    expect(await store.claimSend(ack, '2026-03-05T08:00:08.000Z', LEASE)).toMatchObject({ claimed: true });
  });
});

describe('a claim past its lease', () => {
  it('is found by the sweeper once the lease ended, and marked unknown under that lease only', async () => {
    // Prepare: claimed, then the function died
    const ack = await recorded(opening(id()).acknowledgment('LSUN-2026-00006'));
    await store.claimSend(ack, CLAIMED_AT, LEASE);
    expect((await inIndex([ack], '2026-03-05T08:01:00.000Z')).sending).toEqual([]);
    const [stranded] = (await inIndex([ack], '2026-03-05T08:02:00.000Z')).sending;
    // Act
    const wrongLease = await store.markUnknown(ack, {
      leaseUntil: CLAIMED_AT,
      at: '2026-03-05T08:02:00.000Z',
      reason: 'x',
    });
    const marked = await store.markUnknown(ack, {
      leaseUntil: stranded?.since ?? '',
      at: '2026-03-05T08:02:00.000Z',
      reason: 'Envoi incertain',
    });
    // Assess
    expect([wrongLease, marked]).toEqual([false, true]);
    expect(await itemOf(ack)).toMatchObject({ status: 'unknown', sendReason: 'Envoi incertain' });
    expect(await inIndex([ack])).toEqual({ queued: [], sending: [] });
    expect(await store.claimSend(ack, CLAIMED_AT, LEASE)).toMatchObject({
      claimed: false,
      status: 'unknown',
    });
  });

  it('still records sent if SES’s answer comes after a sweep marked it unknown: it did leave', async () => {
    const ack = await recorded(opening(id()).acknowledgment('LSUN-2026-00007'));
    await store.claimSend(ack, CLAIMED_AT, LEASE);
    await store.markUnknown(ack, {
      leaseUntil: LEASE,
      at: '2026-03-05T08:02:00.000Z',
      reason: 'Envoi incertain',
    });
    await store.recordSent(ack, { sentMessageId: 'ses-late', at: '2026-03-05T08:02:01.000Z' });
    const item = await itemOf(ack);
    expect(item).toMatchObject({ status: 'sent', sentMessageId: 'ses-late' });
    expect(item.sendReason).toBeUndefined();
  });
});

describe('the sweeper’s index', () => {
  it('finds a mail queued before the cutoff, with its queue message, and not one queued after', async () => {
    const old = await recorded(opening(id()).acknowledgment('LSUN-2026-00008'), '2026-03-05T07:00:00.000Z');
    const recent = await recorded(
      opening(id()).acknowledgment('LSUN-2026-00009'),
      '2026-03-05T08:00:00.000Z',
    );
    const { queued } = await inIndex([old, recent], '2026-03-05T07:30:00.000Z');
    expect(queued).toEqual([
      {
        message: old,
        position: `2026-03-05T07:00:00.000Z#${old.outboxId}`,
        since: '2026-03-05T07:00:00.000Z',
        requeues: 0,
      },
    ]);
  });

  it('notes a re-queue once when two sweeps overlap, and counts it', async () => {
    const ack = await recorded(opening(id()).acknowledgment('LSUN-2026-00010'), '2026-03-05T07:00:00.000Z');
    const [found] = (await inIndex([ack])).queued as [StrandedMail];
    const marks = await Promise.all([
      store.markRequeued(found, '2026-03-05T08:00:00.000Z'),
      store.markRequeued(found, '2026-03-05T08:00:00.000Z'),
    ]);
    expect(marks.sort()).toEqual([false, true]);
    expect((await inIndex([ack])).queued).toMatchObject([{ since: '2026-03-05T08:00:00.000Z', requeues: 1 }]);
  });

  it('takes a mail out of the index when the sweeper gives up on it; it stays queued', async () => {
    const ack = await recorded(opening(id()).acknowledgment('LSUN-2026-00011'), '2026-03-05T07:00:00.000Z');
    const [found] = (await inIndex([ack])).queued as [StrandedMail];
    await store.stopSweeping(found);
    expect(await inIndex([ack])).toEqual({ queued: [], sending: [] });
    expect(await itemOf(ack)).toMatchObject({ status: 'queued' });
  });

  it('holds the mails every store records queued: staff replies and auto-close notices (ticket store), notifications', async () => {
    // Prepare: a staff reply as the ticket store commits it, and a notification to an agent
    const number = `LSUN-2026-${randomBytes(3).toString('hex')}`;
    const reply = outgoingMail({
      outboxId: `${number}.reply.1`,
      record: { on: 'ticket', ticketNumber: number, at: QUEUED_AT },
      purpose: 'staff_reply',
      ticketNumber: number,
      from: 'assistance1d@ac-dijon.fr',
      fromName: 'Assistance LSUN',
      to: 'camille.martin@ac-dijon.fr',
      subject: `[${number}] Re: bulletins`,
      text: 'Bonjour,',
      references: [],
    });
    const ticketStore = makeTicketStore({ client: db, tableName });
    await db.send(
      new PutCommand({
        TableName: tableName,
        Item: { ...keys.ticket(number), number, status: 'en_cours', updatedAt: QUEUED_AT },
      }),
    );
    await ticketStore.commit(
      {
        number,
        expectedStatus: 'en_cours',
        message: sentMessage(reply, QUEUED_AT),
        outbox: reply,
        history: {
          id: 'h1',
          ticketNumber: number,
          at: QUEUED_AT,
          actor: 'agent@ac-dijon.fr',
          action: 'reply',
        },
      },
      QUEUED_AT,
    );
    const notification = outgoingMail({
      outboxId: `notify.${number}`,
      record: { on: 'notification', id: `assigned.${number}` },
      purpose: 'notify_assigned',
      ticketNumber: number,
      from: 'assistance1d@ac-dijon.fr',
      fromName: 'Assistance LSUN',
      to: 'agent@ac-dijon.fr',
      subject: 'Ticket attribué',
      text: 'Un ticket vous est attribué.',
      references: [],
    });
    await makeNotificationStore({ client: db, tableName }).recordNotification(
      notification,
      QUEUED_AT,
      2_000_000_000,
    );
    // Act
    const { queued } = await inIndex([reply, notification]);
    // Assess: each with the queue message the mailer needs
    expect(queued.map((mail) => mail.message).sort((a, b) => a.outboxId.localeCompare(b.outboxId))).toEqual(
      [reply, notification].sort((a, b) => a.outboxId.localeCompare(b.outboxId)),
    );
  });
});

describe('mails recorded before their texts were packed', () => {
  it('gives the sweeper the queue message, and the ticket page the body, of an item with both in clear', async () => {
    // Prepare: the item as the desk wrote it before `packed-text.ts`: `text`, and `outbox` a map
    const ack = opening(id()).acknowledgment('LSUN-2026-00031');
    const { outboxId, purpose, from, fromName, to, subject, text, ...outbox } = ack;
    const { textZ: _packed, ...packed } = outboundItem(ack, QUEUED_AT);
    await db.send(
      new PutCommand({ TableName: tableName, Item: { ...packed, text, outbox, status: 'queued' } }),
    );
    await db.send(
      new PutCommand({
        TableName: tableName,
        Item: { ...keys.ticket('LSUN-2026-00031'), number: 'LSUN-2026-00031', status: 'nouveau' },
      }),
    );
    // Act
    const { queued } = await inIndex([ack]);
    const page = await makeTicketStore({ client: db, tableName }).findMessage('LSUN-2026-00031', outboxId);
    // Assess
    expect(queued.map((mail) => mail.message)).toEqual([ack]);
    expect(page).toMatchObject({ id: outboxId, purpose, from, to, subject, text });
  });

  it('stores a new mail’s body and queue message as Binary values that come back whole', async () => {
    // Prepare
    const ack = await recorded(opening(id()).acknowledgment('LSUN-2026-00032'));
    // Act
    const item = await itemOf(ack);
    const { queued } = await inIndex([ack]);
    // Assess
    expect(item.text).toBeUndefined();
    expect(item.textZ).toBeInstanceOf(Uint8Array);
    expect(item.outbox).toBeInstanceOf(Uint8Array);
    expect(queued.map((mail) => mail.message)).toEqual([ack]);
  });
});
