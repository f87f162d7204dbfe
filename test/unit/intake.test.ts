/**
 * The intake procedure as plain functions: the order of the checks and what each outcome
 * counts against. The store's atomic checks (duplicate, quota) are tested in integration.
 */
import { describe, expect, it } from 'vitest';
import type { DirectoryMatch } from '#shared/domain/directory.ts';
import {
  deskAddressOf,
  type IntakeRules,
  mayFollowUp,
  screenAlone,
  screenWithFacts,
} from '#shared/domain/intake.ts';
import type { InboundMail } from '#shared/domain/mail.ts';

const rules: IntakeRules = {
  academicDomain: 'ac-dijon.fr',
  deskAddresses: ['assistance1d@ac-dijon.fr', 'assistance.1erdegre@ac-dijon.fr'],
  subjectKeyword: 'LSUN',
};

const tilleuls = {
  uai: '0211234C',
  name: 'École élémentaire Les Tilleuls',
  commune: 'Dijon',
  circonscription: 'Dijon Centre',
  departement: '21',
  mailbox: 'ce.0211234c@ac-dijon.fr',
};
const camille: DirectoryMatch = {
  kind: 'director',
  entryId: 'camille.martin@ac-dijon.fr',
  firstName: 'Camille',
  lastName: 'Martin',
  email: 'camille.martin@ac-dijon.fr',
  schools: [tilleuls],
};

function mail(
  overrides: Partial<InboundMail> = {},
): InboundMail & { from: { address: string; name: string } } {
  return {
    sesMessageId: 'ses-1',
    receivedAt: '2026-11-29T09:00:00.000Z',
    envelopeFrom: 'camille.martin@ac-dijon.fr',
    recipients: ['assistance1d@ac-dijon.fr'],
    verdicts: { spf: 'PASS', dkim: 'PASS', dmarc: 'PASS', spam: 'PASS', virus: 'PASS' },
    rawMail: { bucket: 'raw', key: 'incoming/ses-1' },
    messageId: 'm1@ac-dijon.fr',
    from: { address: 'camille.martin@ac-dijon.fr', name: 'Camille Martin' },
    subject: 'LSUN : bulletins',
    inReplyTo: [],
    references: [],
    headers: [],
    dkimDomains: ['ac-dijon.fr'],
    text: 'Bonjour',
    attachments: [],
    ...overrides,
  } as InboundMail & { from: { address: string; name: string } };
}

describe('the checks that need only the mail', () => {
  it('lets a clean academic mail through to the look-ups', () => {
    expect(screenAlone(mail(), rules)).toBeUndefined();
  });

  it('calls an automatic reply an automatic reply before anything else, even when DMARC fails', () => {
    const result = screenAlone(
      mail({
        headers: [{ name: 'auto-submitted', value: 'auto-replied' }],
        verdicts: { spf: 'FAIL', dkim: 'FAIL', dmarc: 'FAIL', spam: 'FAIL', virus: 'PASS' },
      }),
      rules,
    );
    expect(result).toMatchObject({ kind: 'rejected', outcome: 'auto_reply' });
  });

  it('checks spam and virus verdicts before authentication', () => {
    const result = screenAlone(
      mail({ verdicts: { spf: 'FAIL', dkim: 'FAIL', dmarc: 'FAIL', spam: 'PASS', virus: 'FAIL' } }),
      rules,
    );
    expect(result).toMatchObject({ outcome: 'spam_or_virus', detail: 'Verdict SES : virus' });
  });

  it('refuses an academic-looking From whose DMARC fails', () => {
    const result = screenAlone(
      mail({ verdicts: { spf: 'FAIL', dkim: 'FAIL', dmarc: 'FAIL', spam: 'PASS', virus: 'PASS' } }),
      rules,
    );
    expect(result).toMatchObject({ outcome: 'not_authenticated' });
  });

  it('refuses a mail without a From header as not authenticated', () => {
    expect(screenAlone(mail({ from: undefined }), rules)).toMatchObject({ outcome: 'not_authenticated' });
  });

  it('refuses a signed mail naming several authors as not authenticated, before the academic check', () => {
    const result = screenAlone(
      mail({ fromAddresses: ['camille.martin@ac-dijon.fr', 'attacker@evil.example'] }),
      rules,
    );
    expect(result).toMatchObject({ kind: 'rejected', outcome: 'not_authenticated' });
  });

  it('refuses a signed mail whose Sender is of another domain as not authenticated', () => {
    const result = screenAlone(mail({ sender: 'attacker@evil.example' }), rules);
    expect(result).toMatchObject({ kind: 'rejected', outcome: 'not_authenticated' });
  });

  it('refuses a director’s mail sent by a colleague of the académie (Sender ≠ From): the desk answers directors only', () => {
    const result = screenAlone(
      mail({ sender: 'secretariat.tilleuls@ac-dijon.fr', fromAddresses: ['camille.martin@ac-dijon.fr'] }),
      rules,
    );
    expect(result).toMatchObject({ kind: 'rejected', outcome: 'not_authenticated' });
  });

  it('refuses an authenticated mail from a lookalike domain as not academic', () => {
    const result = screenAlone(
      mail({
        from: { address: 'directeur@ac-dijon.fr.example.com', name: '' },
        envelopeFrom: 'directeur@ac-dijon.fr.example.com',
      }),
      rules,
    );
    expect(result).toMatchObject({ outcome: 'not_academic' });
  });
});

describe('the checks that need the directory and the ticket', () => {
  it('opens a ticket for a director writing with the keyword, counted against the request cap', () => {
    const result = screenWithFacts(mail(), rules, { thread: undefined, director: camille });
    expect(result).toMatchObject({ kind: 'counted', quota: 'request', outcome: 'ticket_created' });
  });

  it('says no_keyword before not_director: the rule to explain first is the subject', () => {
    const result = screenWithFacts(mail({ subject: 'Bulletins' }), rules, {
      thread: undefined,
      director: undefined,
    });
    expect(result).toMatchObject({ outcome: 'no_keyword', quota: 'request' });
  });

  it('refuses a sender unknown to the directory as not a director', () => {
    const result = screenWithFacts(mail(), rules, { thread: undefined, director: undefined });
    expect(result).toMatchObject({ outcome: 'not_director', quota: 'request' });
  });

  it('threads a participant’s reply as a follow-up, counted against the follow-up cap, even without the keyword', () => {
    const thread = {
      ticketNumber: 'LSUN-2026-00042',
      participants: ['camille.martin@ac-dijon.fr'],
      uais: ['0211234C'],
    };
    const result = screenWithFacts(mail({ subject: 'Re: [LSUN-2026-00042] merci' }), rules, {
      thread,
      director: camille,
    });
    expect(result).toMatchObject({
      outcome: 'follow_up',
      quota: 'follow_up',
      ticketNumber: 'LSUN-2026-00042',
    });
  });

  it('treats a non-participant quoting a tag as a new request', () => {
    const thread = {
      ticketNumber: 'LSUN-2026-00042',
      participants: ['autre@ac-dijon.fr'],
      uais: ['0581234X'],
    };
    const result = screenWithFacts(mail(), rules, { thread, director: camille });
    expect(result.outcome).toBe('ticket_created');
  });
});

describe('who may add to a ticket', () => {
  const thread = {
    ticketNumber: 'LSUN-2026-00042',
    participants: ['Camille.Martin@ac-dijon.fr'],
    uais: ['0211234C'],
  };

  it('accepts a participant whatever the case of the address', () => {
    expect(mayFollowUp('camille.martin@AC-DIJON.fr', thread, undefined)).toBe(true);
  });

  it('accepts another director of one of the ticket’s schools', () => {
    const colleague = { ...camille, email: 'interim@ac-dijon.fr', entryId: 'interim@ac-dijon.fr' };
    expect(mayFollowUp('interim@ac-dijon.fr', thread, colleague)).toBe(true);
  });

  it('refuses anyone else', () => {
    expect(mayFollowUp('inconnu@ac-dijon.fr', thread, undefined)).toBe(false);
  });
});

describe('the desk address a mail was written to', () => {
  it('is the desk address among its recipients, so that the answer comes from it', () => {
    expect(deskAddressOf(['copie@ac-dijon.fr', 'assistance.1erdegre@ac-dijon.fr'], rules)).toBe(
      'assistance.1erdegre@ac-dijon.fr',
    );
  });

  it("is the desk's first address when no recipient is one of the desk's", () => {
    expect(deskAddressOf(['autre@ac-dijon.fr'], rules)).toBe('assistance1d@ac-dijon.fr');
  });
});
