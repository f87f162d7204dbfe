/**
 * The ticket store and the staff actions against DynamoDB Local: status indexes kept right,
 * every action in the history, replies safe to repeat, closed tickets purged with all their
 * items. The list has its own tests (ticket-list-store.test.ts).
 */
import { randomUUID } from 'node:crypto';
import { type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClient } from '#shared/adapters/aws-clients.ts';
import { keys } from '#shared/adapters/keys.ts';
import { makeTicketStore } from '#shared/adapters/ticket-store.ts';
import { TicketListQuery } from '#shared/api/contract.ts';
import { TicketClosedError } from '#shared/domain/errors.ts';
import type { OutboxMessage } from '#shared/domain/messages.ts';
import type { IntakeEntry, Ticket, TicketMessage } from '#shared/domain/records.ts';
import { StaleTicketError } from '#shared/domain/staff-ports.ts';
import { threadIdOf } from '#shared/domain/thread.ts';
import { historyLine } from '#shared/domain/ticket-actions.ts';
import {
  addTicketNote,
  assignTicket,
  changeTicketStatus,
  replyToTicket,
} from '#shared/steps/staff/actions.ts';
import { listTickets, ticketDetail } from '#shared/steps/staff/reads.ts';
import { makeTestResources, type TestResources } from '../support/aws.ts';
import { DESK, RETENTION_DAYS, school, staffDeps, ticketItem } from '../support/staff.ts';

const AGENT = { email: 'agent@ac-dijon.fr', name: 'Alex Agent' };
const DAY = 86_400;

let test: TestResources;
let client: DynamoDBDocumentClient;
let tableName: string;

beforeAll(async () => {
  test = await makeTestResources('ticket-store');
  client = documentClient(test.clients.dynamodb);
  tableName = test.resources.tableName;
});

afterAll(() => test?.destroy());

let opened = 0;
/** A ticket opened by a director's mail sent to the second desk address, with its acknowledgment. */
async function openTicket(overrides: Partial<Ticket> = {}) {
  opened += 1;
  const number = `LSUN-2026-${String(90_000 + opened).padStart(5, '0')}`;
  const createdAt = '2026-03-02T08:00:00.000Z';
  const sesMessageId = `ses-${randomUUID()}`;
  const ticket: Ticket = {
    number,
    status: 'nouveau',
    subject: 'LSUN : bulletins introuvables',
    requester: { email: 'camille.martin@ac-dijon.fr', name: 'Camille Martin' },
    schools: [school('0211234C', '21')],
    participants: ['camille.martin@ac-dijon.fr'],
    openedBy: sesMessageId,
    createdAt,
    updatedAt: createdAt,
    messageCount: 2,
    ...overrides,
  };
  const incoming: TicketMessage = {
    id: sesMessageId,
    ticketNumber: number,
    direction: 'in',
    at: createdAt,
    from: 'camille.martin@ac-dijon.fr',
    fromName: 'Camille Martin',
    subject: 'LSUN : bulletins introuvables',
    text: 'Bonjour',
    attachments: [],
    rawMail: { bucket: 'b', key: `incoming/${sesMessageId}` },
    sesMessageId,
    messageId: `${sesMessageId}@ac-dijon.fr`,
  };
  const entry: IntakeEntry = {
    sesMessageId,
    messageId: incoming.messageId,
    envelopeFrom: incoming.from,
    from: incoming.from,
    recipient: DESK[1] as string,
    subject: incoming.subject,
    receivedAt: createdAt,
    outcome: 'ticket_created',
    detail: 'Directeur reconnu',
    ticketNumber: number,
    rawMail: incoming.rawMail as IntakeEntry['rawMail'],
  };
  for (const item of [
    ticketItem(ticket),
    { ...keys.ticketMessage(number, createdAt, sesMessageId), ...incoming },
    {
      ...keys.ticketMessage(number, createdAt, `${sesMessageId}.ack`),
      id: `${sesMessageId}.ack`,
      ticketNumber: number,
      direction: 'out',
      at: createdAt,
      from: DESK[1],
      to: incoming.from,
      subject: `[${number}] LSUN : bulletins introuvables`,
      text: 'Accusé',
      attachments: [],
      purpose: 'acknowledgment',
      status: 'sent',
    },
    { ...keys.intakeEntry(sesMessageId), ...keys.intakeByTime(createdAt, sesMessageId), ...entry },
  ]) {
    await client.send(new PutCommand({ TableName: tableName, Item: item }));
  }
  return { number, incoming };
}

async function partition(number: string) {
  const { Items = [] } = await client.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.ticket(number).pk },
      ConsistentRead: true,
    }),
  );
  return Items;
}

const query = (input: Record<string, string>) => TicketListQuery.parse(input);

describe('staff actions on a ticket', () => {
  it('moves the ticket between the status partitions of both status indexes when its status changes', async () => {
    // Prepare
    const { deps } = staffDeps({ client, tableName });
    const { number } = await openTicket();
    const numbersOf = async (input: Record<string, string>) =>
      (await listTickets(query({ limit: '100', ...input }), deps)).items.map((ticket) => ticket.number);
    expect(await numbersOf({ status: 'nouveau', sort: 'created' })).toContain(number);

    // Act
    await changeTicketStatus({ number, actor: AGENT, status: 'en_cours' }, deps);

    // Assess
    for (const sort of ['created', 'updated']) {
      expect(await numbersOf({ status: 'nouveau', sort })).not.toContain(number);
      expect(await numbersOf({ status: 'en_cours', sort })).toContain(number);
    }
    const [item] = (await partition(number)).filter((i) => i.sk === 'TICKET');
    expect(item).toMatchObject({
      status: 'en_cours',
      gsi2pk: 'TICKETS#en_cours',
      gsi2sk: `2026-03-05T09:00:00.000Z#${number}`,
    });
  });

  it('records every action in the history with who, when and the values before and after', async () => {
    // Prepare
    // A clock that moves one second a call, so the actions' times tell their order.
    let tick = Date.parse('2026-03-05T09:00:00.000Z');
    const { deps } = staffDeps({ client, tableName }, () => {
      tick += 1000;
      return new Date(tick);
    });
    const { number } = await openTicket();

    // Act
    await assignTicket({ number, actor: AGENT, assignee: 'dominique.durand@ac-dijon.fr' }, deps);
    await changeTicketStatus({ number, actor: AGENT, status: 'en_cours' }, deps);
    await addTicketNote({ number, actor: AGENT, text: 'Appeler la circonscription.' }, deps);
    await replyToTicket({ number, actor: AGENT, text: 'Voici la marche à suivre.' }, deps);
    await assignTicket({ number, actor: AGENT, assignee: null }, deps);
    const detail = await ticketDetail(number, deps);

    // Assess
    expect(detail.history.map(({ action, actor, from, to }) => ({ action, actor, from, to }))).toEqual([
      { action: 'opened', actor: 'camille.martin@ac-dijon.fr', from: undefined, to: undefined },
      { action: 'assign', actor: AGENT.email, from: null, to: 'dominique.durand@ac-dijon.fr' },
      { action: 'status', actor: AGENT.email, from: 'nouveau', to: 'en_cours' },
      { action: 'note', actor: AGENT.email, from: undefined, to: undefined },
      { action: 'reply', actor: AGENT.email, from: 'en_cours', to: 'en_attente' },
      { action: 'assign', actor: AGENT.email, from: 'dominique.durand@ac-dijon.fr', to: null },
    ]);
    expect(detail.history.every((entry) => entry.at !== '')).toBe(true);
    expect(detail.messages.map((entry) => entry.kind)).toEqual(['message', 'message', 'note', 'message']);
    expect(detail.assignee).toBeUndefined();
    expect(detail.status).toBe('en_attente');
  });

  it('records a staff reply once and queues one mail, threaded with the tag kept, however often it is repeated', async () => {
    // Prepare
    const store = makeTicketStore({ client, tableName });
    const { deps, sent } = staffDeps({ client, tableName });
    const { number, incoming } = await openTicket();
    const requestId = randomUUID();
    const reply = () => replyToTicket({ number, actor: AGENT, text: 'Bonjour,\r\nVoici.', requestId }, deps);

    // Act: a double click, then a retry after a lost answer.
    const [first, second] = await Promise.all([reply(), reply()]);
    const third = await reply();

    // Assess
    const items = await partition(number);
    const replies = items.filter((item) => item.purpose === 'staff_reply');
    expect(replies).toHaveLength(1);
    expect(items.filter((item) => String(item.sk).startsWith('HIST#'))).toHaveLength(1);
    expect(second.message).toEqual(first.message);
    expect(third.message).toEqual(first.message);
    expect(new Set(sent.map((message) => message.outboxId))).toEqual(new Set([first.message.id]));
    const mail = sent[0] as OutboxMessage;
    expect(mail).toMatchObject({
      purpose: 'staff_reply',
      from: DESK[1],
      to: 'camille.martin@ac-dijon.fr',
      subject: `Re: [${number}] LSUN : bulletins introuvables`,
      inReplyTo: incoming.messageId,
      autoSubmitted: false,
      record: { on: 'ticket', ticketNumber: number, at: first.message.at },
    });
    expect(mail.references).toEqual([incoming.messageId, threadIdOf(number)]);
    expect(mail.text).toContain('Bonjour,\nVoici.');
    expect(mail.text).toContain('Alex Agent');
    expect(replies[0]).toMatchObject({ status: 'queued', direction: 'out', author: AGENT.email });
    const ticket = (await store.getTicket(number, new Date()))?.ticket;
    expect(ticket).toMatchObject({ status: 'en_attente', messageCount: 3, answeredAt: first.message.at });
  });

  it('refuses to reply on a closed ticket', async () => {
    // Prepare
    const { deps, sent } = staffDeps({ client, tableName });
    const { number } = await openTicket({ status: 'clos' });

    // Act
    const attempt = replyToTicket({ number, actor: AGENT, text: 'Trop tard' }, deps);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(TicketClosedError);
    expect(sent).toEqual([]);
  });

  it('gives every item of a closed ticket its purge date, takes it away on reopening, and hides the ticket once past it', async () => {
    // Prepare
    const store = makeTicketStore({ client, tableName });
    const closedAt = new Date('2026-03-05T09:00:00.000Z');
    const { deps } = staffDeps({ client, tableName }, () => closedAt);
    const { number } = await openTicket();
    await addTicketNote({ number, actor: AGENT, text: 'Réglé par téléphone.' }, deps);
    const purgeAt = Math.floor(closedAt.getTime() / 1000) + RETENTION_DAYS * DAY;

    // Act: close
    await changeTicketStatus({ number, actor: AGENT, status: 'clos' }, deps);

    // Assess
    const closedItems = await partition(number);
    expect(closedItems.length).toBeGreaterThanOrEqual(6);
    expect(closedItems.map((item) => item.expiresAt)).toEqual(closedItems.map(() => purgeAt));
    const afterRetention = new Date((purgeAt + 1) * 1000);
    expect(await store.getTicket(number, afterRetention)).toBeUndefined();
    expect(await store.getTicket(number, closedAt)).toBeDefined();

    // Act: reopen
    await changeTicketStatus({ number, actor: AGENT, status: 'en_cours' }, deps);

    // Assess
    const reopened = await partition(number);
    expect(reopened.filter((item) => item.expiresAt !== undefined)).toEqual([]);
    expect(reopened.find((item) => item.sk === 'TICKET')?.closedAt).toBeUndefined();
  });
});

describe('the ticket store', () => {
  it('reads a ticket whole, without the table keys, and finds one of its mails by id', async () => {
    // Prepare
    const store = makeTicketStore({ client, tableName });
    const { number, incoming } = await openTicket();

    // Act
    const record = await store.readTicket(number, new Date());
    const found = await store.findMessage(number, incoming.id);

    // Assess
    expect(record?.ticket.number).toBe(number);
    expect(record?.ticket).not.toHaveProperty('gsi2pk');
    expect(record?.messages.map((message) => message.direction)).toEqual(['in', 'out']);
    expect(found).toEqual(incoming);
    expect(await store.findMessage(number, 'unknown')).toBeUndefined();
  });

  it('refuses an action decided on a status that changed, and a request already carried out', async () => {
    // Prepare
    const store = makeTicketStore({ client, tableName });
    const { number } = await openTicket();
    const at = '2026-03-05T09:00:00.000Z';
    const line = (id: string) =>
      historyLine({ id, number, at, actor: AGENT.email }, 'status', { from: 'nouveau', to: 'en_cours' });
    const note = { id: 'n1', ticketNumber: number, at, author: AGENT.email, text: 'Note' };
    const claim = {
      requestId: 'req-12345678',
      record: { kind: 'note' as const, at, note, history: line('h-note') },
    };
    await store.commit({ number, expectedStatus: 'nouveau', note, history: line('h-note'), claim }, at);

    // Act: both at once, each refusal caught as it comes (one awaited after the other could
    // reject unobserved meanwhile, which the runner reports as an unhandled rejection).
    const [stale, repeated] = await Promise.all([
      store
        .commit(
          {
            number,
            expectedStatus: 'en_cours',
            set: { status: 'resolu', updatedAt: at },
            history: line('h2'),
          },
          at,
        )
        .catch((error: unknown) => error),
      store
        .commit(
          { number, expectedStatus: 'nouveau', note: { ...note, id: 'n2' }, history: line('h3'), claim },
          at,
        )
        .catch((error: unknown) => error),
    ]);

    // Assess
    expect(stale).toBeInstanceOf(StaleTicketError);
    expect(repeated).toMatchObject({ name: 'DuplicateRequestError', claim: claim.record });
    expect(await store.readRequest(number, claim.requestId)).toEqual(claim.record);
  });
});
