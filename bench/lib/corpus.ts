/**
 * The benchmark's mails: which ones, in which order, and their raw MIME.
 *
 * Mails are written to disk as raw MIME before anything is timed (nodemailer composes them,
 * with RFC 2047 subjects and DKIM signatures), because the sender and the desk share this
 * machine's two cores: composing and signing during the run would bill the senders' work to
 * the desk. Only follow-ups are composed at send time: they quote a ticket number that exists
 * only once the run has opened the ticket.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import { DEV_DKIM_SELECTOR, devDkimPrivateKey } from '#local/dns-fixture.ts';
import { EICAR, GTUBE } from '#local/scan-test-strings.ts';
import type { Outcome } from '#shared/domain/outcome.ts';
import { pdfLike, screenshotPng } from './attachments.ts';
import type { BenchDirector, BenchDirectory } from './directory.ts';
import {
  addressLocalPart,
  FIRST_NAMES,
  followUpText,
  htmlOf,
  LAST_NAMES,
  noKeywordSubject,
  outOfOfficeText,
  requestBody,
  requestSubject,
} from './french.ts';
import type { Random } from './random.ts';

/** What a mail of the corpus was written to be. */
export type MailKind =
  | 'new_request'
  | 'quota_burst'
  | 'follow_up'
  | 'duplicate'
  | 'auto_reply'
  | 'spam_or_virus'
  | 'not_authenticated'
  | 'not_academic'
  | 'no_keyword'
  | 'not_director';

/** The rejections of the mix, each given the same share. */
export const REJECTION_KINDS = [
  'duplicate',
  'auto_reply',
  'spam_or_virus',
  'not_authenticated',
  'not_academic',
  'rate_limited',
  'no_keyword',
  'not_director',
] as const;
export type RejectionKind = (typeof REJECTION_KINDS)[number];

/** Where an SMTP connection comes from: 127.0.0.2 passes the fixture's SPF, 127.0.0.1 fails it. */
export type SourceAddress = '127.0.0.2' | '127.0.0.1';

/** One mail ready to send: its file, or (follow-ups) the recipe to compose it at send time. */
export type CorpusMail = {
  kind: MailKind;
  /** The outcome it should get; for a burst over the cap, `rate_limited` for the 11th and after. */
  expected: Outcome;
  source: SourceAddress;
  /** MAIL FROM; '' for the null sender of a bounce. */
  envelopeFrom: string;
  to: string;
  /** Raw MIME on disk; absent for follow-ups. */
  file?: string;
  /** The Message-ID header, without brackets (follow-ups: set when composed). */
  messageId: string;
  /** Bytes on disk (follow-ups: when composed). */
  bytes: number;
  /** Bytes of its attachments before encoding (0: none), to check a stream's share of them. */
  attachmentBytes?: number;
  /** Follow-ups of a stream with a set attachment share: whether it is composed with one. */
  withAttachment?: boolean;
};

/** The shape of a mixed stream (see `CorpusWriter.mix`). */
export type MixShape = {
  /** Share of follow-ups (0.1 by default). */
  followUps: number;
  /**
   * Share of the whole stream carrying one 8–64 KiB attachment, spread evenly over the mails that
   * may carry one (requests, follow-ups); undefined: each kind's own random share (0.2–0.25).
   */
  attachments?: number;
};

/** The attachment sizes a set share draws from (a mail gateway's « 8–64 KiB »). */
const ATTACHMENT_BYTES = { min: 8 * 1024, max: 64 * 1024 } as const;

/** A ticket the run opened, as a director replying to its acknowledgment sees it. */
export type OpenTicket = {
  ticketNumber: string;
  requester: string;
  ackSubject: string;
  references: string;
  ackMessageId: string;
};

export const DESK_ADDRESSES = ['assistance1d@ac-dijon.fr', 'assistance.1erdegre@ac-dijon.fr'] as const;
const DOMAIN = 'ac-dijon.fr';
const MAILER_HEADERS = [
  'Zimbra 8.8.15_GA_4581 (ZimbraWebClient - FF120 (Win)/8.8.15_GA_4581)',
  'Microsoft Outlook 16.0',
  'Mozilla Thunderbird 115.5.0',
];

/** Hands out sender addresses so that no one passes the daily cap unless meant to. */
export class SenderPool {
  readonly #random: Random;
  readonly #directors: BenchDirector[];
  readonly #used = new Map<string, number>();
  readonly #reserved = new Set<string>();

  constructor(random: Random, directory: BenchDirectory) {
    this.#random = random;
    this.#directors = directory.directors;
  }

  /**
   * A director's address or one of their school mailboxes (a third of the time, as in real
   * traffic), used fewer than `maxUses` times today, and the director behind it.
   */
  take(maxUses = 2): { address: string; director: BenchDirector; school: BenchDirector['schools'][number] } {
    for (let attempt = 0; attempt < 10_000; attempt++) {
      const director = this.#random.pick(this.#directors);
      const school = this.#random.pick(director.schools);
      const address = this.#random.chance(1 / 3) ? school.mailbox : director.email;
      if (this.#reserved.has(director.email) || (this.#used.get(address) ?? 0) >= maxUses) continue;
      this.#used.set(address, (this.#used.get(address) ?? 0) + 1);
      return { address, director, school };
    }
    throw new CorpusError(`No sender left with fewer than ${maxUses} mails today: grow the directory`);
  }

  /** A director nobody has used yet, kept for one purpose (a burst over the daily cap). */
  reserveFresh(): BenchDirector {
    for (let attempt = 0; attempt < 10_000; attempt++) {
      const director = this.#random.pick(this.#directors);
      const unused =
        !this.#used.has(director.email) && director.schools.every((s) => !this.#used.has(s.mailbox));
      if (unused && !this.#reserved.has(director.email)) {
        this.#reserved.add(director.email);
        return director;
      }
    }
    throw new CorpusError('No unused director left: grow the directory');
  }
}

/** The corpus cannot be generated as asked (too small a directory, a bad count). */
export class CorpusError extends Error {
  override name = 'CorpusError';
}

type Spec = { kind: MailKind; expected: Outcome; build: () => Promise<CorpusMail> };

/** Composes and writes the corpus's mails. */
export class CorpusWriter {
  readonly #random: Random;
  readonly #directory: BenchDirectory;
  readonly #folder: string;
  readonly #senders: SenderPool;
  readonly #composer = nodemailer.createTransport({
    streamTransport: true,
    buffer: true,
    newline: 'windows',
  });
  readonly #dkimKey = devDkimPrivateKey();
  readonly #screenshots: Buffer[];
  readonly #pdfs: Buffer[];
  readonly #label: string;
  #count = 0;
  #files = 0;
  /** While a stream with a set attachment share is built: how many of its mails get one. */
  #attachPlan: { eligible: number; attached: number; seen: number } | undefined;

  constructor(opts: {
    random: Random;
    directory: BenchDirectory;
    folder: string;
    senders: SenderPool;
    label: string;
  }) {
    this.#random = opts.random;
    this.#directory = opts.directory;
    this.#folder = opts.folder;
    this.#senders = opts.senders;
    this.#label = opts.label;
    // A few distinct files, reused: 20 to 60 KB screenshots, 8 to 30 KB PDFs.
    this.#screenshots = [30, 65, 100, 120].map((rows) => screenshotPng(this.#random, rows));
    this.#pdfs = [8_000, 15_000, 30_000].map((bytes) => pdfLike(this.#random, bytes));
  }

  #messageId(): string {
    this.#count++;
    const hex = Math.floor(this.#random.next() * 2 ** 48).toString(16);
    return `${hex}.${this.#label}${this.#count}.JavaMail.zimbra@${DOMAIN}`;
  }

  /** Composes a mail with nodemailer (RFC 2047 subjects, DKIM if asked) and returns its bytes. */
  async compose(message: SendMailOptions, sign: false | { domain: string }): Promise<Buffer> {
    const info = await this.#composer.sendMail({
      ...message,
      ...(sign
        ? { dkim: { domainName: sign.domain, keySelector: DEV_DKIM_SELECTOR, privateKey: this.#dkimKey } }
        : {}),
    });
    return info.message as Buffer;
  }

  async #write(
    kind: MailKind,
    expected: Outcome,
    message: SendMailOptions & { messageId: string },
    options: { source?: SourceAddress; envelopeFrom?: string; sign?: false | { domain: string } } = {},
  ): Promise<CorpusMail> {
    // Numbered before any await: several mails may be composed at once.
    const file = path.join(this.#folder, `${this.#label}-${String(++this.#files).padStart(5, '0')}.eml`);
    const to = String(message.to ?? DESK_ADDRESSES[0]);
    const from = message.from;
    const fromAddress =
      typeof from === 'object' && from !== null && 'address' in from
        ? (from.address ?? '')
        : addressOf(String(from));
    const envelopeFrom = options.envelopeFrom ?? fromAddress;
    const raw = await this.compose(
      { ...message, envelope: { from: envelopeFrom || false, to: [to] } } as SendMailOptions,
      options.sign ?? { domain: DOMAIN },
    );
    await writeFile(file, raw);
    return {
      kind,
      expected,
      source: options.source ?? '127.0.0.2',
      envelopeFrom,
      to,
      file,
      messageId: message.messageId.replace(/^<|>$/g, ''),
      bytes: raw.length,
      attachmentBytes: attachmentBytes(message.attachments),
    };
  }

  #deskAddress(): string {
    return this.#random.chance(0.7) ? DESK_ADDRESSES[0] : DESK_ADDRESSES[1];
  }

  /**
   * Whether the next mail that may carry an attachment gets one under the stream's plan: spread
   * evenly (the i-th of `eligible` gets one when the running count steps up), so the share is exact.
   */
  #planned(): boolean | undefined {
    const plan = this.#attachPlan;
    if (plan === undefined) return undefined;
    const i = plan.seen++;
    return (
      Math.floor(((i + 1) * plan.attached) / plan.eligible) > Math.floor((i * plan.attached) / plan.eligible)
    );
  }

  /** One 8–64 KiB file (a screenshot or a PDF), as a gateway-shaped stream sends. */
  #oneAttachment(): NonNullable<SendMailOptions['attachments']> {
    const fits = (b: Buffer) => b.length >= ATTACHMENT_BYTES.min && b.length <= ATTACHMENT_BYTES.max;
    if (this.#random.chance(0.6)) {
      return [
        {
          filename: 'capture d’écran.png',
          content: this.#random.pick(this.#screenshots.filter(fits)),
          contentType: 'image/png',
        },
      ];
    }
    return [
      {
        filename: `bulletin élève ${this.#random.int(1, 28)}.pdf`,
        content: this.#random.pick(this.#pdfs.filter(fits)),
        contentType: 'application/pdf',
      },
    ];
  }

  /** A mail's attachments: `attach` if decided (a planned stream), else `share` of the time. */
  #attachments(share: number, attach = this.#planned()): SendMailOptions['attachments'] {
    if (attach !== undefined) return attach ? this.#oneAttachment() : undefined;
    if (!this.#random.chance(share)) return undefined;
    const roll = this.#random.next();
    const png = {
      filename: 'capture d’écran.png',
      content: this.#random.pick(this.#screenshots),
      contentType: 'image/png',
    };
    const pdf = {
      filename: `bulletin élève ${this.#random.int(1, 28)}.pdf`,
      content: this.#random.pick(this.#pdfs),
      contentType: 'application/pdf',
    };
    return roll < 0.6 ? [png] : roll < 0.9 ? [pdf] : [png, pdf];
  }

  /** A new request from a director of the directory (their address or their school's mailbox). */
  newRequest(
    kind: 'new_request' | 'quota_burst' = 'new_request',
    expected: Outcome = 'ticket_created',
    sender = this.#senders.take(),
  ): Spec {
    return {
      kind,
      expected,
      build: async () => {
        const { director, school, address } = sender;
        const text = requestBody(this.#random, {
          ...director,
          school: school.name,
          commune: school.commune,
          uai: school.uai,
        });
        const fromName =
          address === school.mailbox ? school.name : `${director.firstName} ${director.lastName}`;
        return this.#write(kind, expected, {
          from: { name: fromName, address },
          to: this.#deskAddress(),
          ...(this.#random.chance(0.1)
            ? { cc: `ien.${addressLocalPart('circ', school.commune).slice(5)}@${DOMAIN}` }
            : {}),
          subject: requestSubject(this.#random),
          text,
          ...(this.#random.chance(0.3) ? { html: htmlOf(text) } : {}),
          attachments: this.#attachments(0.25),
          messageId: `<${this.#messageId()}>`,
          headers: { 'X-Mailer': this.#random.pick(MAILER_HEADERS) },
        });
      },
    };
  }

  /** `count` new requests from one director, the first `cap` accepted, the rest over the cap. */
  quotaBurst(count: number, cap: number): Spec[] {
    const director = this.#senders.reserveFresh();
    const school = director.schools[0] as BenchDirector['schools'][number];
    return Array.from({ length: count }, (_, i) =>
      this.newRequest('quota_burst', i < cap ? 'ticket_created' : 'rate_limited', {
        address: director.email,
        director,
        school,
      }),
    );
  }

  /** Resends a mail as is, same Message-ID: a duplicate. */
  duplicateOf(original: Promise<CorpusMail>): Spec {
    return {
      kind: 'duplicate',
      expected: 'duplicate',
      build: async () => ({ ...(await original), kind: 'duplicate', expected: 'duplicate' }),
    };
  }

  /** An automatic mail: out-of-office, `X-Autoreply`, a bounce with an empty return path, a list. */
  autoReply(): Spec {
    const variant = this.#random.int(0, 3);
    return {
      kind: 'auto_reply',
      expected: 'auto_reply',
      build: async () => {
        const { director, address } = this.#senders.take(99);
        const name = `${director.firstName} ${director.lastName}`;
        const common = { to: this.#deskAddress(), messageId: `<${this.#messageId()}>` };
        if (variant === 0) {
          return this.#write('auto_reply', 'auto_reply', {
            ...common,
            from: { name, address },
            subject: `Réponse automatique : ${requestSubject(this.#random)}`,
            text: outOfOfficeText(this.#random),
            headers: { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All' },
          });
        }
        if (variant === 1) {
          return this.#write('auto_reply', 'auto_reply', {
            ...common,
            from: { name, address },
            subject: `Absente du bureau – ${requestSubject(this.#random)}`,
            text: outOfOfficeText(this.#random),
            headers: { 'X-Autoreply': 'yes' },
          });
        }
        if (variant === 2) {
          return this.#write(
            'auto_reply',
            'auto_reply',
            {
              ...common,
              from: { name: 'Mail Delivery System', address: `MAILER-DAEMON@${DOMAIN}` },
              subject: `Non remis : ${requestSubject(this.#random)}`,
              text: `Votre message n’a pas pu être remis à ${address}.\n\nRaison : boîte aux lettres pleine.`,
            },
            { envelopeFrom: '' },
          );
        }
        return this.#write(
          'auto_reply',
          'auto_reply',
          {
            ...common,
            from: { name: 'Liste directeurs 21', address: `directeurs21@listes.${DOMAIN}` },
            subject: 'Lettre d’information des directeurs – calendrier LSUN',
            text: 'Bonjour à toutes et à tous,\n\nVoici le calendrier de la campagne LSUN du 2e trimestre…',
            headers: { Precedence: 'bulk', 'List-Id': `Directeurs 21 <directeurs21.listes.${DOMAIN}>` },
          },
          { sign: { domain: DOMAIN } },
        );
      },
    };
  }

  /** A mail the receipt rule flags: GTUBE in the body, or EICAR as an attachment. */
  spamOrVirus(): Spec {
    const virus = this.#random.chance(0.5);
    return {
      kind: 'spam_or_virus',
      expected: 'spam_or_virus',
      build: async () => {
        const { director, address } = this.#senders.take(99);
        return this.#write(
          'spam_or_virus',
          'spam_or_virus',
          virus
            ? {
                from: { name: `${director.firstName} ${director.lastName}`, address },
                to: this.#deskAddress(),
                subject: `LSUN : facture impayée n°${this.#random.int(1000, 9999)}`,
                text: 'Bonjour,\n\nVeuillez trouver ci-joint la facture en attente de règlement.',
                attachments: [{ filename: 'facture.pdf.com', content: Buffer.from(EICAR) }],
                messageId: `<${this.#messageId()}>`,
              }
            : {
                from: { name: 'Offres exclusives', address: 'promo@offres-rentree.example' },
                to: this.#deskAddress(),
                subject: 'Gagnez une tablette pour votre école ! LSUN',
                text: `Cliquez ici pour participer.\n\n${GTUBE}\n`,
                messageId: `<${this.#messageId()}>`,
              },
          { source: '127.0.0.1', sign: false },
        );
      },
    };
  }

  /** A spoof of an academic address from an unauthorised host, or a private address without DMARC. */
  notAuthenticated(): Spec {
    const spoof = this.#random.chance(0.5);
    return {
      kind: 'not_authenticated',
      expected: 'not_authenticated',
      build: async () => {
        const { director, school, address } = this.#senders.take(99);
        const name = `${director.firstName} ${director.lastName}`;
        const personal = `${addressLocalPart(director.firstName, director.lastName)}${this.#random.int(1, 99)}@${this.#random.pick(['gmail.com', 'orange.fr', 'laposte.net', 'wanadoo.fr'])}`;
        return this.#write(
          'not_authenticated',
          'not_authenticated',
          {
            from: { name, address: spoof ? address : personal },
            to: this.#deskAddress(),
            subject: requestSubject(this.#random),
            text: requestBody(this.#random, {
              ...director,
              school: school.name,
              commune: school.commune,
              uai: school.uai,
            }),
            messageId: `<${this.#messageId()}>`,
          },
          // Unsigned either way; the spoof also comes from a host the SPF record refuses.
          { source: spoof ? '127.0.0.1' : '127.0.0.2', sign: false },
        );
      },
    };
  }

  /**
   * An address under a subdomain of the académie (the old `ia21.ac-dijon.fr` style), signed by
   * ac-dijon.fr so that DMARC passes by relaxed alignment: authenticated, but not academic.
   * (A gmail.com sender cannot reach this outcome locally: the DNS fixture publishes nothing for
   * gmail.com, so it is refused one step earlier as not authenticated.)
   */
  notAcademic(): Spec {
    return {
      kind: 'not_academic',
      expected: 'not_academic',
      build: async () => {
        const { director, school } = this.#senders.take(99);
        const subdomain = `${this.#random.pick(['ia21', 'ia58', 'ia71', 'ia89', 'etab'])}.${DOMAIN}`;
        const address = `${addressLocalPart(director.firstName, director.lastName)}@${subdomain}`;
        return this.#write('not_academic', 'not_academic', {
          from: { name: `${director.firstName} ${director.lastName}`, address },
          to: this.#deskAddress(),
          subject: requestSubject(this.#random),
          text: requestBody(this.#random, {
            ...director,
            school: school.name,
            commune: school.commune,
            uai: school.uai,
          }),
          messageId: `<${this.#messageId()}>`,
        });
      },
    };
  }

  /** A director's request without the LSUN keyword (it counts against their daily cap). */
  noKeyword(): Spec {
    return {
      kind: 'no_keyword',
      expected: 'no_keyword',
      build: async () => {
        const { director, school, address } = this.#senders.take();
        const text = requestBody(this.#random, {
          ...director,
          school: school.name,
          commune: school.commune,
          uai: school.uai,
        });
        return this.#write('no_keyword', 'no_keyword', {
          from: { name: `${director.firstName} ${director.lastName}`, address },
          to: this.#deskAddress(),
          subject: noKeywordSubject(this.#random),
          text,
          attachments: this.#attachments(0.2),
          messageId: `<${this.#messageId()}>`,
        });
      },
    };
  }

  /** An academic address that is not in the directory: a teacher writing instead of the director. */
  notDirector(): Spec {
    return {
      kind: 'not_director',
      expected: 'not_director',
      build: async () => {
        const firstName = this.#random.pick(FIRST_NAMES);
        const lastName = this.#random.pick(LAST_NAMES);
        let address: string;
        let n = this.#random.int(10, 99);
        do address = `${addressLocalPart(firstName, lastName)}${n++}@${DOMAIN}`;
        while (this.#directory.addresses.has(address));
        this.#directory.addresses.add(address);
        return this.#write('not_director', 'not_director', {
          from: { name: `${firstName} ${lastName}`, address },
          to: this.#deskAddress(),
          subject: requestSubject(this.#random),
          text: `Bonjour,\n\nJe suis enseignant${this.#random.chance(0.7) ? 'e' : ''} en CM1 et je n’arrive pas à saisir mes appréciations dans LSU.\n\nMerci,\n${firstName} ${lastName}`,
          messageId: `<${this.#messageId()}>`,
        });
      },
    };
  }

  /** A follow-up spec: composed at send time, once a ticket to follow up exists. */
  followUp(): Spec {
    return {
      kind: 'follow_up',
      expected: 'follow_up',
      build: async () => {
        const withAttachment = this.#planned();
        return {
          kind: 'follow_up',
          expected: 'follow_up',
          source: '127.0.0.2',
          envelopeFrom: '',
          to: DESK_ADDRESSES[0],
          messageId: '',
          bytes: 0,
          ...(withAttachment === undefined ? {} : { withAttachment }),
        };
      },
    };
  }

  /** Composes the reply of a ticket's requester to its acknowledgment, keeping the tag. */
  async composeFollowUp(
    ticket: OpenTicket,
    withAttachment?: boolean,
  ): Promise<{ mail: CorpusMail; raw: Buffer }> {
    const messageId = this.#messageId();
    const text = `${followUpText(this.#random)}\n\n> ${ticket.ackSubject}\n> Votre demande a bien été enregistrée.`;
    const to = DESK_ADDRESSES[0];
    const attachments = this.#attachments(0.2, withAttachment);
    const raw = await this.compose(
      {
        from: ticket.requester,
        to,
        subject: `Re: ${ticket.ackSubject}`,
        text,
        ...(this.#random.chance(0.3) ? { html: htmlOf(text) } : {}),
        attachments,
        messageId: `<${messageId}>`,
        inReplyTo: `<${ticket.ackMessageId}>`,
        references: `${ticket.references} <${ticket.ackMessageId}>`.trim(),
        envelope: { from: ticket.requester, to: [to] },
      } as SendMailOptions,
      { domain: DOMAIN },
    );
    return {
      mail: {
        kind: 'follow_up',
        expected: 'follow_up',
        source: '127.0.0.2',
        envelopeFrom: ticket.requester,
        to,
        messageId,
        bytes: raw.length,
        attachmentBytes: attachmentBytes(attachments),
      },
      raw,
    };
  }

  close(): void {
    this.#composer.close();
  }

  /**
   * A mixed stream of `total` mails: 70 % new requests, 10 % follow-ups, 20 % rejections split
   * evenly over the eight kinds (`rate_limited` as directors sending 15 requests: 10 accepted,
   * then 5 over the cap). Duplicates come after their original, follow-ups after the first
   * 15 % of the stream, so that there is something to duplicate and to follow up. `shape` sets
   * another share of follow-ups (taken from the new requests) and an exact share of attachments.
   */
  async mix(total: number, cap: number, shape: MixShape = { followUps: 0.1 }): Promise<CorpusMail[]> {
    const followUps = Math.round(total * shape.followUps);
    const rejections = Math.round(total * 0.2);
    const share = distribute(rejections, REJECTION_KINDS.length);
    const count = (kind: RejectionKind) => share[REJECTION_KINDS.indexOf(kind)] ?? 0;
    const limited = count('rate_limited');
    const bursts = distribute(limited, Math.ceil(limited / 5));
    const burstAccepted = bursts.length * cap;
    const plainRequests = total - followUps - rejections - burstAccepted;
    if (plainRequests < count('duplicate')) {
      throw new CorpusError(`${total} mails are too few for this mix: ask for at least 60`);
    }

    if (shape.attachments !== undefined) {
      // Requests (plain and bursts), requests without the keyword, and follow-ups may carry one.
      const eligible = plainRequests + burstAccepted + limited + count('no_keyword') + followUps;
      this.#attachPlan = { eligible, attached: Math.round(total * shape.attachments), seen: 0 };
    }

    type Placed = { spec: Spec; key: number; original?: number };
    const base: Spec[] = [];
    for (let i = 0; i < plainRequests; i++) base.push(this.newRequest());
    for (const extra of bursts) base.push(...this.quotaBurst(cap + extra, cap));
    for (let i = 0; i < count('auto_reply'); i++) base.push(this.autoReply());
    for (let i = 0; i < count('spam_or_virus'); i++) base.push(this.spamOrVirus());
    for (let i = 0; i < count('not_authenticated'); i++) base.push(this.notAuthenticated());
    for (let i = 0; i < count('not_academic'); i++) base.push(this.notAcademic());
    for (let i = 0; i < count('no_keyword'); i++) base.push(this.noKeyword());
    for (let i = 0; i < count('not_director'); i++) base.push(this.notDirector());

    const shuffled = this.#random.shuffle(base);
    const placed: Placed[] = shuffled.map((spec, i) => ({ spec, key: i / shuffled.length }));
    const originals = this.#random
      .shuffle(placed.filter((p) => p.spec.kind === 'new_request' && p.key < 0.8))
      .slice(0, count('duplicate'));
    const built = new Map<Placed, Promise<CorpusMail>>();
    for (const original of originals) {
      const promise = original.spec.build();
      built.set(original, promise);
      const key = original.key + 0.02 + this.#random.next() * (1 - original.key - 0.02);
      placed.push({ spec: this.duplicateOf(promise), key });
    }
    for (let i = 0; i < followUps; i++)
      placed.push({ spec: this.followUp(), key: 0.15 + this.#random.next() * 0.85 });
    placed.sort((a, b) => a.key - b.key);

    const mails: CorpusMail[] = [];
    try {
      for (const p of placed) mails.push(await (built.get(p) ?? p.spec.build()));
    } finally {
      this.#attachPlan = undefined;
    }
    return mails;
  }

  /** `count` mails of one kind, for the phases that attribute requests to outcomes. */
  async only(
    kind: Exclude<MailKind, 'quota_burst' | 'duplicate' | 'follow_up'> | 'follow_up',
    count: number,
  ): Promise<CorpusMail[]> {
    const spec = (): Spec => {
      switch (kind) {
        case 'new_request':
          return this.newRequest('new_request', 'ticket_created', this.#senders.take(1));
        case 'follow_up':
          return this.followUp();
        case 'auto_reply':
          return this.autoReply();
        case 'spam_or_virus':
          return this.spamOrVirus();
        case 'not_authenticated':
          return this.notAuthenticated();
        case 'not_academic':
          return this.notAcademic();
        case 'no_keyword':
          return this.noKeyword();
        case 'not_director':
          return this.notDirector();
      }
    };
    const mails: CorpusMail[] = [];
    for (let i = 0; i < count; i++) mails.push(await spec().build());
    return mails;
  }

  /** `directors` bursts of `cap + extra` requests: the first `cap` of each warm the counter up. */
  async bursts(
    directors: number,
    cap: number,
    extra: number,
  ): Promise<{ warmUp: CorpusMail[]; over: CorpusMail[] }> {
    const warmUp: CorpusMail[] = [];
    const over: CorpusMail[] = [];
    for (let d = 0; d < directors; d++) {
      const specs = this.quotaBurst(cap + extra, cap);
      for (const [i, spec] of specs.entries()) (i < cap ? warmUp : over).push(await spec.build());
    }
    return { warmUp, over };
  }
}

/** The bytes of a mail's attachments before encoding. */
function attachmentBytes(attachments: SendMailOptions['attachments']): number {
  return (attachments ?? []).reduce(
    (total, a) => total + (Buffer.isBuffer(a.content) ? a.content.length : String(a.content ?? '').length),
    0,
  );
}

/** Splits `total` into `parts` near-equal integers (the first ones get the remainder). */
export function distribute(total: number, parts: number): number[] {
  if (parts <= 0) return [];
  const base = Math.floor(total / parts);
  return Array.from({ length: parts }, (_, i) => base + (i < total % parts ? 1 : 0));
}

function addressOf(mailbox: string): string {
  const match = /<([^>]*)>\s*$/.exec(mailbox);
  return (match?.[1] ?? mailbox).trim();
}
