/**
 * The ticket store and the staff actions against DynamoDB Local: status indexes kept right,
 * every action in the history, replies safe to repeat, closed tickets purged with all their
 * items, and filtered lists over a few thousand tickets that come back with bounded reads.
 */
import { randomUUID } from 'node:crypto';
import {
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClient } from '#shared/adapters/aws-clients.ts';
import { keys } from '#shared/adapters/keys.ts';
import { LIST_READ_BUDGET, makeTicketStore, type TicketStore } from '#shared/adapters/ticket-store.ts';
import { TicketListQuery } from '#shared/api/contract.ts';
import type { School } from '#shared/domain/directory.ts';
import type { OutboxMessage } from '#shared/domain/messages.ts';
import type { IntakeEntry, Ticket, TicketMessage, TicketStatus } from '#shared/domain/records.ts';
import { threadIdOf } from '#shared/domain/thread.ts';
import { ConflictError } from '#shared/http/errors.ts';
import {
  addTicketNote,
  assignTicket,
  changeTicketStatus,
  listTickets,
  replyToTicket,
  type StaffDeps,
  ticketDetail,
} from '#shared/steps/staff.ts';
import { makeTestResources, type TestResources } from '../support/aws.ts';

const DESK = ['assistance1d@ac-dijon.fr', 'assistance.1erdegre@ac-dijon.fr'];
const AGENT = { email: 'agent@ac-dijon.fr', name: 'Alex Agent' };
const RETENTION_DAYS = 365;
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

function school(uai: string, departement: string, circonscription = 'Dijon Centre'): School {
  return {
    uai,
    name: `École ${uai}`,
    commune: 'Dijon',
    circonscription,
    departement,
    mailbox: `ce.${uai.toLowerCase()}@ac-dijon.fr`,
  };
}

/** The ticket item exactly as the ticket step writes it (desk-store's openTicket). */
function ticketItem(ticket: Ticket) {
  return {
    ...keys.ticket(ticket.number),
    ...keys.ticketsByTime(ticket.createdAt, ticket.number),
    ...keys.ticketsByStatus(ticket.status, ticket.updatedAt, ticket.number),
    ...ticket,
  };
}

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

function staffDeps(store: TicketStore, now: () => Date = () => new Date('2026-03-05T09:00:00.000Z')) {
  const sent: OutboxMessage[] = [];
  const deps: StaffDeps = {
    ticketStore: store,
    outbox: {
      send: async (message) => {
        sent.push(message);
      },
      sendAll: async (messages) => {
        sent.push(...messages);
      },
    },
    rawMail: { read: async () => new Uint8Array() },
    directory: { findByEmail: async () => undefined },
    deskAddresses: DESK,
    deskDisplayName: 'Assistance LSUN – Académie de Dijon',
    retentionDays: RETENTION_DAYS,
    now,
    newId: () => randomUUID(),
  };
  return { deps, sent };
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
    const store = makeTicketStore({ client, tableName });
    const { deps } = staffDeps(store);
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
    const store = makeTicketStore({ client, tableName });
    // A clock that moves one second a call, so the actions' times tell their order.
    let tick = Date.parse('2026-03-05T09:00:00.000Z');
    const { deps } = staffDeps(store, () => {
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
    const { deps, sent } = staffDeps(store);
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
    const store = makeTicketStore({ client, tableName });
    const { deps, sent } = staffDeps(store);
    const { number } = await openTicket({ status: 'clos' });

    // Act
    const attempt = replyToTicket({ number, actor: AGENT, text: 'Trop tard' }, deps);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ConflictError);
    expect(sent).toEqual([]);
  });

  it('gives every item of a closed ticket its purge date, takes it away on reopening, and hides the ticket once past it', async () => {
    // Prepare
    const store = makeTicketStore({ client, tableName });
    const closedAt = new Date('2026-03-05T09:00:00.000Z');
    const { deps } = staffDeps(store, () => closedAt);
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

describe('the ticket list over a few thousand tickets', () => {
  const TOTAL = 3_000;
  const RARE_UAI = '0215555K';
  const rare = new Set([7, 17, 503, 1200, 1999, 2500, 2998]);
  const departements = ['21', '58', '71', '89'];
  const statusOf = (i: number): TicketStatus =>
    (['nouveau', 'en_cours', 'en_attente', 'resolu'] as const)[i % 20] ?? 'clos';
  const departementOf = (i: number) => departements[Math.floor(i / 3) % 4] as string;
  const createdAtOf = (i: number) => new Date(Date.UTC(2025, 8, 1, 6) + i * 2 * 3_600_000).toISOString();
  let store: TicketStore;
  let deps: StaffDeps;
  let queries: { count: number };
  let own: TestResources;

  beforeAll(async () => {
    // A table of its own: the tickets of the other tests must not show in these lists.
    own = await makeTestResources('ticket-list');
    const writer = documentClient(own.clients.dynamodb);
    const listTable = own.resources.tableName;
    const tickets: Ticket[] = Array.from({ length: TOTAL }, (_, i) => {
      const createdAt = createdAtOf(i);
      return {
        number: `LSUN-2025-${String(i + 1).padStart(5, '0')}`,
        status: statusOf(i),
        subject: i % 100 === 42 ? 'LSUN : problème d’édition des livrets' : 'LSUN bulletins',
        requester: { email: `directeur${i}@ac-dijon.fr`, name: `Directeur ${i}` },
        schools: [
          rare.has(i)
            ? school(RARE_UAI, '21', 'Beaune')
            : school(
                `0${departementOf(i)}${String(i).padStart(4, '0')}A`,
                departementOf(i),
                `Circo ${i % 12}`,
              ),
        ],
        participants: [`directeur${i}@ac-dijon.fr`],
        openedBy: `ses-${i}`,
        createdAt,
        updatedAt: new Date(Date.parse(createdAt) + (i % 7) * 3_600_000 * 30).toISOString(),
        messageCount: 2,
        ...(i % 10 === 5 ? { assignee: 'agent@ac-dijon.fr' } : {}),
      };
    });
    for (let start = 0; start < tickets.length; start += 25) {
      let requests = tickets
        .slice(start, start + 25)
        .map((ticket) => ({ PutRequest: { Item: ticketItem(ticket) } }));
      while (requests.length > 0) {
        const { UnprocessedItems } = await writer.send(
          new BatchWriteCommand({ RequestItems: { [listTable]: requests } }),
        );
        requests = (UnprocessedItems?.[listTable] ?? []) as typeof requests;
      }
    }
    // A store of its own, with a client whose queries are counted.
    const counted = documentClient(own.clients.dynamodb);
    queries = { count: 0 };
    counted.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'QueryCommand') queries.count += 1;
        return next(args);
      },
      { step: 'initialize', name: 'countQueries' },
    );
    store = makeTicketStore({ client: counted, tableName: listTable });
    deps = staffDeps(store, () => new Date('2026-06-01T00:00:00.000Z')).deps;
  }, 120_000);

  afterAll(() => own?.destroy());

  /** Every page of a list, each page's cost checked against the read budget. */
  async function walk(input: Record<string, string>) {
    const numbers: string[] = [];
    const tickets: Ticket[] = [];
    const pages: Array<{ size: number; queries: number }> = [];
    let cursor: string | undefined;
    do {
      const before = queries.count;
      const parsed = query({ ...input, ...(cursor ? { cursor } : {}) });
      const page = await listTickets(parsed, deps);
      pages.push({ size: page.items.length, queries: queries.count - before });
      numbers.push(...page.items.map((ticket) => ticket.number));
      tickets.push(...page.items);
      cursor = page.nextCursor ?? undefined;
      if (pages.length > 200) throw new Error('too many pages');
    } while (cursor);
    return { numbers, tickets, pages };
  }

  const expected = (keep: (i: number) => boolean) =>
    Array.from({ length: TOTAL }, (_, i) => i)
      .filter(keep)
      .map((i) => `LSUN-2025-${String(i + 1).padStart(5, '0')}`);

  it('fills a page of one département from a bounded read, newest first', async () => {
    // Act
    const before = queries.count;
    const page = await store.listTickets({
      filter: { departement: '58' },
      sort: 'created',
      order: 'desc',
      limit: 50,
      now: new Date('2026-06-01T00:00:00.000Z'),
    });

    // Assess: a quarter of the tickets match, so about four pages' worth is read, not the table.
    expect(page.items).toHaveLength(50);
    expect(page.items.every((ticket) => ticket.schools.some((s) => s.departement === '58'))).toBe(true);
    expect(page.items.map((ticket) => ticket.number)).toEqual(
      expected((i) => departementOf(i) === '58')
        .reverse()
        .slice(0, 50),
    );
    expect(page.reads.items).toBeLessThanOrEqual(400);
    expect(queries.count - before).toBe(page.reads.queries);
    expect(page.reads.queries).toBeLessThanOrEqual(2);
    expect(page.next).toBeDefined();
  });

  it('walks a rare school through short pages, each within the read budget, finding every ticket once', async () => {
    // Act
    const { numbers, pages } = await walk({ uai: RARE_UAI.toLowerCase(), limit: '20' });

    // Assess
    expect(numbers).toEqual(expected((i) => rare.has(i)).reverse());
    for (const page of pages) expect(page.queries).toBeLessThanOrEqual(LIST_READ_BUDGET.queries + 1);
    expect(pages.length).toBeGreaterThan(1);
  });

  it('reads open statuses in creation order from their own partitions, oldest first, without reading closed tickets', async () => {
    // Act
    const first = await store.listTickets({
      filter: { statuses: ['nouveau', 'en_cours'] },
      sort: 'created',
      order: 'asc',
      limit: 25,
      now: new Date('2026-06-01T00:00:00.000Z'),
    });
    const all = await walk({ status: 'nouveau,en_cours', sort: 'created', order: 'asc', limit: '25' });

    // Assess
    const open = expected((i) => i % 20 === 0 || i % 20 === 1);
    expect(first.items.map((ticket) => ticket.number)).toEqual(open.slice(0, 25));
    expect(first.reads.items).toBeLessThanOrEqual(2 * 26);
    expect(all.numbers).toEqual(open);
  });

  it('merges every status by last update, newest first, each ticket once', async () => {
    // Act
    const { numbers, tickets, pages } = await walk({
      sort: 'updated',
      limit: '100',
      from: '2026-01-01',
      to: '2026-01-31',
    });

    // Assess: the period (creation, Paris days) is applied too.
    const inJanuary = (i: number) =>
      createdAtOf(i) >= '2025-12-31T23:00:00.000Z' && createdAtOf(i) < '2026-01-31T23:00:00.000Z';
    const want = expected(inJanuary);
    expect([...numbers].sort()).toEqual(want);
    expect(new Set(numbers).size).toBe(numbers.length);
    const updated = tickets.map((ticket) => ticket.updatedAt);
    expect(updated).toEqual([...updated].sort().reverse());
    for (const page of pages) expect(page.queries).toBeLessThanOrEqual(LIST_READ_BUDGET.queries + 5);
  });

  it('finds free text without case or accents, and an assignee, within the budget', async () => {
    // Act
    const text = await walk({ q: 'EDITION des livrets', limit: '50' });
    const assigned = await store.listTickets({
      filter: { assignee: 'agent@ac-dijon.fr', statuses: ['clos'] },
      sort: 'updated',
      order: 'desc',
      limit: 10,
      now: new Date('2026-06-01T00:00:00.000Z'),
    });

    // Assess
    expect(text.numbers).toEqual(expected((i) => i % 100 === 42).reverse());
    expect(assigned.items).toHaveLength(10);
    expect(
      assigned.items.every((ticket) => ticket.assignee === 'agent@ac-dijon.fr' && ticket.status === 'clos'),
    ).toBe(true);
  });

  it('goes straight to a ticket when the free text is its number', async () => {
    // Act
    const before = queries.count;
    const page = await listTickets(query({ q: 'lsun-2025-00042' }), deps);

    // Assess
    expect(page.items.map((ticket) => ticket.number)).toEqual(['LSUN-2025-00042']);
    expect(page.nextCursor).toBeNull();
    expect(queries.count - before).toBe(0);
  });
});
