import { describe, expect, it } from 'vitest';
import {
  AUTO_CLOSE_ACTOR,
  autoClose,
  autoCloseDeadline,
  autoCloseScanBefore,
  isDueForAutoClose,
} from '#shared/domain/auto-close.ts';
import type { Ticket, TicketMessage } from '#shared/domain/records.ts';
import { autoCloseNoticeMail } from '#shared/domain/replies.ts';
import { purgeDate } from '#shared/domain/retention.ts';
import { threadIdOf } from '#shared/domain/thread.ts';
import type { TicketChange } from '#shared/domain/ticket-actions.ts';
import { type AutoCloseDeps, closeWaitingTickets } from '#shared/steps/auto-close.ts';

/** Monday 7 December 2026, 10:00 in Paris. */
const MONDAY_10H = '2026-12-07T09:00:00.000Z';

function ticket(extra: Partial<Ticket> = {}): Ticket {
  return {
    number: 'LSUN-2026-00042',
    status: 'en_attente',
    subject: 'LSUN : bulletins',
    requester: { email: 'camille.martin@ac-dijon.fr', name: 'Camille Martin' },
    schools: [],
    participants: ['camille.martin@ac-dijon.fr'],
    openedBy: 'ses-1',
    createdAt: '2026-12-01T08:00:00.000Z',
    updatedAt: MONDAY_10H,
    messageCount: 3,
    ...extra,
  };
}

function incoming(
  id: string,
  at: string,
  messageId: string,
  from = 'camille.martin@ac-dijon.fr',
): TicketMessage {
  return {
    id,
    ticketNumber: 'LSUN-2026-00042',
    direction: 'in',
    at,
    from,
    subject: 'Re: [LSUN-2026-00042] LSUN : bulletins',
    text: 'Bonjour',
    attachments: [],
    messageId,
  };
}

describe('autoCloseDeadline', () => {
  it('is N working days later at the same Paris wall time, week-ends and holidays skipped', () => {
    expect(autoCloseDeadline(MONDAY_10H, 10).toISOString()).toBe('2026-12-21T09:00:00.000Z');
    // From Friday 18 December: Christmas and New Year's Day (Fridays) add a day each: Tuesday 5 January.
    expect(autoCloseDeadline('2026-12-18T09:00:00.000Z', 10).toISOString()).toBe('2027-01-05T09:00:00.000Z');
    // Across the change to summer time (29 March 2026), 10:00 stays 10:00 in Paris.
    expect(autoCloseDeadline('2026-03-23T09:00:00.000Z', 5).toISOString()).toBe('2026-03-30T08:00:00.000Z');
  });
});

describe('isDueForAutoClose', () => {
  it('is due after exactly N working days of waiting, not a minute before', () => {
    expect(isDueForAutoClose(ticket(), new Date('2026-12-21T08:59:00.000Z'), 10)).toBe(false);
    expect(isDueForAutoClose(ticket(), new Date('2026-12-21T09:00:00.000Z'), 10)).toBe(true);
  });

  it('never closes a ticket that is not waiting for its director', () => {
    const late = new Date('2027-03-01T00:00:00.000Z');
    for (const status of ['nouveau', 'en_cours', 'resolu', 'clos'] as const) {
      expect(isDueForAutoClose(ticket({ status }), late, 10)).toBe(false);
    }
  });

  it('scans from a bound no due ticket can be after (N working days ≥ N calendar days)', () => {
    const now = new Date('2026-12-21T09:00:00.000Z');
    expect(autoCloseScanBefore(now, 10) >= MONDAY_10H).toBe(true);
    expect(autoCloseScanBefore(now, 10)).toBe('2026-12-11T09:00:00.000Z');
  });
});

describe('autoClose', () => {
  it('closes as staff do (purge date) with the history line « clôturé automatiquement » and records the notice', () => {
    // Prepare
    const at = '2026-12-21T09:05:00.000Z';
    const messages = [
      incoming('m1', '2026-12-01T08:00:00.000Z', 'first@ac-dijon.fr'),
      incoming('m2', '2026-12-03T08:00:00.000Z', 'second@ac-dijon.fr', 'ce.0211234c@ac-dijon.fr'),
    ];

    // Act
    const { change, outbox, message } = autoClose({
      ticket: ticket(),
      messages,
      at,
      from: 'assistance1d@ac-dijon.fr',
      deskDisplayName: 'Assistance LSUN',
      workingDays: 10,
      retentionDays: 365,
      historyId: 'h1',
    });

    // Assess
    const expiresAt = purgeDate(at, 365);
    expect(change).toMatchObject<Partial<TicketChange>>({
      expectedStatus: 'en_attente',
      set: { status: 'clos', updatedAt: at, closedAt: at, expiresAt },
      countMessage: true,
      expiresAt,
    });
    expect(change.history).toEqual({
      id: 'h1',
      ticketNumber: 'LSUN-2026-00042',
      at,
      actor: AUTO_CLOSE_ACTOR,
      action: 'auto_close',
      from: 'en_attente',
      to: 'clos',
      itemId: message.id,
    });
    expect(outbox).toMatchObject({
      purpose: 'auto_close_notice',
      autoSubmitted: true,
      to: 'ce.0211234c@ac-dijon.fr',
      subject: 'Re: [LSUN-2026-00042] LSUN : bulletins',
      inReplyTo: 'second@ac-dijon.fr',
      record: { on: 'ticket', ticketNumber: 'LSUN-2026-00042', at },
    });
    expect(outbox.references).toEqual([
      'first@ac-dijon.fr',
      'second@ac-dijon.fr',
      threadIdOf('LSUN-2026-00042'),
    ]);
    expect(change.message).toEqual(message);
    expect(message).toMatchObject({ direction: 'out', status: 'queued', outboxId: outbox.outboxId });
  });

  it('gives the notice the same id for the same waiting period, so a repeated tick queues one mail', () => {
    const input = {
      ticket: ticket(),
      messages: [],
      from: 'assistance1d@ac-dijon.fr',
      deskDisplayName: 'Assistance LSUN',
      workingDays: 10,
      retentionDays: 365,
      historyId: 'h1',
    };
    const first = autoClose({ ...input, at: '2026-12-21T09:00:00.000Z' });
    const second = autoClose({ ...input, at: '2026-12-21T10:00:00.000Z', historyId: 'h2' });
    const later = autoClose({
      ...input,
      ticket: ticket({ updatedAt: '2027-01-04T09:00:00.000Z' }),
      at: '2027-01-18T09:00:00.000Z',
    });
    expect(second.outbox.outboxId).toBe(first.outbox.outboxId);
    expect(later.outbox.outboxId).not.toBe(first.outbox.outboxId);
    // Without a mail from the director, the notice goes to the requester under the ticket's subject.
    expect(first.outbox).toMatchObject({
      to: 'camille.martin@ac-dijon.fr',
      subject: 'Re: [LSUN-2026-00042] LSUN : bulletins',
    });
  });
});

describe('autoCloseNoticeMail', () => {
  it('says in French why the request was closed and that a reply reopens it', () => {
    const mail = autoCloseNoticeMail({
      ticketNumber: 'LSUN-2026-00042',
      subject: '[LSUN-2026-00042] LSUN : bulletins',
      workingDays: 10,
      deskDisplayName: 'Assistance LSUN',
    });
    expect(mail.subject).toBe('Re: [LSUN-2026-00042] LSUN : bulletins');
    expect(mail.text).toContain('depuis 10 jours ouvrés, votre demande LSUN-2026-00042 a été clôturée');
    expect(mail.text).toContain('votre demande sera rouverte');
    expect(mail.text).toContain('Ce message a été envoyé automatiquement.');
  });
});

describe('closeWaitingTickets', () => {
  function deps(stored: Ticket[], now: string) {
    const commits: TicketChange[] = [];
    const sent: string[] = [];
    const expiries: string[] = [];
    const byNumber = new Map(stored.map((t) => [t.number, t]));
    const value: AutoCloseDeps = {
      waiting: { listWaitingSince: async () => stored.map((t) => ({ ticket: t, expiresAt: undefined })) },
      ticketStore: {
        getTicket: async () => undefined,
        readTicket: async (number) => {
          const found = byNumber.get(number);
          return found && { ticket: found, expiresAt: undefined, messages: [], notes: [], history: [] };
        },
        findMessage: async () => undefined,
        readRequest: async () => undefined,
        commit: async (change) => {
          commits.push(change);
          const found = byNumber.get(change.number);
          if (found) byNumber.set(change.number, { ...found, status: 'clos' });
        },
      },
      ticketRetention: {
        setExpiry: async (number) => {
          expiries.push(number);
          return 1;
        },
        clearExpiry: async () => 0,
      },
      outbox: {
        send: async (mail) => {
          sent.push(mail.outboxId);
        },
      },
      deskAddresses: ['assistance1d@ac-dijon.fr'],
      deskDisplayName: 'Assistance LSUN',
      retentionDays: 365,
      workingDays: 10,
      now: () => new Date(now),
      newId: () => 'h',
    };
    return { value, commits, sent, expiries };
  }

  it('closes only the due tickets, sets their purge date and queues one notice each; a second tick does nothing', async () => {
    // Prepare
    const due = ticket({ number: 'LSUN-2026-00001' });
    const notYet = ticket({ number: 'LSUN-2026-00002', updatedAt: '2026-12-08T09:00:00.000Z' });
    const { value, commits, sent, expiries } = deps([due, notYet], '2026-12-21T09:30:00.000Z');

    // Act
    const first = await closeWaitingTickets(value);
    const second = await closeWaitingTickets(value);

    // Assess
    expect(first).toEqual(['LSUN-2026-00001']);
    expect(second).toEqual([]);
    expect(commits.map((change) => change.number)).toEqual(['LSUN-2026-00001']);
    expect(expiries).toEqual(['LSUN-2026-00001']);
    expect(sent).toHaveLength(1);
  });
});
