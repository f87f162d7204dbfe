import { describe, expect, it } from 'vitest';
import type { DirectoryMatch, School } from '#shared/domain/directory.ts';
import {
  acknowledgmentMail,
  noKeywordMail,
  notDirectorMail,
  quotaNoticeMail,
} from '#shared/domain/replies.ts';

const DESK = 'Assistance LSUN – Académie de Dijon';

const JAURES: School = {
  uai: '0211234C',
  name: 'École élémentaire Jean Jaurès',
  commune: 'Dijon',
  circonscription: 'Dijon Centre',
  departement: '21',
  mailbox: 'ce.0211234c@ac-dijon.fr',
};

const PERGAUD: School = {
  uai: '0581000K',
  name: 'École primaire Louis Pergaud',
  commune: 'Nevers',
  circonscription: 'Nevers 1',
  departement: '58',
  mailbox: 'ce.0581000k@ac-dijon.fr',
};

function director(overrides: Partial<DirectoryMatch> = {}): DirectoryMatch {
  return {
    kind: 'director',
    entryId: 'dir-1',
    civility: 'Mme',
    lastName: 'Martin',
    firstName: 'Claire',
    email: 'claire.martin@ac-dijon.fr',
    schools: [JAURES],
    ...overrides,
  };
}

describe('acknowledgmentMail', () => {
  it('tags the subject with the ticket number', () => {
    // Act
    const mail = acknowledgmentMail({
      ticketNumber: 'LSUN-2026-00042',
      originalSubject: 'Re: LSUN bulletins',
      requester: director(),
      deskDisplayName: DESK,
    });

    // Assess
    expect(mail.subject).toBe('[LSUN-2026-00042] LSUN bulletins');
  });

  it('gives the number, the school, what happens next and how to add information', () => {
    // Act
    const { text } = acknowledgmentMail({
      ticketNumber: 'LSUN-2026-00042',
      originalSubject: 'LSUN bulletins',
      requester: director(),
      deskDisplayName: DESK,
    });

    // Assess
    expect(text).toContain('Bonjour Madame Martin,');
    expect(text).toContain('enregistrée sous le numéro LSUN-2026-00042');
    expect(text).toContain('École reconnue : École élémentaire Jean Jaurès, Dijon (UAI 0211234C)');
    expect(text).toContain('Un agent de l’assistance va étudier votre demande et vous répondra par courriel');
    expect(text).toContain(
      'répondez simplement à ce message en conservant « [LSUN-2026-00042] » dans l’objet',
    );
    expect(text).toContain('envoyé automatiquement');
    expect(text.trimEnd().endsWith(DESK)).toBe(true);
  });

  it('lists every school of a director of several schools', () => {
    // Act
    const { text } = acknowledgmentMail({
      ticketNumber: 'LSUN-2026-00042',
      originalSubject: 'LSUN',
      requester: director({ schools: [JAURES, PERGAUD] }),
      deskDisplayName: DESK,
    });

    // Assess
    expect(text).toContain(
      'Écoles reconnues :\n  - École élémentaire Jean Jaurès, Dijon (UAI 0211234C)\n  - École primaire Louis Pergaud, Nevers (UAI 0581000K)',
    );
  });

  it('greets a school mailbox without a name', () => {
    // Act
    const { text } = acknowledgmentMail({
      ticketNumber: 'LSUN-2026-00042',
      originalSubject: 'LSUN',
      requester: director({
        kind: 'school_mailbox',
        entryId: 'school:0211234C',
        civility: undefined,
        lastName: undefined,
        firstName: undefined,
        email: 'ce.0211234c@ac-dijon.fr',
      }),
      deskDisplayName: DESK,
    });

    // Assess
    expect(text.startsWith('Bonjour,\n')).toBe(true);
  });

  it.each([
    ['M.', 'Bonjour Monsieur Martin,'],
    ['Monsieur', 'Bonjour Monsieur Martin,'],
    ['MME', 'Bonjour Madame Martin,'],
    [undefined, 'Bonjour,'],
    ['Dr', 'Bonjour,'],
  ])('greets civility %j as %j', (civility, expected) => {
    // Act
    const { text } = acknowledgmentMail({
      ticketNumber: 'LSUN-2026-00042',
      originalSubject: 'LSUN',
      requester: director({ civility }),
      deskDisplayName: DESK,
    });

    // Assess
    expect(text.split('\n')[0]).toBe(expected);
  });

  it('uses the default subject when the mail had none', () => {
    // Act
    const mail = acknowledgmentMail({
      ticketNumber: 'LSUN-2026-00042',
      originalSubject: '',
      requester: director(),
      deskDisplayName: DESK,
    });

    // Assess
    expect(mail.subject).toBe("[LSUN-2026-00042] Demande d'assistance LSUN");
    expect(mail.text).not.toContain('Objet :');
  });
});

describe('noKeywordMail', () => {
  it('answers under the original subject and explains the keyword rule', () => {
    // Act
    const mail = noKeywordMail({
      originalSubject: 'Bulletins du 2e trimestre',
      keyword: 'LSUN',
      deskAddress: 'assistance1d@ac-dijon.fr',
      deskDisplayName: DESK,
    });

    // Assess
    expect(mail.subject).toBe('Re: Bulletins du 2e trimestre');
    expect(mail.text).toContain('uniquement les demandes concernant LSUN');
    expect(mail.text).toContain('le mot-clé « LSUN » doit figurer dans l’objet');
    expect(mail.text).toContain(
      'écrivez de nouveau à assistance1d@ac-dijon.fr en indiquant « LSUN » dans l’objet',
    );
    expect(mail.text.trimEnd().endsWith(DESK)).toBe(true);
  });

  it('does not stack Re: on a subject that already has one', () => {
    // Act
    const mail = noKeywordMail({
      originalSubject: 'RE : Bulletins',
      keyword: 'LSUN',
      deskAddress: 'assistance1d@ac-dijon.fr',
      deskDisplayName: DESK,
    });

    // Assess
    expect(mail.subject).toBe('Re: Bulletins');
  });

  it('gives its own subject to a mail that had none', () => {
    // Act
    const mail = noKeywordMail({
      originalSubject: '  ',
      keyword: 'LSUN',
      deskAddress: 'assistance1d@ac-dijon.fr',
      deskDisplayName: DESK,
    });

    // Assess
    expect(mail.subject).toBe('Votre message à l’assistance LSUN');
  });
});

describe('notDirectorMail', () => {
  it('explains that the desk serves school directors and where else to go', () => {
    // Act
    const mail = notDirectorMail({ originalSubject: 'LSUN accès', deskDisplayName: DESK });

    // Assess
    expect(mail.subject).toBe('Re: LSUN accès');
    expect(mail.text).toContain('réservée aux directrices et directeurs d’école');
    expect(mail.text).toContain('votre adresse académique (@ac-dijon.fr)');
    expect(mail.text).toContain('ce.UAI@ac-dijon.fr');
    expect(mail.text).toContain('pia.ac-dijon.fr');
    expect(mail.text).toContain('l’équipe d’assistance pourra décider de le prendre en charge');
    expect(mail.text.trimEnd().endsWith(DESK)).toBe(true);
  });
});

describe('quotaNoticeMail', () => {
  it('says the daily limit is reached, that new requests wait and follow-ups pass', () => {
    // Act
    const mail = quotaNoticeMail({ kind: 'request', cap: 10, deskDisplayName: DESK });

    // Assess
    expect(mail.subject).toBe('Assistance LSUN : limite quotidienne de demandes atteinte');
    expect(mail.text).toContain(
      'la limite quotidienne de nouvelles demandes adressées à l’assistance LSUN (10 par jour)',
    );
    expect(mail.text).toContain('mises en attente et seront examinées par l’équipe d’assistance');
    expect(mail.text).toContain('continuent d’être traitées normalement');
    expect(mail.text).toContain('écrivez de nouveau demain');
    expect(mail.text.trimEnd().endsWith(DESK)).toBe(true);
  });

  it('tells a sender over the follow-up cap that further follow-ups wait, never that they pass', () => {
    // Act
    const mail = quotaNoticeMail({ kind: 'follow_up', cap: 30, deskDisplayName: DESK });

    // Assess
    expect(mail.subject).toBe('Assistance LSUN : limite quotidienne de messages atteinte');
    expect(mail.text).toContain('la limite quotidienne de messages de suivi');
    expect(mail.text).toContain('(30 par jour)');
    expect(mail.text).toContain('ne seront pas ajoutés automatiquement');
    expect(mail.text).not.toContain('continuent d’être traitées normalement');
    expect(mail.text).not.toContain('nouvelles demandes');
  });

  it('threads under the mail that hit the limit when its subject is given', () => {
    // Act
    const mail = quotaNoticeMail({
      kind: 'request',
      cap: 1,
      deskDisplayName: DESK,
      originalSubject: 'LSUN encore',
    });

    // Assess
    expect(mail.subject).toBe('Re: LSUN encore');
    expect(mail.text).toContain('(1 par jour)');
  });
});

describe('every automatic mail', () => {
  const mails = {
    acknowledgment: acknowledgmentMail({
      ticketNumber: 'LSUN-2026-00042',
      originalSubject: 'LSUN\r\nBcc: x@evil.example',
      requester: director(),
      deskDisplayName: DESK,
    }),
    noKeyword: noKeywordMail({
      originalSubject: 'Bulletins\r\nBcc: x@evil.example',
      keyword: 'LSUN',
      deskAddress: 'assistance1d@ac-dijon.fr',
      deskDisplayName: DESK,
    }),
    notDirector: notDirectorMail({ originalSubject: 'LSUN\nBcc: x@evil.example', deskDisplayName: DESK }),
    quota: quotaNoticeMail({ kind: 'request', cap: 10, deskDisplayName: DESK }),
  };

  it.each(Object.entries(mails))('keeps the %s subject on one line', (_name, mail) => {
    // Assess
    expect(mail.subject).not.toMatch(/[\r\n]/);
  });

  it.each(Object.entries(mails))('says the %s mail is automatic', (_name, mail) => {
    // Assess
    expect(mail.text).toContain('Ce message a été envoyé automatiquement.');
  });
});
