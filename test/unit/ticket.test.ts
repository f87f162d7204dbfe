/**
 * The ticket rules the intake applies, as plain functions: what a new ticket is, how a received
 * mail enters its conversation, what a follow-up does to its ticket.
 */
import { describe, expect, it } from 'vitest';
import type { IncomingMessage } from '#shared/domain/messages.ts';
import { followUpEffect, newTicket, receivedMessage } from '#shared/domain/ticket.ts';
import { tilleuls } from '#test/support/intake-records.ts';

const bourg = {
  ...tilleuls,
  uai: '0580001L',
  name: 'École primaire du Bourg',
  mailbox: 'ce.0580001l@ac-dijon.fr',
};

const message: IncomingMessage = {
  sesMessageId: 'ses-1',
  receivedAt: '2026-03-05T08:00:00.000Z',
  from: 'camille.martin@ac-dijon.fr',
  fromName: 'Camille Martin',
  subject: 'LSUN : bulletins',
  messageId: 'm1@ac-dijon.fr',
  text: 'Bonjour',
  attachments: [],
  rawMail: { bucket: 'raw', key: 'incoming/ses-1' },
};

describe('a new ticket', () => {
  it('is new, names its opening mail, and counts the mail and its acknowledgment', () => {
    // Prepare
    const requester = { email: 'camille.martin@ac-dijon.fr', name: 'Camille Martin', entryId: 'e1' };
    // Act
    const ticket = newTicket({
      number: 'LSUN-2026-00001',
      message,
      requester,
      schools: [tilleuls],
      now: '2026-03-05T08:00:05.000Z',
    });
    // Assess
    expect(ticket).toEqual({
      number: 'LSUN-2026-00001',
      status: 'nouveau',
      subject: 'LSUN : bulletins',
      requester,
      schools: [tilleuls],
      participants: ['camille.martin@ac-dijon.fr', 'ce.0211234c@ac-dijon.fr'],
      openedBy: 'ses-1',
      createdAt: '2026-03-05T08:00:05.000Z',
      updatedAt: '2026-03-05T08:00:05.000Z',
      messageCount: 2,
    });
  });

  it('lets the requester and every school mailbox follow up, each address once', () => {
    const ticket = newTicket({
      number: 'LSUN-2026-00002',
      message,
      requester: { email: 'ce.0211234c@ac-dijon.fr', name: 'École' },
      schools: [tilleuls, bourg],
      now: '2026-03-05T08:00:05.000Z',
    });
    expect(ticket.participants).toEqual(['ce.0211234c@ac-dijon.fr', 'ce.0580001l@ac-dijon.fr']);
  });
});

describe('a received mail in the conversation', () => {
  it('is an incoming message under its SES id, with its text, raw mail and ids', () => {
    expect(receivedMessage('LSUN-2026-00001', message)).toEqual({
      id: 'ses-1',
      ticketNumber: 'LSUN-2026-00001',
      direction: 'in',
      at: '2026-03-05T08:00:00.000Z',
      from: 'camille.martin@ac-dijon.fr',
      fromName: 'Camille Martin',
      subject: 'LSUN : bulletins',
      text: 'Bonjour',
      attachments: [],
      rawMail: { bucket: 'raw', key: 'incoming/ses-1' },
      sesMessageId: 'ses-1',
      messageId: 'm1@ac-dijon.fr',
    });
  });
});

describe('a follow-up', () => {
  it('leaves a new ticket new: nobody has looked at it yet', () => {
    expect(followUpEffect({ status: 'nouveau' })).toEqual({ status: 'nouveau', reopens: false });
  });

  it.each(['en_cours', 'en_attente', 'resolu'] as const)('puts a ticket %s back "en cours"', (status) => {
    expect(followUpEffect({ status })).toEqual({ status: 'en_cours', reopens: false });
  });

  it('reopens a closed ticket and takes its purge date away', () => {
    expect(followUpEffect({ status: 'clos', expiresAt: 1_800_000_000 })).toEqual({
      status: 'en_cours',
      reopens: true,
    });
  });
});
