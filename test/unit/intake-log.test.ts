/**
 * The intake log's entries as plain functions: the daily counter a mail counts against, the entry
 * of a screened mail, and how a reached cap, a duplicate Message-ID and staff's acceptance
 * rewrite it.
 */
import { describe, expect, it } from 'vitest';
import type { Screening } from '#shared/domain/intake.ts';
import {
  acceptedEntry,
  duplicateEntry,
  quotaClaim,
  rateLimitedEntry,
  screenedEntry,
} from '#shared/domain/intake-log.ts';
import type { InboundMail } from '#shared/domain/mail.ts';
import type { IntakeEntry } from '#shared/domain/records.ts';
import { intakeEntry } from '#test/support/intake-records.ts';

const caps = { request: 10, follow_up: 20 };

const entry: IntakeEntry = intakeEntry('ses-1', { messageId: 'm1@ac-dijon.fr' });

const counted: Screening = {
  kind: 'counted',
  quota: 'request',
  outcome: 'ticket_created',
  detail: entry.detail,
  director: undefined,
};

describe('the daily counter a mail counts against', () => {
  it("is the sender's request counter of the Paris day, kept until the day after the next Paris midnight", () => {
    // Prepare: 23:30 UTC on 5 March is already 6 March in Paris (UTC+1).
    const receivedAt = '2026-03-05T23:30:00.000Z';
    // Act
    const claim = quotaClaim(counted, 'camille.martin@ac-dijon.fr', receivedAt, caps);
    // Assess: next Paris midnight is 6 March 23:00 UTC, plus a day.
    expect(claim).toEqual({
      kind: 'request',
      sender: 'camille.martin@ac-dijon.fr',
      day: '2026-03-06',
      cap: 10,
      expiresAt: Date.parse('2026-03-07T23:00:00.000Z') / 1000,
    });
  });

  it('is the follow-up counter, with its own cap, for a follow-up', () => {
    const followUp: Screening = {
      kind: 'counted',
      quota: 'follow_up',
      outcome: 'follow_up',
      detail: 'Ajouté au ticket LSUN-2026-00001',
      ticketNumber: 'LSUN-2026-00001',
    };
    expect(quotaClaim(followUp, 'a@ac-dijon.fr', entry.receivedAt, caps)).toMatchObject({
      kind: 'follow_up',
      cap: 20,
    });
  });

  it('is none for a mail turned away before the quota step', () => {
    const rejected: Screening = { kind: 'rejected', outcome: 'auto_reply', detail: 'Auto-Submitted' };
    expect(quotaClaim(rejected, 'a@ac-dijon.fr', entry.receivedAt, caps)).toBeUndefined();
  });
});

describe('the entry of a screened mail', () => {
  const mail = {
    sesMessageId: 'ses-1',
    receivedAt: entry.receivedAt,
    envelopeFrom: entry.envelopeFrom,
    recipients: ['assistance1d@ac-dijon.fr'],
    verdicts: { spf: 'PASS', dkim: 'PASS', dmarc: 'PASS', spam: 'PASS', virus: 'PASS' },
    rawMail: entry.rawMail,
    messageId: entry.messageId,
    from: { address: 'camille.martin@ac-dijon.fr', name: 'Camille Martin' },
    subject: entry.subject,
    inReplyTo: [],
    references: [],
    headers: [],
    dkimDomains: ['ac-dijon.fr'],
    text: 'Bonjour',
    attachments: [],
  } satisfies InboundMail;

  it('records the outcome, the directory entry and the reply sent', () => {
    const noKeyword: Screening = {
      ...counted,
      outcome: 'no_keyword',
      detail: 'Mot-clé LSUN absent du sujet',
    };
    const screened = screenedEntry({
      mail,
      screening: noKeyword,
      deskAddress: 'assistance1d@ac-dijon.fr',
      director: undefined,
      reply: 'no_keyword',
    });
    expect(screened).toMatchObject({ outcome: 'no_keyword', reply: 'no_keyword', ticketNumber: undefined });
  });

  it('names the ticket of a follow-up, and no reply', () => {
    const screened = screenedEntry({
      mail,
      screening: {
        kind: 'counted',
        quota: 'follow_up',
        outcome: 'follow_up',
        detail: 'x',
        ticketNumber: 'LSUN-2026-00001',
      },
      deskAddress: 'assistance1d@ac-dijon.fr',
      director: undefined,
      reply: undefined,
    });
    expect(screened.ticketNumber).toBe('LSUN-2026-00001');
    expect('reply' in screened).toBe(false);
  });
});

describe('the entry of a mail over its daily cap', () => {
  it('says which cap, which day, then what the screening found, and drops the reply', () => {
    // Prepare
    const claim = { kind: 'request' as const, sender: 'a', day: '2026-03-05', cap: 10, expiresAt: 0 };
    // Act
    const limited = rateLimitedEntry({ ...entry, reply: 'no_keyword' }, claim);
    // Assess
    expect(limited.outcome).toBe('rate_limited');
    expect(limited.reply).toBeUndefined();
    expect(limited.detail).toBe(
      "Plus de 10 demandes aujourd'hui (2026-03-05) ; École : École élémentaire Les Tilleuls (0211234C)",
    );
  });

  it('speaks of follow-ups for the follow-up cap', () => {
    const claim = { kind: 'follow_up' as const, sender: 'a', day: '2026-03-05', cap: 20, expiresAt: 0 };
    expect(rateLimitedEntry(entry, claim).detail).toMatch(/^Plus de 20 suites de ticket aujourd'hui/);
  });

  it('holds a follow-up off its ticket: no ticket number, but the ticket it continues', () => {
    // Prepare
    const claim = { kind: 'follow_up' as const, sender: 'a', day: '2026-03-05', cap: 30, expiresAt: 0 };
    const followUp = { ...entry, outcome: 'follow_up' as const, ticketNumber: 'LSUN-2026-00042' };

    // Act
    const limited = rateLimitedEntry(followUp, claim);

    // Assess
    expect(limited.outcome).toBe('rate_limited');
    expect(limited.ticketNumber).toBeUndefined();
    expect(limited.followUpOf).toBe('LSUN-2026-00042');
  });
});

describe('the entry of a duplicate', () => {
  it('names the first mail of that Message-ID, and drops the reply', () => {
    const duplicate = duplicateEntry({ ...entry, reply: 'not_director' }, 'ses-0');
    expect(duplicate).toMatchObject({
      outcome: 'duplicate',
      detail: 'Message-ID déjà reçu (premier reçu : ses-0)',
    });
    expect(duplicate.reply).toBeUndefined();
  });

  it('still reads as a duplicate when the first mail is not known', () => {
    expect(duplicateEntry(entry, undefined).detail).toBe('Message-ID déjà reçu');
  });
});

describe('a held mail accepted by staff', () => {
  it('adds a held follow-up to the ticket it continues, as a follow_up', () => {
    // Act
    const accepted = acceptedEntry(
      { ...entry, outcome: 'rate_limited', followUpOf: 'LSUN-2026-00042', detail: 'Plus de 30 suites' },
      'agent@ac-dijon.fr',
      '2026-03-06T10:00:00.000Z',
    );

    // Assess
    expect(accepted).toMatchObject({
      outcome: 'follow_up',
      ticketNumber: 'LSUN-2026-00042',
      detail: 'Ajouté au ticket LSUN-2026-00042 par agent@ac-dijon.fr ; Plus de 30 suites',
      acceptedBy: 'agent@ac-dijon.fr',
    });
  });

  it('becomes ticket_created, saying who accepted it and when, before the original reason', () => {
    const accepted = acceptedEntry(
      { ...entry, outcome: 'not_director', detail: 'x@ac-dijon.fr inconnu' },
      'agent@ac-dijon.fr',
      '2026-03-06T10:00:00.000Z',
    );
    expect(accepted).toMatchObject({
      outcome: 'ticket_created',
      detail: 'Accepté en ticket par agent@ac-dijon.fr ; x@ac-dijon.fr inconnu',
      acceptedBy: 'agent@ac-dijon.fr',
      acceptedAt: '2026-03-06T10:00:00.000Z',
    });
  });
});
