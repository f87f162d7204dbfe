/**
 * The desk's own mails as outbox messages: which outcomes are answered, and each mail's place in
 * the conversation, record and outbox id, the same for every delivery of the mail it answers.
 */
import { describe, expect, it } from 'vitest';
import {
  type AnsweredMail,
  acknowledgment,
  answeredOutcome,
  quotaNotice,
  rejectionReply,
} from '#shared/domain/desk-mails.ts';
import type { Screening } from '#shared/domain/intake.ts';
import { incoming, tilleuls } from '../support/intake-records.ts';

const voice = { deskDisplayName: 'Assistance LSUN', subjectKeyword: 'LSUN' };

const mail: AnsweredMail = {
  sesMessageId: 'ses-1',
  from: { address: 'enseignant.x@ac-dijon.fr', name: 'X' },
  subject: 'Bulletins',
  messageId: 'm1@ac-dijon.fr',
  references: ['m0@ac-dijon.fr'],
};

describe('which outcomes are answered', () => {
  it('answers a missing keyword and a sender who is not a director', () => {
    const counted = { kind: 'counted', quota: 'request', detail: '', director: undefined } as const;
    expect(answeredOutcome({ ...counted, outcome: 'no_keyword' })).toBe('no_keyword');
    expect(answeredOutcome({ ...counted, outcome: 'not_director' })).toBe('not_director');
    expect(answeredOutcome({ ...counted, outcome: 'ticket_created' })).toBeUndefined();
  });

  it('never answers a mail turned away before the quota step', () => {
    const rejected: Screening = { kind: 'rejected', outcome: 'not_academic', detail: '' };
    expect(answeredOutcome(rejected)).toBeUndefined();
  });
});

describe('the answer to a turned-away mail', () => {
  it('is an automatic reply beside the intake entry, threaded under the mail it answers', () => {
    // Act
    const reply = rejectionReply('no_keyword', mail, 'assistance.1erdegre@ac-dijon.fr', voice);
    // Assess
    expect(reply).toMatchObject({
      type: 'mail.send',
      outboxId: 'ses-1.reply',
      record: { on: 'intake', sesMessageId: 'ses-1' },
      purpose: 'no_keyword',
      from: 'assistance.1erdegre@ac-dijon.fr',
      fromName: 'Assistance LSUN',
      to: 'enseignant.x@ac-dijon.fr',
      inReplyTo: 'm1@ac-dijon.fr',
      references: ['m0@ac-dijon.fr', 'm1@ac-dijon.fr'],
      autoSubmitted: true,
    });
    expect(reply.text).toContain('LSUN');
  });

  it('is the same mail for every delivery, so that the mailer sends it once', () => {
    expect(rejectionReply('not_director', mail, 'a@ac-dijon.fr', voice)).toEqual(
      rejectionReply('not_director', mail, 'a@ac-dijon.fr', voice),
    );
  });

  it('gives the daily-cap notice the same place, under its own purpose', () => {
    expect(quotaNotice(mail, 'a@ac-dijon.fr', voice, { kind: 'request', cap: 10 })).toMatchObject({
      outboxId: 'ses-1.reply',
      purpose: 'quota_notice',
      autoSubmitted: true,
    });
  });
});

describe('the acknowledgment of a new ticket', () => {
  it('is recorded on the ticket at the mail’s receipt and carries the ticket’s thread id', () => {
    const message = incoming('ses-2');
    const ack = acknowledgment(
      {
        message,
        requester: { kind: 'director', email: message.from, name: 'Camille Martin', schools: [tilleuls] },
        deskAddress: 'assistance1d@ac-dijon.fr',
      },
      'LSUN-2026-00042',
      voice,
    );
    expect(ack).toMatchObject({
      outboxId: 'ses-2.ack',
      record: { on: 'ticket', ticketNumber: 'LSUN-2026-00042', at: message.receivedAt },
      purpose: 'acknowledgment',
      ticketNumber: 'LSUN-2026-00042',
      to: message.from,
      inReplyTo: message.messageId,
      references: [message.messageId, 'lsun-2026-00042@assistance-lsun.invalid'],
      autoSubmitted: true,
    });
    expect(ack.subject).toContain('LSUN-2026-00042');
  });
});
