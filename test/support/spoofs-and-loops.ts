/**
 * The corpus of issue 11's « spoofs and loops »: mails that must open no ticket and get no reply,
 * each written byte for byte (several From headers, a UTF-8 domain, delivery reports), signed
 * with DKIM where its sender would sign, and sent over SMTP from the host that makes the attack
 * meaningful: the académie's relay (127.0.0.2, SPF of ac-dijon.fr), the attacker's own server
 * (127.0.0.3, SPF of the hostile domains of the DNS fixture) or a host nobody allows (127.0.0.1).
 *
 * Each mail names a known director wherever the attack needs one, and carries `LSUN` in its
 * subject, so that nothing but the check under test stands between it and a ticket.
 */
import { randomUUID } from 'node:crypto';
import { dkimSign } from 'mailauth/lib/dkim/sign.js';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import {
  DEV_DKIM_SELECTOR,
  devDkimPrivateKey,
  FIXTURE_SPF_IP,
  HOSTILE_DKIM_SELECTOR,
  HOSTILE_SPF_IP,
  hostileDkimPrivateKey,
} from '#local/dns-fixture.ts';
import type { Outcome } from '#shared/domain/outcome.ts';
import { headerOf, type SentMail } from './outbox.ts';

/** A director of the demo directory (`data/annuaire-demo.csv`), of École élémentaire Les Tilleuls. */
export const DIRECTOR = 'camille.martin@ac-dijon.fr';
export const DIRECTOR_NAME = 'Camille Martin';
/** The desk address the corpus writes to. */
export const DESK = 'assistance1d@ac-dijon.fr';
const ACADEMIE_IP = FIXTURE_SPF_IP;
const ATTACKER_IP = HOSTILE_SPF_IP;
/** A host no SPF record allows. */
const NOBODY_IP = '127.0.0.1';

/** The families the figures are counted by. */
export type Family =
  | 'display name'
  | 'lookalike domain'
  | 'subdomain'
  | 'several From'
  | 'Sender ≠ From'
  | 'DMARC fail, SPF pass elsewhere'
  | 'DKIM of another domain'
  | 'no authentication'
  | 'our mail coming back'
  | 'bounce'
  | 'out of office'
  | 'list or bulk';

/** What the corpus needs from the desk's own traffic: an acknowledgment it really sent. */
export type CorpusContext = {
  /** The acknowledgment of the regression ticket, as the SES stand-in holds it. */
  ack: SentMail;
  /** Its ticket, e.g. `LSUN-2026-00001`. */
  ticketNumber: string;
};

/** One hostile mail, ready for SMTP. */
export type HostileMail = {
  /** Connecting host (the SPF verdict depends on it). */
  source: string;
  /** MAIL FROM; '' sends the null sender of a bounce. */
  envelopeFrom: string;
  /** The domain and key it is DKIM-signed with, if its sender signs. */
  sign?: 'academie' | { domain: string } | undefined;
  /** The header lines, in order, values as written on the wire. */
  headers: Array<[string, string]>;
  /** Content-Type and body; a plain UTF-8 text by default. */
  contentType?: string;
  body: string;
};

export type CorpusCase = {
  category: 'spoof' | 'loop';
  family: Family;
  name: string;
  /** The outcome the intake log must show: always one the desk never answers. */
  expected: Extract<Outcome, 'auto_reply' | 'not_authenticated' | 'not_academic'>;
  /** What the log's detail must say, where the case exists to prove one rule (not another) stops it. */
  why?: RegExp;
  build(context: CorpusContext): HostileMail;
};

/** The case, proving that the rule whose detail matches `why` is the one that stops it. */
function because(why: RegExp, item: CorpusCase): CorpusCase {
  return { ...item, why };
}

/** An RFC 2047 encoded word when the text is not plain ASCII. */
function word(text: string): string {
  return /^[\x20-\x7e]*$/.test(text) ? text : `=?UTF-8?B?${Buffer.from(text).toString('base64')}?=`;
}

function base(from: string, subject: string, extra: Array<[string, string]> = []): Array<[string, string]> {
  return [
    ['From', from],
    ['To', DESK],
    ['Subject', word(subject)],
    ['Date', new Date().toUTCString().replace('GMT', '+0000')],
    ['Message-ID', `<${randomUUID()}@corpus.invalid>`],
    ...extra,
  ];
}

/** A spoof of the director sent from a host and envelope of the attacker's choosing. */
function spoof(
  family: Family,
  name: string,
  expected: CorpusCase['expected'],
  mail: Omit<HostileMail, 'body' | 'headers'> & { from: string; extra?: Array<[string, string]> },
): CorpusCase {
  return {
    category: 'spoof',
    family,
    name,
    expected,
    build: () => ({
      ...mail,
      headers: base(mail.from, 'LSUN : bulletins à valider en urgence', mail.extra),
      body: 'Bonjour, merci de répondre à ce message avec les identifiants de l’école.',
    }),
  };
}

const attacker = (domain = 'evil.example') => ({
  source: ATTACKER_IP,
  envelopeFrom: `attacker@${domain}`,
  sign: { domain },
});

const SPOOFS: CorpusCase[] = [
  spoof(
    'display name',
    'the director’s address quoted as the display name of a gmail.com address',
    'not_authenticated',
    {
      from: `"${DIRECTOR}" <attacker@gmail.com>`,
      source: NOBODY_IP,
      envelopeFrom: 'attacker@gmail.com',
    },
  ),
  spoof(
    'display name',
    'the director’s address as the display name of an authenticated attacker',
    'not_academic',
    {
      ...attacker(),
      from: `"${DIRECTOR}" <attacker@evil.example>`,
    },
  ),
  spoof('display name', 'the director’s address unquoted before the attacker’s', 'not_academic', {
    ...attacker(),
    from: `${DIRECTOR} <attacker@evil.example>`,
  }),
  spoof('display name', '« Directeur école Jules Ferry » at example.com', 'not_authenticated', {
    from: `${word('Directeur école Jules Ferry')} <x@example.com>`,
    source: NOBODY_IP,
    envelopeFrom: 'x@example.com',
  }),
  spoof('display name', 'an encoded word whose text is the director’s address in brackets', 'not_academic', {
    ...attacker(),
    from: `${word(`Camille Martin <${DIRECTOR}> é`)} <attacker@evil.example>`,
  }),
  spoof(
    'display name',
    'the whole From as one encoded word hiding the director’s address',
    'not_authenticated',
    {
      ...attacker(),
      from: `=?UTF-8?B?${Buffer.from(`<${DIRECTOR}>`).toString('base64')}?=`,
    },
  ),
  spoof('display name', 'the director’s address in a comment after the attacker’s', 'not_academic', {
    ...attacker(),
    from: `attacker@evil.example (${DIRECTOR})`,
  }),
  spoof('lookalike domain', 'ac-dijon.fr.evil.example, authenticated by its owner', 'not_academic', {
    ...attacker('ac-dijon.fr.evil.example'),
    from: `${DIRECTOR_NAME} <camille.martin@ac-dijon.fr.evil.example>`,
  }),
  spoof('lookalike domain', 'ac-dijom.fr, authenticated by its owner', 'not_academic', {
    ...attacker('ac-dijom.fr'),
    from: `${DIRECTOR_NAME} <camille.martin@ac-dijom.fr>`,
  }),
  spoof('lookalike domain', 'ac-dіjon.fr with a Cyrillic і, in punycode', 'not_academic', {
    ...attacker('xn--ac-djon-uog.fr'),
    from: `${DIRECTOR_NAME} <camille.martin@xn--ac-djon-uog.fr>`,
  }),
  because(
    /^Domaine ac-d\u0456jon\.fr hors/,
    spoof(
      'lookalike domain',
      'ac-dіjon.fr with a Cyrillic і, in UTF-8 as SMTPUTF8 writes it',
      'not_academic',
      {
        ...attacker('xn--ac-djon-uog.fr'),
        from: `${DIRECTOR_NAME} <camille.martin@ac-d\u0456jon.fr>`,
      },
    ),
  ),
  spoof('lookalike domain', 'ac-dijon.fr as the local part', 'not_academic', {
    ...attacker(),
    from: `${DIRECTOR_NAME} <ac-dijon.fr@evil.example>`,
  }),
  // A quoted local part is no mailbox the desk reads (shared/mail/parse.ts): no From at all.
  because(
    /^En-tête From absent ou illisible/,
    spoof('lookalike domain', 'the director’s whole address as a quoted local part', 'not_authenticated', {
      ...attacker(),
      from: `"${DIRECTOR}"@evil.example`,
    }),
  ),
  because(
    /^Domaine x\.ac-dijon\.fr hors/,
    spoof(
      'subdomain',
      'x.ac-dijon.fr signed by ac-dijon.fr (DMARC passes by relaxed alignment)',
      'not_academic',
      {
        from: `${DIRECTOR_NAME} <camille.martin@x.ac-dijon.fr>`,
        source: ACADEMIE_IP,
        envelopeFrom: DIRECTOR,
        sign: 'academie',
      },
    ),
  ),
  spoof(
    'subdomain',
    'ia21.ac-dijon.fr from an unauthorised host (the académie’s p=reject covers it)',
    'not_authenticated',
    {
      from: `${DIRECTOR_NAME} <camille.martin@ia21.ac-dijon.fr>`,
      source: NOBODY_IP,
      envelopeFrom: 'camille.martin@ia21.ac-dijon.fr',
    },
  ),
  because(
    /^Plusieurs adresses/,
    spoof('several From', 'the director then the attacker in one From', 'not_authenticated', {
      ...attacker(),
      from: `${DIRECTOR}, attacker@evil.example`,
    }),
  ),
  spoof('several From', 'the attacker then the director in one From', 'not_authenticated', {
    ...attacker(),
    from: `attacker@evil.example, ${DIRECTOR}`,
  }),
  spoof('several From', 'a group holding the director and the attacker', 'not_authenticated', {
    ...attacker(),
    from: `Direction: ${DIRECTOR}, attacker@evil.example;`,
  }),
  because(
    /^Plusieurs adresses/,
    spoof('several From', 'two From headers, the director first', 'not_authenticated', {
      ...attacker(),
      from: DIRECTOR,
      extra: [['From', 'attacker@evil.example']],
    }),
  ),
  spoof(
    'several From',
    'two directors in one From, through the académie’s relay and signed',
    'not_authenticated',
    {
      from: `${DIRECTOR}, beatrice.picard@ac-dijon.fr`,
      source: ACADEMIE_IP,
      envelopeFrom: DIRECTOR,
      sign: 'academie',
    },
  ),
  spoof(
    'Sender ≠ From',
    'Sender of the attacker’s domain, sent from the attacker’s server',
    'not_authenticated',
    {
      ...attacker(),
      from: `${DIRECTOR_NAME} <${DIRECTOR}>`,
      extra: [['Sender', 'attacker@evil.example']],
    },
  ),
  because(
    /^En-tête Sender \(attacker@evil\.example\)/,
    spoof(
      'Sender ≠ From',
      'Sender of another domain on a mail the académie’s relay signed',
      'not_authenticated',
      {
        from: `${DIRECTOR_NAME} <${DIRECTOR}>`,
        source: ACADEMIE_IP,
        envelopeFrom: DIRECTOR,
        sign: 'academie',
        extra: [['Sender', 'Assistance <attacker@evil.example>']],
      },
    ),
  ),
  because(
    /^DMARC en échec pour ac-dijon\.fr/,
    spoof(
      'DMARC fail, SPF pass elsewhere',
      'envelope of the attacker’s domain (SPF passes), From the director',
      'not_authenticated',
      {
        from: `${DIRECTOR_NAME} <${DIRECTOR}>`,
        source: ATTACKER_IP,
        envelopeFrom: 'bounces@evil.example',
      },
    ),
  ),
  spoof(
    'DMARC fail, SPF pass elsewhere',
    'envelope of a lookalike (SPF passes), From the director',
    'not_authenticated',
    {
      from: `${DIRECTOR_NAME} <${DIRECTOR}>`,
      source: ATTACKER_IP,
      envelopeFrom: 'camille.martin@ac-dijom.fr',
    },
  ),
  spoof('DKIM of another domain', 'signed d=evil.example, from an unauthorised host', 'not_authenticated', {
    from: `${DIRECTOR_NAME} <${DIRECTOR}>`,
    source: NOBODY_IP,
    envelopeFrom: DIRECTOR,
    sign: { domain: 'evil.example' },
  }),
  spoof(
    'DKIM of another domain',
    'signed d=ac-dijom.fr with SPF passing for ac-dijom.fr',
    'not_authenticated',
    {
      ...attacker('ac-dijom.fr'),
      from: `${DIRECTOR_NAME} <${DIRECTOR}>`,
    },
  ),
  spoof(
    'no authentication',
    'the director’s address, unsigned, from an unauthorised host',
    'not_authenticated',
    {
      from: `${DIRECTOR_NAME} <${DIRECTOR}>`,
      source: NOBODY_IP,
      envelopeFrom: DIRECTOR,
    },
  ),
  spoof('no authentication', 'a school mailbox, unsigned, from an unauthorised host', 'not_authenticated', {
    from: 'ce.0211234c@ac-dijon.fr',
    source: NOBODY_IP,
    envelopeFrom: 'ce.0211234c@ac-dijon.fr',
  }),
  {
    category: 'spoof',
    family: 'no authentication',
    name: 'a forged follow-up carrying the real ticket’s tag and thread',
    expected: 'not_authenticated',
    build: ({ ack, ticketNumber }) => ({
      source: NOBODY_IP,
      envelopeFrom: DIRECTOR,
      headers: base(`${DIRECTOR_NAME} <${DIRECTOR}>`, `RE: [${ticketNumber}] LSUN : bulletins`, [
        ['In-Reply-To', headerOf(ack, 'In-Reply-To') ?? ''],
        ['References', headerOf(ack, 'References') ?? ''],
      ]),
      body: 'Finalement, envoyez les identifiants à attacker@evil.example.',
    }),
  },
];

/** A loop sent by the académie's own server for the director (authenticated, so only the loop check stops it). */
function fromDirector(
  family: Family,
  name: string,
  subject: (context: CorpusContext) => string,
  extra: Array<[string, string]>,
  envelopeFrom = DIRECTOR,
): CorpusCase {
  return {
    category: 'loop',
    family,
    name,
    expected: 'auto_reply',
    build: (context) => ({
      source: ACADEMIE_IP,
      envelopeFrom,
      sign: 'academie',
      headers: base(`${DIRECTOR_NAME} <${DIRECTOR}>`, subject(context), extra),
      body: 'Bonjour, je suis absente jusqu’au 5 janvier. En cas d’urgence, contactez l’école.',
    }),
  };
}

const tagged = ({ ticketNumber }: CorpusContext) => `[${ticketNumber}] LSUN : bulletins`;

/** Our acknowledgment as SES sent it, sent back to the desk by whoever holds it. */
function ownMailBack(
  name: string,
  keep: (name: string) => boolean,
  extra: Array<[string, string]> = [],
): CorpusCase {
  return {
    category: 'loop',
    family: 'our mail coming back',
    name,
    expected: 'auto_reply',
    build: ({ ack }) => ({
      // SES signs the desk's mail for ac-dijon.fr: it comes back authenticated.
      source: NOBODY_IP,
      envelopeFrom: DESK,
      sign: 'academie',
      headers: [
        ['From', ack.from],
        ['To', ack.destination.to.join(', ')],
        ['Subject', word(ack.subject)],
        ['Date', new Date().toUTCString().replace('GMT', '+0000')],
        ['Message-ID', `<${randomUUID()}@eu-west-1.amazonses.com>`],
        ...(ack.headers ?? [])
          .filter((header) => keep(header.name.toLowerCase()))
          .map((header): [string, string] => [header.name, header.value]),
        ...extra,
      ],
      body: ack.body.text ?? '',
    }),
  };
}

const THREADING = new Set(['in-reply-to', 'references']);

/** A delivery report of our acknowledgment, as `mta` writes it (null sender, from its daemon). */
function bounce(
  name: string,
  report: {
    from: string;
    subject: string;
    extra?: Array<[string, string]>;
    /** A multipart/report (RFC 3464), else the MTA's plain text. */
    dsn: boolean;
    text: string;
    envelopeFrom?: string;
  },
): CorpusCase {
  return {
    category: 'loop',
    family: 'bounce',
    name,
    expected: 'auto_reply',
    build: ({ ack, ticketNumber }) => {
      const boundary = `dsn-${randomUUID()}`;
      const original = [
        `From: ${ack.from}`,
        `To: ${DIRECTOR}`,
        `Subject: ${word(ack.subject)}`,
        'Auto-Submitted: auto-replied',
        `X-Assistance-LSUN: ${headerOf(ack, 'X-Assistance-LSUN') ?? ''}`,
      ].join('\r\n');
      const body = report.dsn
        ? [
            `--${boundary}`,
            'Content-Type: text/plain; charset=utf-8',
            '',
            report.text,
            '',
            `--${boundary}`,
            'Content-Type: message/delivery-status',
            '',
            'Reporting-MTA: dns; smtp.ac-dijon.fr',
            '',
            `Final-Recipient: rfc822; ${DIRECTOR}`,
            'Action: failed',
            'Status: 5.2.2',
            'Diagnostic-Code: smtp; 552 5.2.2 Mailbox full',
            '',
            `--${boundary}`,
            'Content-Type: text/rfc822-headers',
            '',
            original,
            '',
            `--${boundary}--`,
            '',
          ].join('\r\n')
        : `${report.text}\r\n\r\n--- Below this line is a copy of the message.\r\n\r\n${original}\r\n`;
      return {
        source: ACADEMIE_IP,
        envelopeFrom: report.envelopeFrom ?? '',
        headers: base(report.from, report.subject.replace('%s', `[${ticketNumber}] LSUN : bulletins`), [
          ['MIME-Version', '1.0'],
          ...(report.extra ?? []),
        ]),
        ...(report.dsn
          ? {
              contentType: `multipart/report; report-type=delivery-status; boundary="${boundary}"`,
            }
          : {}),
        body,
      };
    },
  };
}

const LOOPS: CorpusCase[] = [
  because(
    /^En-tête X-Assistance-LSUN/,
    ownMailBack('our acknowledgment, every header as SES sent it', () => true),
  ),
  because(
    /^Expéditeur : adresse du serveur/,
    ownMailBack(
      'our acknowledgment without our header nor Auto-Submitted (a forwarder dropped them)',
      (name) => THREADING.has(name),
    ),
  ),
  ownMailBack('our acknowledgment redirected by an Exchange inbox rule', () => true, [
    ['X-MS-Exchange-Inbox-Rules-Loop', DIRECTOR],
  ]),
  {
    category: 'loop',
    family: 'our mail coming back',
    name: 'our broadcast, with the headers its SendBulkEmail template sets',
    expected: 'auto_reply',
    build: () => ({
      source: NOBODY_IP,
      envelopeFrom: DESK,
      sign: 'academie',
      headers: [
        ['From', `Assistance LSUN <${DESK}>`],
        ['Reply-To', DESK],
        ['To', DIRECTOR],
        ['Subject', word('Information LSUN : ouverture de la campagne de bulletins')],
        ['Date', new Date().toUTCString().replace('GMT', '+0000')],
        ['Message-ID', `<${randomUUID()}@eu-west-1.amazonses.com>`],
        ['Auto-Submitted', 'auto-generated'],
        ['X-Assistance-LSUN', `broadcast-${randomUUID()}`],
      ],
      body: 'Bonjour Madame Martin,\r\n\r\nLa campagne des bulletins LSUN ouvre lundi.',
    }),
  },
  because(
    /multipart\/report/,
    bounce('Postfix: multipart/report from MAILER-DAEMON', {
      from: 'MAILER-DAEMON@smtp.ac-dijon.fr (Mail Delivery System)',
      subject: 'Undelivered Mail Returned to Sender',
      dsn: true,
      text: "This is the mail system at host smtp.ac-dijon.fr.\r\n\r\nI'm sorry to have to inform you that your message could not\r\nbe delivered to one or more recipients.",
    }),
  ),
  bounce('Exim: plain text from Mailer-Daemon, X-Failed-Recipients', {
    from: 'Mail Delivery System <Mailer-Daemon@mx.ac-dijon.fr>',
    subject: 'Mail delivery failed: returning message to sender',
    extra: [
      ['X-Failed-Recipients', DIRECTOR],
      ['Auto-Submitted', 'auto-replied'],
    ],
    dsn: false,
    text: 'This message was created automatically by mail delivery software.\r\n\r\nA message that you sent could not be delivered to one or more of its\r\nrecipients. This is a permanent error.',
  }),
  bounce('Exchange (French): « Non remis » from Microsoft Outlook', {
    from: 'Microsoft Outlook <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@ac-dijon.fr>',
    subject: 'Non remis : %s',
    extra: [['X-MS-Exchange-Message-Is-Ndr', '']],
    dsn: true,
    text: 'Le message n’a pas pu être remis à camille.martin@ac-dijon.fr : la boîte aux lettres est pleine.',
  }),
  bounce('Office 365 (English): « Undeliverable » from postmaster', {
    from: 'postmaster@ac-dijon.onmicrosoft.com',
    subject: 'Undeliverable: %s',
    dsn: true,
    text: 'Delivery has failed to these recipients or groups: camille.martin@ac-dijon.fr',
  }),
  bounce('Gmail: Delivery Status Notification from mailer-daemon@googlemail.com', {
    from: 'Mail Delivery Subsystem <mailer-daemon@googlemail.com>',
    subject: 'Delivery Status Notification (Failure)',
    extra: [['Auto-Submitted', 'auto-replied']],
    dsn: true,
    text: "Address not found\r\n\r\nYour message wasn't delivered to camille.martin@ac-dijon.fr.",
  }),
  bounce('Sendmail: « Returned mail: see transcript for details »', {
    from: 'Mail Delivery Subsystem <MAILER-DAEMON@relais.ac-dijon.fr>',
    subject: 'Returned mail: see transcript for details',
    extra: [['Auto-Submitted', 'auto-generated (failure)']],
    dsn: true,
    text: 'The original message was received at Mon, 7 Dec 2026 06:00:00 +0100\r\n\r\n   ----- The following addresses had permanent fatal errors -----',
  }),
  because(
    /^Chemin de retour vide/,
    bounce('qmail: « failure notice », plain text', {
      from: 'MAILER-DAEMON@mail.ac-dijon.fr',
      subject: 'failure notice',
      dsn: false,
      text: "Hi. This is the qmail-send program at mail.ac-dijon.fr.\r\nI'm afraid I wasn't able to deliver your message to the following addresses.\r\nThis is a permanent error; I've given up. Sorry it didn't work out.",
    }),
  ),
  because(
    /^Expéditeur postmaster/,
    bounce('a report relayed with a non-null envelope, from postmaster@', {
      from: 'postmaster@ac-dijon.fr',
      subject: 'Delivery failure: %s',
      dsn: false,
      text: 'Your message could not be delivered.',
      envelopeFrom: 'postmaster@ac-dijon.fr',
    }),
  ),
  bounce('a delay report (Delivery Status Notification (Delay))', {
    from: 'Mail Delivery Subsystem <MAILER-DAEMON@relais.ac-dijon.fr>',
    subject: 'Delivery Status Notification (Delay)',
    dsn: true,
    text: 'Delivery to the following recipient has been delayed: camille.martin@ac-dijon.fr',
  }),
  because(
    /^Chemin de retour vide/,
    fromDirector('bounce', 'an empty Return-Path and nothing else', () => 'LSUN : bulletins', [], ''),
  ),
  fromDirector(
    'out of office',
    'Outlook (French): « Réponse automatique : » and Exchange’s headers',
    (c) => `Réponse automatique : ${tagged(c)}`,
    [
      ['Auto-Submitted', 'auto-generated'],
      ['X-Auto-Response-Suppress', 'All'],
    ],
  ),
  fromDirector(
    'out of office',
    'Outlook (English): "Automatic reply:" with X-Auto-Response-Suppress only',
    (c) => `Automatic reply: ${tagged(c)}`,
    [['X-Auto-Response-Suppress', 'All']],
  ),
  because(
    /^X-MS-Exchange-Inbox-Rules-Loop/,
    fromDirector(
      'out of office',
      'an Exchange rule’s reply: X-MS-Exchange-Inbox-Rules-Loop only',
      () => 'LSUN : je suis absente',
      [['X-MS-Exchange-Inbox-Rules-Loop', DIRECTOR]],
    ),
  ),
  because(
    /^X-MS-Exchange-Inbox-Rules-Loop/,
    fromDirector(
      'out of office',
      'an Exchange rule’s reply on the ticket’s thread: X-MS-Exchange-Inbox-Rules-Loop only',
      (c) => `RE: ${tagged(c)}`,
      [['X-MS-Exchange-Inbox-Rules-Loop', DIRECTOR]],
    ),
  ),
  fromDirector(
    'out of office',
    'a vacation reply: Auto-Submitted: auto-replied only',
    (c) => `Re: ${tagged(c)}`,
    [['Auto-Submitted', 'auto-replied (vacation)']],
  ),
  because(
    /^X-Autoreply: yes/,
    fromDirector('out of office', 'X-Autoreply only', () => 'Re: LSUN : bulletins', [['X-Autoreply', 'yes']]),
  ),
  fromDirector('out of office', 'X-Autorespond only', () => 'Re: LSUN : bulletins', [
    ['X-Autorespond', 'Message d’absence'],
  ]),
  because(
    /^Sujet de réponse automatique \(« Absence du bureau »\)/,
    fromDirector(
      'out of office',
      '« Absence du bureau » in the subject only',
      (c) => `Absence du bureau : ${tagged(c)}`,
      [],
    ),
  ),
  because(
    /^Sujet de réponse automatique \(« Message d’absence »\)/,
    fromDirector(
      'out of office',
      '« Message d’absence » in the subject only',
      () => 'Message d’absence : LSUN',
      [],
    ),
  ),
  because(
    /^Sujet de réponse automatique \(« Réponse automatique »\)/,
    fromDirector(
      'out of office',
      '« Réponse automatique : » in the subject only',
      () => 'Réponse automatique : LSUN : bulletins',
      [],
    ),
  ),
  because(
    /^Sujet de réponse automatique \(« Out of Office »\)/,
    fromDirector(
      'out of office',
      '"Out of Office" in the subject only',
      (c) => `Out of Office: ${tagged(c)}`,
      [],
    ),
  ),
  because(
    /^Sujet de réponse automatique \(« Automatic reply »\)/,
    fromDirector(
      'out of office',
      '"Automatic reply:" in the subject only',
      () => 'Automatic reply: LSUN : bulletins',
      [],
    ),
  ),
  because(
    /^Precedence: list/,
    fromDirector('list or bulk', 'Precedence: list', () => 'LSUN : bulletins', [['Precedence', 'list']]),
  ),
  fromDirector('list or bulk', 'Precedence: bulk', () => 'LSUN : bulletins', [['Precedence', 'bulk']]),
  fromDirector('list or bulk', 'Precedence: junk', () => 'LSUN : bulletins', [['Precedence', 'junk']]),
  fromDirector(
    'list or bulk',
    'a list’s redistribution: List-Id and Sender of the list',
    () => '[directeurs-21] LSUN : bulletins',
    [
      ['List-Id', 'Directeurs de la Côte-d’Or <directeurs-21.listes.ac-dijon.fr>'],
      ['Sender', 'directeurs-21-owner@listes.ac-dijon.fr'],
    ],
  ),
  because(
    /^List-Unsubscribe/,
    fromDirector('list or bulk', 'List-Unsubscribe only', () => 'LSUN : lettre d’information', [
      ['List-Unsubscribe', '<mailto:directeurs-21-unsubscribe@listes.ac-dijon.fr>'],
    ]),
  ),
];

/** Every case of the corpus: spoofs first, then loops. */
export const CORPUS: readonly CorpusCase[] = [...SPOOFS, ...LOOPS];

/** The raw mail on the wire, DKIM-signed when its sender signs. */
export async function rawOf(mail: HostileMail): Promise<string> {
  const unsigned = [
    ...mail.headers.map(([name, value]) => `${name}: ${value}`),
    ...(mail.headers.some(([name]) => name.toLowerCase() === 'mime-version') ? [] : ['MIME-Version: 1.0']),
    `Content-Type: ${mail.contentType ?? 'text/plain; charset=utf-8'}`,
    'Content-Transfer-Encoding: 8bit',
    '',
    mail.body.replace(/\r?\n/g, '\r\n'),
    '',
  ].join('\r\n');
  if (!mail.sign) return unsigned;
  const signer =
    mail.sign === 'academie'
      ? { signingDomain: 'ac-dijon.fr', selector: DEV_DKIM_SELECTOR, privateKey: devDkimPrivateKey() }
      : {
          signingDomain: mail.sign.domain,
          selector: HOSTILE_DKIM_SELECTOR,
          privateKey: hostileDkimPrivateKey(),
          algorithm: 'ed25519-sha256',
        };
  // The types want the signer at the top; the code reads `signatureData`.
  const { signatures, errors } = await dkimSign(unsigned, { ...signer, signatureData: [signer] });
  if (errors.length > 0 || !signatures.startsWith('DKIM-Signature:')) {
    throw new Error(`DKIM signing failed: ${JSON.stringify(errors)}`);
  }
  return `${signatures}${unsigned}`;
}

/**
 * Sends one hostile mail over SMTP to the desk, from its host and envelope. Resolves with the SES
 * message id the local receiver gave it.
 */
export async function sendHostileMail(port: number, mail: HostileMail): Promise<string> {
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port,
    secure: false,
    ignoreTLS: true,
    localAddress: mail.source,
    name: mail.source === ATTACKER_IP ? 'mx.evil.example' : 'smtp.ac-dijon.fr',
    connectionTimeout: 10_000,
  });
  try {
    const info = await transport.sendMail({
      envelope: { from: mail.envelopeFrom === '' ? false : mail.envelopeFrom, to: [DESK] },
      raw: await rawOf(mail),
    } as SendMailOptions);
    const sesMessageId = /\bOk ([a-z0-9]{40})\b/.exec(String(info.response ?? ''))?.[1];
    if (!sesMessageId) throw new Error(`no SES message id in the answer: ${String(info.response)}`);
    return sesMessageId;
  } finally {
    transport.close();
  }
}
