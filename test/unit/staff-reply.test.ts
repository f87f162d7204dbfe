import { describe, expect, it } from 'vitest';
import type { Ticket, TicketMessage } from '#shared/domain/records.ts';
import {
  lastIncoming,
  MAX_REFERENCES,
  replySender,
  staffReply,
  staffReplyMail,
} from '#shared/domain/staff-reply.ts';
import { threadIdOf } from '#shared/domain/thread.ts';

const DESK = ['assistance1d@ac-dijon.fr', 'assistance.1erdegre@ac-dijon.fr'];
const DESK_NAME = 'Assistance LSUN – Académie de Dijon';
const NUMBER = 'LSUN-2026-00042';

const TICKET: Ticket = {
  number: NUMBER,
  status: 'en_cours',
  subject: 'LSUN : bulletins introuvables',
  requester: { email: 'camille.martin@ac-dijon.fr', name: 'Camille Martin' },
  schools: [],
  participants: ['camille.martin@ac-dijon.fr'],
  openedBy: 'ses-1',
  createdAt: '2026-03-02T08:00:00.000Z',
  updatedAt: '2026-03-02T08:00:00.000Z',
  messageCount: 2,
};

function incoming(n: number, extra: Partial<TicketMessage> = {}): TicketMessage {
  return {
    id: `ses-${n}`,
    ticketNumber: NUMBER,
    direction: 'in',
    at: `2026-03-0${Math.min(n, 9)}T08:00:00.000Z`,
    from: 'camille.martin@ac-dijon.fr',
    subject: 'LSUN : bulletins introuvables',
    text: 'Bonjour',
    attachments: [],
    sesMessageId: `ses-${n}`,
    messageId: `m${n}@ac-dijon.fr`,
    ...extra,
  };
}

const acknowledgment: TicketMessage = {
  id: 'ses-1.ack',
  ticketNumber: NUMBER,
  direction: 'out',
  at: '2026-03-02T08:00:00.000Z',
  from: 'Assistance.1erDegre@ac-dijon.fr',
  to: 'camille.martin@ac-dijon.fr',
  subject: `[${NUMBER}] LSUN : bulletins introuvables`,
  text: 'Accusé',
  attachments: [],
  purpose: 'acknowledgment',
};

describe('staffReplyMail', () => {
  it("signs the agent's text with their name and the desk's, and keeps the ticket's tag in the subject", () => {
    // Act
    const mail = staffReplyMail({
      ticketNumber: NUMBER,
      subject: 'Re: LSUN : bulletins introuvables',
      text: '  Bonjour,\r\nVoici la marche à suivre.\r\n',
      agentName: 'Alex Agent',
      deskDisplayName: DESK_NAME,
    });

    // Assess
    expect(mail.subject).toBe(`Re: [${NUMBER}] LSUN : bulletins introuvables`);
    expect(mail.text).toBe(
      [
        'Bonjour,\nVoici la marche à suivre.',
        'Cordialement,',
        `Alex Agent\n${DESK_NAME}`,
        `Référence de votre demande : ${NUMBER}. Pour nous répondre, répondez simplement à ce message en conservant « [${NUMBER}] » dans l’objet.`,
      ]
        .join('\n\n')
        .concat('\n'),
    );
  });

  it('signs with the desk alone when the agent has no name', () => {
    // Act
    const mail = staffReplyMail({
      ticketNumber: NUMBER,
      subject: 'LSUN',
      text: 'Réglé.',
      agentName: ' ',
      deskDisplayName: DESK_NAME,
    });

    // Assess
    expect(mail.text).toContain(`Cordialement,\n\n${DESK_NAME}\n\n`);
  });
});

describe('lastIncoming', () => {
  it("is the director's last mail, whatever the desk sent after it", () => {
    expect(lastIncoming([incoming(1), acknowledgment, incoming(2), { ...acknowledgment, id: 'x' }])?.id).toBe(
      'ses-2',
    );
    expect(lastIncoming([acknowledgment])).toBeUndefined();
  });
});

describe('replySender', () => {
  it('answers from the desk address the director last wrote to', () => {
    expect(
      replySender({ deskAddresses: DESK, writtenTo: 'ASSISTANCE1D@ac-dijon.fr', messages: [acknowledgment] }),
    ).toBe('assistance1d@ac-dijon.fr');
  });

  it("falls back to the acknowledgment's address, then to the first desk address", () => {
    expect(
      replySender({ deskAddresses: DESK, writtenTo: 'other@ac-dijon.fr', messages: [acknowledgment] }),
    ).toBe('assistance.1erdegre@ac-dijon.fr');
    expect(replySender({ deskAddresses: DESK, writtenTo: undefined, messages: [] })).toBe(
      'assistance1d@ac-dijon.fr',
    );
  });
});

describe('staffReply', () => {
  /** A reply by Alex Agent from the second desk address, to a ticket with these mails. */
  const reply = (messages: TicketMessage[]) =>
    staffReply({
      ticket: TICKET,
      messages,
      id: `${NUMBER}.reply.r1`,
      at: '2026-03-05T09:00:00.000Z',
      text: 'Voici.',
      from: DESK[1] as string,
      author: { email: 'agent@ac-dijon.fr', name: 'Alex Agent' },
      deskDisplayName: DESK_NAME,
    });

  it("goes to the director's last mail, in reply to it, threaded under the ticket, queued as the agent's", () => {
    // Act
    const { outbox, message } = reply([
      incoming(1),
      acknowledgment,
      incoming(2, { from: 'ce.0211234c@ac-dijon.fr', subject: 'Re: suite' }),
    ]);

    // Assess
    expect(outbox).toMatchObject({
      type: 'mail.send',
      outboxId: `${NUMBER}.reply.r1`,
      record: { on: 'ticket', ticketNumber: NUMBER, at: '2026-03-05T09:00:00.000Z' },
      purpose: 'staff_reply',
      from: DESK[1],
      fromName: DESK_NAME,
      to: 'ce.0211234c@ac-dijon.fr',
      subject: `Re: [${NUMBER}] suite`,
      inReplyTo: 'm2@ac-dijon.fr',
      references: ['m1@ac-dijon.fr', 'm2@ac-dijon.fr', threadIdOf(NUMBER)],
      autoSubmitted: false,
    });
    expect(message).toMatchObject({
      id: outbox.outboxId,
      direction: 'out',
      status: 'queued',
      author: 'agent@ac-dijon.fr',
      authorName: 'Alex Agent',
    });
  });

  it("writes to the requester under the ticket's subject when the director sent nothing", () => {
    // Act
    const { outbox } = reply([acknowledgment]);

    // Assess
    expect(outbox).toMatchObject({
      to: 'camille.martin@ac-dijon.fr',
      subject: `Re: [${NUMBER}] LSUN : bulletins introuvables`,
      inReplyTo: undefined,
      references: [threadIdOf(NUMBER)],
    });
  });

  it("references the director's last ten mails, then the ticket's thread", () => {
    // Act
    const { outbox } = reply(Array.from({ length: 12 }, (_, i) => incoming(i + 1)));

    // Assess
    expect(outbox.references).toHaveLength(MAX_REFERENCES + 1);
    expect(outbox.references[0]).toBe('m3@ac-dijon.fr');
    expect(outbox.references.at(-1)).toBe(threadIdOf(NUMBER));
  });
});
