/**
 * What the staff steps work with: the domain's ports for tickets, the list, the intake log, the
 * dashboard, raw mails, the outbox and the directory, the desk's settings, a clock and ids; and
 * who acts. The steps throw the domain's errors (`shared/domain/errors.ts`), never HTTP ones.
 */

import type { DirectoryLookup } from '#shared/domain/directory.ts';
import { TicketChangedError, TicketNotFoundError } from '#shared/domain/errors.ts';
import type { QueueProducer, RawMailReader } from '#shared/domain/intake-ports.ts';
import type { OutboxMessage } from '#shared/domain/messages.ts';
import type { WorkTargets } from '#shared/domain/response-clock.ts';
import {
  type DashboardFacts,
  type IntakeLogReads,
  StaleTicketError,
  type TicketListReads,
  type TicketReads,
  type TicketRetention,
  type TicketWrites,
} from '#shared/domain/staff-ports.ts';
import type { StoredTicket } from '#shared/domain/ticket-actions.ts';
import { TicketAlreadyMergedError } from '#shared/domain/ticket-merge.ts';
import { withRetries } from '#shared/retry.ts';
import type { NotifierDeps } from '../notifications.ts';

/** What every staff step is given: one port per need (see `shared/domain/staff-ports.ts`). */
export type StaffDeps = {
  /** A ticket and its partition: reads, and one transaction per action. */
  ticketStore: TicketReads & TicketWrites;
  /** The purge date of a closed ticket's items. */
  ticketRetention: TicketRetention;
  ticketList: TicketListReads;
  intakeLog: IntakeLogReads;
  dashboardStore: DashboardFacts;
  outbox: Pick<QueueProducer<OutboxMessage>, 'send'>;
  rawMail: RawMailReader;
  directory: DirectoryLookup;
  /** The desk's addresses: a reply comes from the one the director wrote to. */
  deskAddresses: string[];
  deskDisplayName: string;
  /** Days a closed ticket is kept before it is purged. */
  retentionDays: number;
  /** The response clocks' targets in working hours (`config.work`; 8 and 40 when absent). */
  work?: WorkTargets;
  now: () => Date;
  /** A fresh unique id (history lines, notes, replies without a request id). */
  newId: () => string;
  /** Tells an agent a ticket was assigned to them; absent, nobody is told (no public address). */
  notifier?: NotifierDeps | undefined;
};

/** What an assignment or a status change needs (a bulk action has no more). */
export type TicketActionDeps = Pick<
  StaffDeps,
  'ticketStore' | 'ticketRetention' | 'retentionDays' | 'now' | 'newId' | 'notifier'
>;

/** The agent acting: the email recorded on their actions, the name they sign with. */
export type Actor = { email: string; name: string };

/**
 * A person's name from an academic address when the token carries none:
 * `camille.martin-roy@ac-dijon.fr` → `Camille Martin-Roy` (académie addresses are first.last).
 */
export function nameFromEmail(email: string): string {
  const local = email.split('@')[0] ?? '';
  return local
    .replace(/\d+$/, '')
    .split(/[._]+/)
    .filter(Boolean)
    .map((part) =>
      part
        .split('-')
        .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
        .join('-'),
    )
    .join(' ');
}

/** Attempts at an action when another one changes the ticket between our read and our write. */
const ATTEMPTS = 3;

/**
 * Runs an action against the ticket as just read, and again on a fresh read if the ticket
 * changed in between (optimistic concurrency: the store refuses a write decided on a stale read).
 * @throws TicketNotFoundError
 * @throws TicketChangedError when it still changed after the last attempt
 */
export async function onFreshTicket<S, T>(
  number: string,
  read: () => Promise<S | undefined>,
  action: (current: S) => Promise<T>,
): Promise<T> {
  try {
    return await withRetries(
      async () => {
        const current = await read();
        if (current === undefined) throw new TicketNotFoundError(number);
        return action(current);
      },
      { attempts: ATTEMPTS, shouldRetry: (error) => error instanceof StaleTicketError, delayMs: () => 0 },
    );
  } catch (error) {
    if (error instanceof StaleTicketError) throw new TicketChangedError(number, { cause: error });
    throw error;
  }
}

/** `onFreshTicket` over the ticket alone (one consistent read), for actions that need no more of it. */
export function onStoredTicket<T>(
  number: string,
  deps: Pick<StaffDeps, 'ticketStore' | 'now'>,
  action: (current: StoredTicket) => Promise<T>,
): Promise<T> {
  return onFreshTicket(
    number,
    () => deps.ticketStore.getTicket(number, deps.now()),
    async (current) => {
      // A merged ticket's mails and notes live on in the ticket it was merged into: acting on the
      // duplicate (reopening, assigning, a note) would be lost there.
      const { mergedInto } = current.ticket;
      if (mergedInto) throw new TicketAlreadyMergedError(number, mergedInto);
      return action(current);
    },
  );
}

/** The ticket as now stored. @throws TicketNotFoundError */
export async function currentTicket(number: string, deps: Pick<StaffDeps, 'ticketStore' | 'now'>) {
  const stored = await deps.ticketStore.getTicket(number, deps.now());
  if (!stored) throw new TicketNotFoundError(number);
  return stored.ticket;
}
