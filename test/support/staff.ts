/**
 * What the staff stores' integration tests share: tickets as the ticket step writes them, and
 * the staff steps' dependencies wired to the real adapters over a test table, with an outbox
 * that only records what it was given.
 */
import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { makeDashboardStore } from '#shared/adapters/dashboard-store.ts';
import { makeIntakeLogQueries } from '#shared/adapters/intake-log-queries.ts';
import { keys } from '#shared/adapters/keys.ts';
import { makeTicketListStore } from '#shared/adapters/ticket-list-store.ts';
import { makeTicketRetention } from '#shared/adapters/ticket-retention.ts';
import { makeTicketStore } from '#shared/adapters/ticket-store.ts';
import type { School } from '#shared/domain/directory.ts';
import type { OutboxMessage } from '#shared/domain/messages.ts';
import type { Ticket } from '#shared/domain/records.ts';
import type { TicketListReads } from '#shared/domain/staff-ports.ts';
import type { ListPosition, TicketListRequest } from '#shared/domain/ticket-list.ts';
import type { StaffDeps } from '#shared/steps/staff/deps.ts';

export const DESK = ['assistance1d@ac-dijon.fr', 'assistance.1erdegre@ac-dijon.fr'];
export const RETENTION_DAYS = 365;

export function school(uai: string, departement: string, circonscription = 'Dijon Centre'): School {
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
export function ticketItem(ticket: Ticket) {
  return {
    ...keys.ticket(ticket.number),
    ...keys.ticketsByTime(ticket.createdAt, ticket.number),
    ...keys.ticketsByStatus(ticket.status, ticket.updatedAt, ticket.number),
    ...ticket,
  };
}

/** The staff steps' dependencies over a table, and the mails they queued. */
export function staffDeps(
  table: { client: DynamoDBDocumentClient; tableName: string },
  now: () => Date = () => new Date('2026-03-05T09:00:00.000Z'),
) {
  const sent: OutboxMessage[] = [];
  const deps: StaffDeps = {
    ticketStore: makeTicketStore(table),
    ticketRetention: makeTicketRetention(table),
    ticketList: makeTicketListStore(table),
    intakeLog: makeIntakeLogQueries(table),
    dashboardStore: makeDashboardStore(table),
    outbox: {
      send: async (message) => {
        sent.push(message);
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

/**
 * Every page of a list from one reader, as the console pages it: each page's tickets, where the
 * next one starts, and what it read (items and queries), to compare two readers page by page.
 */
export async function listPages(
  from: TicketListReads,
  request: Omit<TicketListRequest, 'now' | 'after'>,
  now: Date,
) {
  const pages: Array<{ numbers: string[]; next: ListPosition | undefined; items: number; queries: number }> =
    [];
  let after: ListPosition | undefined;
  do {
    const page = await from.listTickets({ ...request, after, now });
    pages.push({
      numbers: page.items.map((ticket) => ticket.number),
      next: page.next,
      items: page.reads.items,
      queries: page.reads.queries,
    });
    after = page.next;
    if (pages.length > 300) throw new Error('too many pages');
  } while (after);
  return pages;
}
