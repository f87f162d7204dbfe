/**
 * Notifications to staff against DynamoDB Local, through the real steps and stores: an
 * assignment and a director's follow-up each put one notification in the outbox, to the agent's
 * staff address (never the requester's), recorded apart from the conversation so the mailer's
 * claim sends it once; none when the agent turned that kind off.
 */
import { randomUUID } from 'node:crypto';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClient } from '#shared/adapters/aws-clients.ts';
import { makeFollowUpStore } from '#shared/adapters/follow-up-store.ts';
import { keys } from '#shared/adapters/keys.ts';
import { makeNotificationStore } from '#shared/adapters/notification-prefs-store.ts';
import { makeOutboxStore } from '#shared/adapters/outbox-store.ts';
import { makeTicketRetention } from '#shared/adapters/ticket-retention.ts';
import { makeTicketStore } from '#shared/adapters/ticket-store.ts';
import type { DeskConfig } from '#shared/config.ts';
import type { OutboxMessage } from '#shared/domain/messages.ts';
import { isDirectorSide } from '#shared/domain/notifications.ts';
import type { Ticket } from '#shared/domain/records.ts';
import { type FollowUpNotifierDeps, saveNotificationPrefs } from '#shared/steps/notifications.ts';
import { assignTicket } from '#shared/steps/staff/actions.ts';
import { ticketDetail } from '#shared/steps/staff/reads.ts';
import { handleTicketCommands } from '#shared/steps/ticket.ts';
import { makeTestResources, type TestResources } from '../support/aws.ts';
import { DESK, RETENTION_DAYS, school, staffDeps, ticketItem } from '../support/staff.ts';

const DIRECTOR = 'camille.martin@ac-dijon.fr';
const LEAD = { email: 'lea.lead@ac-dijon.fr', name: 'Léa Lead' };
const NOW = new Date('2026-03-05T09:00:00.000Z');
/** The end of a send claim's lease, for the claims these tests take. */
const LEASE = '2026-03-05T09:01:00.000Z';

let test: TestResources;
let table: { client: DynamoDBDocumentClient; tableName: string };

beforeAll(async () => {
  test = await makeTestResources('notifications');
  table = { client: documentClient(test.clients.dynamodb), tableName: test.resources.tableName };
});

afterAll(() => test?.destroy());

let opened = 0;
/** A ticket as the ticket step opened it, from the director, assigned to `assignee` if given. */
async function openTicket(assignee?: string): Promise<Ticket> {
  opened += 1;
  const number = `LSUN-2026-${String(70_000 + opened).padStart(5, '0')}`;
  const at = '2026-03-02T08:00:00.000Z';
  const ticket: Ticket = {
    number,
    status: 'en_attente',
    subject: 'LSUN : bulletins introuvables',
    requester: { email: DIRECTOR, name: 'Camille Martin' },
    schools: [school('0211234C', '21')],
    participants: [DIRECTOR],
    openedBy: `ses-${number}`,
    createdAt: at,
    updatedAt: at,
    messageCount: 1,
    ...(assignee ? { assignee } : {}),
  };
  await table.client.send(new PutCommand({ TableName: table.tableName, Item: ticketItem(ticket) }));
  return ticket;
}

/** The notifier over the real stores, and what it queued. */
function notifier() {
  const queued: OutboxMessage[] = [];
  const store = makeNotificationStore(table);
  const deps: FollowUpNotifierDeps = {
    prefs: store,
    records: store,
    outbox: { send: async (mail) => void queued.push(mail) },
    tickets: makeTicketStore(table),
    publicBaseUrl: 'http://127.0.0.1:3000',
    from: DESK[0] as string,
    fromName: 'Assistance LSUN',
    retentionDays: RETENTION_DAYS,
    now: () => NOW,
  };
  return { deps, queued, store };
}

/** A fresh staff address, so that each test's preferences are its own. */
const agentAddress = () => `agent.${randomUUID().slice(0, 8)}@ac-dijon.fr`;

/** The director's follow-up to a ticket, through the ticket step. */
async function followUp(number: string, deps: FollowUpNotifierDeps, sesMessageId = `ses-${randomUUID()}`) {
  const config = { deskAddresses: DESK } as DeskConfig;
  const [result] = await handleTicketCommands(
    [
      {
        type: 'ticket.follow_up',
        ticketNumber: number,
        message: {
          sesMessageId,
          receivedAt: NOW.toISOString(),
          from: DIRECTOR,
          fromName: 'Camille Martin',
          subject: `Re: [${number}] LSUN : bulletins introuvables`,
          text: 'Toujours rien, merci de votre aide.',
          attachments: [],
          rawMail: { bucket: 'raw', key: `incoming/${sesMessageId}` },
        },
      },
    ],
    {
      config,
      opening: { openTickets: async () => [] },
      followUps: makeFollowUpStore(table),
      tickets: makeTicketRetention(table),
      outbox: { sendAll: async () => undefined },
      notifier: deps,
      now: () => NOW,
    },
  );
  expect(result?.status).toBe('fulfilled');
  return sesMessageId;
}

function expectStaffOnly(queued: OutboxMessage[], ticket: Ticket) {
  for (const mail of queued) {
    expect(isDirectorSide(ticket, mail.to)).toBe(false);
    expect(mail.to).not.toBe(ticket.requester.email);
    expect(mail.record.on).toBe('notification');
  }
}

describe('notifications in the outbox', () => {
  it('mails the new assignee once when another agent assigns a ticket, recorded for the mailer to claim once', async () => {
    // Prepare
    const agent = agentAddress();
    const ticket = await openTicket();
    const { deps, sent } = staffDeps(table, () => NOW);
    const notify = notifier();
    // Act
    await assignTicket(
      { number: ticket.number, actor: LEAD, assignee: agent },
      { ...deps, notifier: notify.deps },
    );
    // Assess
    expect(notify.queued.map((mail) => [mail.to, mail.purpose])).toEqual([[agent, 'notify_assigned']]);
    expectStaffOnly(notify.queued, ticket);
    expect(sent).toEqual([]);
    const mail = notify.queued[0] as OutboxMessage;
    const claims = makeOutboxStore(table);
    expect(await claims.claimSend(mail, NOW.toISOString(), LEASE)).toMatchObject({ claimed: true });
    expect(await claims.claimSend(mail, NOW.toISOString(), LEASE)).toMatchObject({ claimed: false });
  });

  it('mails nobody when agents assign a ticket to themselves', async () => {
    const agent = agentAddress();
    const ticket = await openTicket();
    const { deps } = staffDeps(table, () => NOW);
    const notify = notifier();
    await assignTicket(
      { number: ticket.number, actor: { email: agent, name: 'Moi' }, assignee: agent },
      { ...deps, notifier: notify.deps },
    );
    expect(notify.queued).toEqual([]);
  });

  it("mails the ticket's agent when the director's follow-up arrives, and the conversation does not show it", async () => {
    // Prepare
    const agent = agentAddress();
    const ticket = await openTicket(agent);
    const notify = notifier();
    // Act
    const sesMessageId = await followUp(ticket.number, notify.deps);
    // Assess
    expect(notify.queued.map((mail) => [mail.to, mail.purpose])).toEqual([[agent, 'notify_follow_up']]);
    expectStaffOnly(notify.queued, ticket);
    const { Item } = await table.client.send(
      new GetCommand({ TableName: table.tableName, Key: keys.notification(`follow_up.${sesMessageId}`) }),
    );
    expect(Item).toMatchObject({ status: 'queued', to: agent, ticketNumber: ticket.number });
    const detail = await ticketDetail(ticket.number, staffDeps(table, () => NOW).deps);
    expect(JSON.stringify(detail)).not.toContain('notify_');
  });

  it('keeps a follow-up delivered twice to one notification record, which the mailer sends once', async () => {
    const agent = agentAddress();
    const ticket = await openTicket(agent);
    const notify = notifier();
    const sesMessageId = await followUp(ticket.number, notify.deps);
    const claims = makeOutboxStore(table);
    expect(await claims.claimSend(notify.queued[0] as OutboxMessage, NOW.toISOString(), LEASE)).toMatchObject(
      {
        claimed: true,
      },
    );
    // Act: the same follow-up again (an SQS redelivery)
    await followUp(ticket.number, notify.deps, sesMessageId);
    // Assess
    expect(notify.queued).toHaveLength(2);
    expect(notify.queued[1]?.outboxId).toBe(notify.queued[0]?.outboxId);
    expect(await claims.claimSend(notify.queued[1] as OutboxMessage, NOW.toISOString(), LEASE)).toMatchObject(
      {
        claimed: false,
        status: 'sending',
      },
    );
  });

  it('mails nobody for a follow-up on an unassigned ticket', async () => {
    const ticket = await openTicket();
    const notify = notifier();
    await followUp(ticket.number, notify.deps);
    expect(notify.queued).toEqual([]);
  });

  it('mails nothing of a kind the agent turned off, and still the other kind', async () => {
    // Prepare
    const agent = agentAddress();
    const notify = notifier();
    await saveNotificationPrefs(
      agent,
      { assigned: true, follow_up: false },
      { prefs: notify.store, now: () => NOW },
    );
    const ticket = await openTicket();
    const { deps } = staffDeps(table, () => NOW);
    // Act
    await assignTicket(
      { number: ticket.number, actor: LEAD, assignee: agent },
      { ...deps, notifier: notify.deps },
    );
    await followUp(ticket.number, notify.deps);
    // Assess
    expect(notify.queued.map((mail) => mail.purpose)).toEqual(['notify_assigned']);
  });

  it('mails nobody when a ticket is assigned to its own director', async () => {
    const ticket = await openTicket();
    const { deps } = staffDeps(table, () => NOW);
    const notify = notifier();
    await assignTicket(
      { number: ticket.number, actor: LEAD, assignee: DIRECTOR },
      { ...deps, notifier: notify.deps },
    );
    await followUp(ticket.number, notify.deps);
    expect(notify.queued).toEqual([]);
  });
});

describe('the preference store', () => {
  it('answers nothing for an agent who never chose, then their choice', async () => {
    const agent = agentAddress();
    const store = makeNotificationStore(table);
    expect(await store.readPrefs(agent)).toBeUndefined();
    await store.writePrefs(agent.toUpperCase(), { assigned: false, follow_up: true }, NOW.toISOString());
    expect(await store.readPrefs(agent)).toEqual({ assigned: false, follow_up: true });
  });
});
