/**
 * The ticket step over fake ports: each command of a batch succeeds or fails on its own, and an
 * opening's acknowledgment is queued only once its ticket exists.
 */
import { describe, expect, it } from 'vitest';
import type { DeskConfig } from '#shared/config.ts';
import { TicketNotFoundError } from '#shared/domain/errors.ts';
import type { OpenedTicket, TicketOpener } from '#shared/domain/intake-ports.ts';
import type { OutboxMessage, TicketCommand } from '#shared/domain/messages.ts';
import { handleTicketCommands, type TicketDeps } from '#shared/steps/ticket.ts';
import { incoming, tilleuls } from '../support/intake-records.ts';

const config: DeskConfig = {
  tableName: 'desk',
  rawMailBucket: 'raw',
  queues: { intake: 'intake', tickets: 'tickets', outbox: 'outbox' },
  deskAddresses: ['assistance1d@ac-dijon.fr'],
  academicDomain: 'ac-dijon.fr',
  subjectKeyword: 'LSUN',
  dailyRequestCap: 10,
  dailyFollowUpCap: 30,
  retentionDays: 365,
  sesConfigurationSet: undefined,
  deskDisplayName: 'Assistance LSUN',
};

const open = (sesMessageId: string): TicketCommand => ({
  type: 'ticket.open',
  deskAddress: 'assistance1d@ac-dijon.fr',
  requester: {
    kind: 'director',
    email: 'camille.martin@ac-dijon.fr',
    name: 'Camille Martin',
    schools: [tilleuls],
  },
  message: incoming(sesMessageId),
});

const followUp = (ticketNumber: string): TicketCommand => ({
  type: 'ticket.follow_up',
  ticketNumber,
  message: incoming(`reply-to-${ticketNumber}`),
});

/** Fake ports: openings answer as `openTickets` says, follow-ups to unknown tickets fail. */
function deps(openTickets: TicketOpener['openTickets']) {
  const queued: OutboxMessage[] = [];
  const ports: TicketDeps = {
    config,
    opening: { openTickets },
    followUps: {
      addFollowUp: async ({ ticketNumber }) => {
        if (ticketNumber === 'LSUN-2026-99999') throw new TicketNotFoundError(ticketNumber);
        return { added: true, reopened: false };
      },
    },
    tickets: { clearExpiry: async () => 0 },
    outbox: { send: async (message) => void queued.push(message) },
    now: () => new Date('2026-03-05T08:00:05.000Z'),
  };
  return { ports, queued };
}

const opened = (ticketNumber: string): PromiseSettledResult<OpenedTicket> => ({
  status: 'fulfilled',
  value: { kind: 'opened', ticketNumber },
});

describe('a batch of ticket commands', () => {
  it('fails only the follow-up to a missing ticket, while the openings are still being written', async () => {
    // Prepare: the openings take a while; the failing follow-up settles first.
    const { ports, queued } = deps(async (openings) => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      return openings.map((_, index) => opened(`LSUN-2026-0000${index + 1}`));
    });
    // Act
    const results = await handleTicketCommands(
      [open('ses-a'), followUp('LSUN-2026-99999'), followUp('LSUN-2026-00007'), open('ses-b')],
      ports,
    );
    // Assess
    expect(
      results.map((result) => (result.status === 'fulfilled' ? result.value : result.reason.name)),
    ).toEqual(['LSUN-2026-00001', 'TicketNotFoundError', 'LSUN-2026-00007', 'LSUN-2026-00002']);
    expect(queued.map((mail) => [mail.purpose, mail.ticketNumber, mail.outboxId])).toEqual([
      ['acknowledgment', 'LSUN-2026-00001', 'ses-a.ack'],
      ['acknowledgment', 'LSUN-2026-00002', 'ses-b.ack'],
    ]);
  });

  it('queues no acknowledgment for an opening that failed, and fails its record alone', async () => {
    const refused = new Error('no intake entry');
    const { ports, queued } = deps(async () => [
      opened('LSUN-2026-00001'),
      { status: 'rejected', reason: refused },
    ]);
    const results = await handleTicketCommands([open('ses-a'), open('ses-b')], ports);
    expect(results).toEqual([
      { status: 'fulfilled', value: 'LSUN-2026-00001' },
      { status: 'rejected', reason: refused },
    ]);
    expect(queued).toHaveLength(1);
  });

  it('fails every opening of the batch when the opener fails as a whole, not the follow-ups', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    const { ports, queued } = deps(async () => {
      throw throttled;
    });
    const results = await handleTicketCommands(
      [open('ses-a'), followUp('LSUN-2026-00007'), open('ses-b')],
      ports,
    );
    expect(results).toEqual([
      { status: 'rejected', reason: throttled },
      { status: 'fulfilled', value: 'LSUN-2026-00007' },
      { status: 'rejected', reason: throttled },
    ]);
    expect(queued).toEqual([]);
  });
});
