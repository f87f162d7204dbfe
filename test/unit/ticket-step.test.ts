/**
 * The ticket step over fake ports: each command of a batch succeeds or fails on its own, and an
 * opening's acknowledgment is queued only once its ticket exists.
 */
import { describe, expect, it } from 'vitest';
import type { DeskConfig } from '#shared/config.ts';
import { TicketNotFoundError } from '#shared/domain/errors.ts';
import type { OpenedTicket, TicketOpener, TicketOpening } from '#shared/domain/intake-ports.ts';
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
  /** Each request to the outbox queue, as the mails it carried. */
  const requests: OutboxMessage[][] = [];
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
    outbox: {
      sendAll: async (messages) => {
        requests.push(messages);
        queued.push(...messages);
      },
    },
    now: () => new Date('2026-03-05T08:00:05.000Z'),
  };
  return { ports, queued, requests };
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

  it('queues the acknowledgments of a batch in one request, and retries every opened ticket when the queue refuses it', async () => {
    // Prepare: three openings; then the same batch with a queue that refuses the request.
    const openAll = async (openings: TicketOpening[]) =>
      openings.map((_, index) => opened(`LSUN-2026-0000${index + 1}`));
    const { ports, requests } = deps(openAll);
    const refused = Object.assign(new Error('SQS refused the request'), { name: 'InternalError' });
    const refusing = deps(openAll).ports;
    refusing.outbox = {
      sendAll: async () => {
        throw refused;
      },
    };
    const batch = [open('ses-a'), followUp('LSUN-2026-00007'), open('ses-b'), open('ses-c')];
    // Act
    await handleTicketCommands(batch, ports);
    const results = await handleTicketCommands(batch, refusing);
    // Assess: one request for three acknowledgments; refused, each opening is retried (its
    // acknowledgment is queued again then, and the mailer's claim sends it once), not the follow-up.
    expect(requests.map((mails) => mails.map((mail) => mail.outboxId))).toEqual([
      ['ses-a.ack', 'ses-b.ack', 'ses-c.ack'],
    ]);
    expect(results).toEqual([
      { status: 'rejected', reason: refused },
      { status: 'fulfilled', value: 'LSUN-2026-00007' },
      { status: 'rejected', reason: refused },
      { status: 'rejected', reason: refused },
    ]);
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

describe('the articles suggested in an acknowledgment', () => {
  const article = (id: string, title: string) => ({
    id,
    title,
    url: `https://assistance.example/kb/articles/${id}.html`,
    score: 1,
  });

  it('lists the public articles the knowledge base suggests, with their links, in the queued and the recorded acknowledgment', async () => {
    // Prepare: the opener keeps the acknowledgment it is asked to record.
    const recorded: OutboxMessage[] = [];
    const { ports, queued } = deps(async (openings) =>
      openings.map((opening, index) => {
        recorded.push(opening.acknowledgment(`LSUN-2026-0000${index + 1}`));
        return opened(`LSUN-2026-0000${index + 1}`);
      }),
    );
    const questions: string[] = [];
    ports.suggester = {
      suggest: async (question, limit) => {
        questions.push(question);
        return [article('3', 'Éditer les livrets en PDF'), article('7', 'Bulletins périodiques vides')].slice(
          0,
          limit,
        );
      },
    };
    // Act
    await handleTicketCommands([open('ses-a')], ports);
    // Assess
    expect(questions).toHaveLength(1);
    expect(questions[0]).toContain(incoming('ses-a').subject);
    for (const ack of [queued[0], recorded[0]]) {
      expect(ack?.text).toContain('ces articles de la base de connaissances');
      expect(ack?.text).toContain(
        '- Éditer les livrets en PDF\n  https://assistance.example/kb/articles/3.html',
      );
      expect(ack?.text).toContain('https://assistance.example/kb/articles/7.html');
    }
  });

  it('says nothing of the knowledge base when no article matches', async () => {
    const { ports, queued } = deps(async (openings) => openings.map(() => opened('LSUN-2026-00001')));
    ports.suggester = { suggest: async () => [] };
    await handleTicketCommands([open('ses-a')], ports);
    expect(queued[0]?.text).not.toContain('base de connaissances');
  });

  it('still acknowledges, without suggestions, when the knowledge base cannot answer', async () => {
    const { ports, queued } = deps(async (openings) => openings.map(() => opened('LSUN-2026-00001')));
    ports.suggester = {
      suggest: async () => {
        throw new Error('index unreadable');
      },
    };
    const results = await handleTicketCommands([open('ses-a')], ports);
    expect(results).toEqual([{ status: 'fulfilled', value: 'LSUN-2026-00001' }]);
    expect(queued[0]?.text).toContain('LSUN-2026-00001');
    expect(queued[0]?.text).not.toContain('base de connaissances');
  });
});
