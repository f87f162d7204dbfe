/**
 * A corpus of hostile mail: real mails (the fixtures of test/fixtures/mails and realistic French
 * director mails with LSUN in the subject) mutated the ways real mail breaks: encoded words that
 * break RFC 2047, From headers that are not quite addresses, raw 8-bit headers, truncated MIME,
 * wrong or missing boundaries, NUL bytes, very long header lines; plus the extreme ones (a
 * 1,000-part multipart, 50-deep message/rfc822 nesting, a 30 MB mail, an empty mail, and one over
 * SES's 40 MB that must be refused at SMTP).
 *
 * Deterministic from its seed: the same seed gives the same bytes, so a mail that breaks the desk
 * is found again by its seed and index. Mails are made one at a time (a generator), so 10,000 of
 * them never sit in memory together.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { decodeHeaderValue } from '#shared/mail/encoded-words.ts';
import { type Random, seededRandom } from '../../bench/lib/random.ts';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/mails');

/** Every way a mail is broken; a mutated mail carries one to three of them. */
export const MUTATIONS = [
  'q-spaces',
  'q-leading-space',
  'unknown-charset',
  'bad-base64',
  'split-words',
  'from-no-brackets',
  'from-space-in-address',
  'from-several',
  'header-8bit',
  'attachment-name',
  'wrong-boundary',
  'missing-boundary',
  'truncated',
  'nul-bytes',
  'long-header',
  'long-message-id',
  'duplicate-headers',
  'bad-transfer-encoding',
  'line-endings',
  'no-headers',
  'garbage-body',
] as const;
export type Mutation = (typeof MUTATIONS)[number];

/** The extreme mails, one of each. `oversize` is over SES's 40 MB: SMTP must refuse it (552). */
export const EXTREMES = ['parts-1000', 'nested-50', 'size-30mb', 'empty', 'oversize'] as const;
export type Extreme = (typeof EXTREMES)[number];

export type HostileMail = {
  /** Its place in the corpus: with the seed, it names the mail again. */
  index: number;
  /** The mutations applied, in order, or the extreme it is. */
  kinds: Array<Mutation | Extreme>;
  /** The SMTP envelope: MAIL FROM (a director's address, so that SPF passes from 127.0.0.2). */
  envelopeFrom: string;
  to: string;
  raw: Buffer;
};

export type Director = { first: string; last: string; email: string };

/**
 * The directors of the demo directory (data/annuaire-demo.csv, which the test desk loads): mails
 * spread over all of them reach the ticket step rather than the daily cap.
 */
export const DEMO_DIRECTORS: readonly Director[] = (() => {
  const csv = readFileSync(path.resolve(import.meta.dirname, '../../data/annuaire-demo.csv'), 'utf8');
  const seen = new Set<string>();
  const directors: Director[] = [];
  for (const line of csv.split(/\r?\n/).slice(1)) {
    const [, , , , , , last = '', first = '', email = ''] = line.split(';');
    if (email === '' || seen.has(email)) continue;
    seen.add(email);
    directors.push({ first, last, email });
  }
  return directors;
})();

export const DESK = 'assistance1d@ac-dijon.fr';

export type CorpusOptions = {
  seed: number;
  /** Mutated mails to make. */
  count: number;
  /** Senders to write as; defaults to {@link DEMO_DIRECTORS}. */
  directors?: readonly Director[];
  /** Which extremes to add after the mutated mails (none by default). */
  extremes?: readonly Extreme[];
  /** Size of `size-30mb` in bytes (30,000,000 by default; smaller for a quick check). */
  bigMailBytes?: number;
  /** Size of `oversize` in bytes (40,000,001 by default: one byte over SES's limit). */
  oversizeBytes?: number;
};

const SUBJECTS = [
  'LSUN : impossible d’éditer les bulletins de CM2',
  'Problème LSUN – élèves absents de l’export',
  'LSUN bilan périodique : la synthèse ne s’enregistre pas',
  'Re: LSUN accès refusé pour l’enseignante de CE1',
  'LSUN : les appréciations générales ont disparu',
  'Question LSUN – livret de l’école maternelle « Les Tilleuls »',
  'LSUN urgent : réunion parents-professeurs jeudi, bulletins indisponibles',
  'Fwd: LSUN erreur 500 à la validation des compétences',
];

const BODIES = [
  'Bonjour,\r\n\r\nDepuis ce matin, l’édition des bulletins de CM2 échoue avec un message d’erreur.\r\nPourriez-vous m’aider ?\r\n\r\nCordialement,\r\n',
  'Bonjour,\r\n\r\nTrois élèves arrivés en cours d’année n’apparaissent pas dans LSUN.\r\nMerci d’avance pour votre aide.\r\n',
  'Bonjour,\r\n\r\nL’enseignante de CE1 n’a plus accès à sa classe dans LSUN. Les appréciations sont-elles perdues ?\r\n\r\nBien à vous,\r\n',
];

/** Header block and body of a mail held as a binary string (one char per byte). */
type Mail = { head: string[]; body: string };

function bin(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}

function split(raw: string): Mail {
  const match = /\r?\n\r?\n/.exec(raw);
  if (!match) return { head: raw.split(/\r?\n/).filter((line) => line !== ''), body: '' };
  const head = raw.slice(0, match.index).split(/\r?\n/);
  return { head, body: raw.slice(match.index + match[0].length) };
}

function join(mail: Mail): string {
  return `${mail.head.join('\r\n')}\r\n\r\n${mail.body}`;
}

/** Replaces a header (with its folded lines) by `lines`, or adds it on top. */
function setHeader(mail: Mail, name: string, ...lines: string[]): void {
  const start = mail.head.findIndex((line) => line.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  if (start < 0) {
    mail.head.unshift(...lines);
    return;
  }
  let end = start + 1;
  while (end < mail.head.length && /^[ \t]/.test(mail.head[end] ?? '')) end++;
  mail.head.splice(start, end - start, ...lines);
}

function headerValue(mail: Mail, name: string): string | undefined {
  const line = mail.head.find((entry) => entry.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line?.slice(name.length + 1).trim();
}

function qEncode(bytes: Buffer, spaces: 'underscore' | 'literal' = 'underscore'): string {
  let out = '';
  for (const byte of bytes) {
    if (byte === 0x20) out += spaces === 'literal' ? ' ' : '_';
    else if (byte > 0x20 && byte < 0x7f && byte !== 0x3d && byte !== 0x3f && byte !== 0x5f)
      out += String.fromCharCode(byte);
    else out += `=${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function baseMails(): string[] {
  const files = readdirSync(FIXTURES)
    .filter((name) => name.endsWith('.eml'))
    .sort();
  return files.map((name) => readFileSync(path.join(FIXTURES, name)).toString('latin1'));
}

/** A realistic director mail, sometimes with an attachment, as a binary string. */
function directorMail(rnd: Random, director: Director, index: number): string {
  const subject = rnd.pick(SUBJECTS);
  const body = `${rnd.pick(BODIES)}${director.first} ${director.last}\r\nDirection de l’école\r\n`;
  const head = [
    `From: =?utf-8?Q?${qEncode(Buffer.from(`${director.first} ${director.last}`))}?= <${director.email}>`,
    `To: ${DESK}`,
    `Subject: =?utf-8?B?${Buffer.from(subject).toString('base64')}?=`,
    `Date: Mon, 7 Dec 2026 08:${String(index % 60).padStart(2, '0')}:00 +0100`,
    `Message-ID: <base-${index}@ac-dijon.fr>`,
    'MIME-Version: 1.0',
  ];
  if (!rnd.chance(0.5)) {
    return `${[...head, 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit'].join('\r\n')}\r\n\r\n${bin(body)}`;
  }
  const boundary = `----=_Part_${index}_${rnd.int(1000, 9999)}`;
  return [
    ...head,
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    qEncode(Buffer.from(body), 'literal').replace(/=0D=0A/g, '\r\n'),
    `--${boundary}`,
    'Content-Type: image/png; name="capture-ecran.png"',
    'Content-Disposition: attachment; filename="capture-ecran.png"',
    'Content-Transfer-Encoding: base64',
    '',
    Buffer.from('\x89PNG\r\n\x1a\n capture LSUN', 'latin1').toString('base64'),
    `--${boundary}--`,
    '',
  ].join('\r\n');
}

const MUTATE: Record<
  Mutation,
  (mail: Mail, rnd: Random, ctx: { director: Director; index: number }) => void
> = {
  'q-spaces': (mail, rnd) => {
    const subject = rnd.pick(['Bulletins LSUN bloques', 'LSUN export des eleves', 'Probleme LSUN urgent']);
    setHeader(mail, 'Subject', `Subject: =?us-ascii?Q?${subject}?=`);
  },
  'q-leading-space': (mail, rnd) => {
    const subject = Buffer.from(rnd.pick(SUBJECTS));
    setHeader(mail, 'Subject', `Subject: Re: =?utf-8?Q? ${qEncode(subject)}?=`);
  },
  'unknown-charset': (mail, rnd) => {
    const label = rnd.pick([
      'x-unknown',
      'x-mac-french',
      'latin-9x',
      'cp-1252',
      'utf8mb4',
      'ISO_8859-1:1987',
      '',
    ]);
    const subject = Buffer.from(rnd.pick(SUBJECTS).replace(/[’«»–]/g, "'"), 'latin1');
    const word = rnd.chance(0.5)
      ? `=?${label}?Q?${qEncode(subject)}?=`
      : `=?${label}?B?${subject.toString('base64')}?=`;
    setHeader(mail, 'Subject', `Subject: ${word}`);
  },
  'bad-base64': (mail, rnd) => {
    const encoded = Buffer.from(rnd.pick(SUBJECTS)).toString('base64');
    const cut = encoded.slice(0, rnd.int(4, encoded.length));
    const junk = rnd.pick(['!!', ' ', '*', '==', '-_', '\t']);
    const at = rnd.int(0, cut.length);
    setHeader(mail, 'Subject', `Subject: =?utf-8?B?${cut.slice(0, at)}${junk}${cut.slice(at)}?=`);
  },
  'split-words': (mail, rnd) => {
    const bytes = Buffer.from(rnd.pick(SUBJECTS));
    const words: string[] = [];
    for (let start = 0; start < bytes.length; ) {
      const end = Math.min(bytes.length, start + rnd.int(3, 17));
      const chunk = bytes.subarray(start, end);
      words.push(
        rnd.chance(0.5) ? `=?UTF-8?Q?${qEncode(chunk)}?=` : `=?UTF-8?B?${chunk.toString('base64')}?=`,
      );
      start = end;
    }
    setHeader(mail, 'Subject', `Subject: ${words[0]}`, ...words.slice(1).map((word) => ` ${word}`));
  },
  'from-no-brackets': (mail, _rnd, { director }) => {
    setHeader(mail, 'From', `From: ${bin(`${director.first} ${director.last}`)} ${director.email}`);
  },
  'from-space-in-address': (mail, rnd, { director }) => {
    const spaced = director.email.replace('.', ' ');
    setHeader(mail, 'From', rnd.chance(0.5) ? `From: "${director.last}" <${spaced}>` : `From: ${spaced}`);
  },
  'from-several': (mail, rnd, { director }) => {
    const other = rnd.pick(DEMO_DIRECTORS);
    setHeader(
      mail,
      'From',
      `From: ${bin(director.first)} <${director.email}>, ${bin(other.first)} <${other.email}>`,
    );
  },
  'header-8bit': (mail, rnd, { director }) => {
    const latin = (text: string) => Buffer.from(text.replace(/[’«»–]/g, "'"), 'latin1').toString('latin1');
    setHeader(mail, 'Subject', `Subject: ${latin(rnd.pick(SUBJECTS))}`);
    if (rnd.chance(0.5))
      setHeader(mail, 'From', `From: ${latin(`${director.first} ${director.last}`)} <${director.email}>`);
  },
  'attachment-name': (mail, rnd) => {
    const boundary = `hostile-${rnd.int(1, 1e9)}`;
    const name = rnd.pick([
      `filename*=x-inconnu''relev%E9%20de%20notes.pdf`,
      `filename="=?utf-8?Q?bulletin_=C3?= =?utf-8?Q?=A9l=C3=A8ve.pdf?="`,
      `filename="${Buffer.from('élève.pdf', 'latin1').toString('latin1')}"`,
      `filename="=?x-unknown?B?${Buffer.from('été.pdf', 'latin1').toString('base64')}?="`,
      `filename*0*=utf-8''%C3%A9; filename*2="oops.pdf"`,
      `filename="${'a'.repeat(rnd.int(300, 5000))}.pdf"`,
    ]);
    const text = mail.body;
    setHeader(mail, 'Content-Type', `Content-Type: multipart/mixed; boundary="${boundary}"`);
    setHeader(mail, 'Content-Transfer-Encoding');
    mail.body = [
      `--${boundary}`,
      'Content-Type: text/plain; charset=utf-8',
      '',
      text,
      `--${boundary}`,
      'Content-Type: application/pdf',
      `Content-Disposition: attachment; ${name}`,
      'Content-Transfer-Encoding: base64',
      '',
      'JVBERi0xLjQK',
      `--${boundary}--`,
      '',
    ].join('\r\n');
  },
  'wrong-boundary': (mail, rnd) => {
    const type = headerValue(mail, 'Content-Type') ?? '';
    if (/multipart/i.test(type)) {
      setHeader(mail, 'Content-Type', `Content-Type: multipart/mixed; boundary="not-${rnd.int(1, 1e6)}"`);
    } else {
      setHeader(mail, 'Content-Type', 'Content-Type: multipart/alternative; boundary="xyz"');
      mail.body = `--abc\r\nContent-Type: text/plain\r\n\r\n${mail.body}\r\n--abc--\r\n`;
    }
  },
  'missing-boundary': (mail, rnd) => {
    setHeader(
      mail,
      'Content-Type',
      rnd.chance(0.5) ? 'Content-Type: multipart/mixed' : 'Content-Type: multipart/related; boundary=',
    );
    if (rnd.chance(0.5)) mail.body = mail.body.replace(/\r?\n--[^\r\n]*--\s*$/, '\r\n');
  },
  truncated: (mail, rnd) => {
    mail.body = mail.body.slice(0, rnd.int(0, mail.body.length));
  },
  'nul-bytes': (mail, rnd) => {
    const where = rnd.int(0, 2);
    if (where !== 1) mail.body = mail.body.replace(/ /g, (space) => (rnd.chance(0.2) ? '\0' : space));
    if (where !== 0) setHeader(mail, 'Subject', `Subject: LSUN\0 bulletins\0 ${'\0'.repeat(rnd.int(1, 20))}`);
  },
  'long-header': (mail, rnd) => {
    // Mostly tens of kilobytes; rarely over the parser's 2 MiB of headers.
    const length = rnd.chance(0.003) ? 2_200_000 : rnd.int(1_000, 60_000);
    const filler = 'LSUN bulletin '.repeat(Math.ceil(length / 14)).slice(0, length);
    if (rnd.chance(0.5)) setHeader(mail, 'Subject', `Subject: ${filler}`);
    else mail.head.push(`X-Long: ${filler}`);
  },
  'long-message-id': (mail, rnd) => {
    setHeader(mail, 'Message-ID', `Message-ID: <${'m'.repeat(rnd.int(900, 5000))}@ac-dijon.fr>`);
    mail.head.push(
      `References: ${Array.from({ length: rnd.int(50, 400) }, (_, n) => `<r${n}@x.fr>`).join(' ')}`,
    );
  },
  'duplicate-headers': (mail, rnd) => {
    const extra = [
      'From: intrus@example.com',
      'Subject: Autre sujet',
      'Content-Type: text/html; charset=iso-8859-1',
      'Content-Transfer-Encoding: base64',
    ];
    mail.head.push(rnd.pick(extra), rnd.pick(extra));
  },
  'bad-transfer-encoding': (mail, rnd) => {
    setHeader(
      mail,
      'Content-Transfer-Encoding',
      `Content-Transfer-Encoding: ${rnd.pick(['base64', 'x-uuencode', 'quoted-printable', '8bits', 'binary'])}`,
    );
    if (rnd.chance(0.5)) mail.body = `${mail.body}=\r\n=ZZ=4=\r\n!!!===`;
  },
  'line-endings': (mail, rnd) => {
    const style = rnd.int(0, 2);
    const convert = (text: string) =>
      style === 0
        ? text.replace(/\r\n/g, '\n')
        : style === 1
          ? text.replace(/\r\n/g, '\r')
          : text.replace(/\r\n/g, () => (rnd.chance(0.5) ? '\n' : '\r\n'));
    mail.body = convert(mail.body);
  },
  'no-headers': (mail) => {
    mail.head = [];
  },
  'garbage-body': (mail, rnd) => {
    let garbage = '';
    const length = rnd.int(10, 20_000);
    for (let n = 0; n < length; n++) garbage += String.fromCharCode(rnd.int(0, 255));
    mail.body = garbage;
  },
};

/** Mutations that destroy what others would build on: applied last. */
const LAST: readonly Mutation[] = ['truncated', 'nul-bytes', 'line-endings', 'no-headers', 'garbage-body'];

function extremeMail(kind: Extreme, rnd: Random, director: Director, options: CorpusOptions): Buffer {
  const head = (extra: string[]) =>
    [
      `From: ${bin(`${director.first} ${director.last}`)} <${director.email}>`,
      `To: ${DESK}`,
      `Subject: LSUN ${kind}`,
      `Message-ID: <extreme-${kind}-${options.seed}@ac-dijon.fr>`,
      'MIME-Version: 1.0',
      ...extra,
    ].join('\r\n');
  switch (kind) {
    case 'empty':
      return Buffer.alloc(0);
    case 'parts-1000': {
      const parts = ['--p\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nMille pièces jointes.\r\n'];
      for (let n = 1; n < 1000; n++) {
        parts.push(
          `--p\r\nContent-Type: text/plain; name="piece-${n}.txt"\r\nContent-Disposition: attachment; filename="piece-${n}.txt"\r\n\r\nPièce ${n}\r\n`,
        );
      }
      return Buffer.from(
        `${head(['Content-Type: multipart/mixed; boundary="p"'])}\r\n\r\n${parts.join('')}--p--\r\n`,
      );
    }
    case 'nested-50': {
      let inner = `From: ${director.email}\r\nSubject: LSUN niveau 50\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nAu fond de 50 transferts.\r\n`;
      for (let level = 49; level >= 1; level--) {
        inner = `From: ${director.email}\r\nSubject: Fwd: LSUN niveau ${level}\r\nMIME-Version: 1.0\r\nContent-Type: message/rfc822\r\n\r\n${inner}`;
      }
      return Buffer.from(`${head(['Content-Type: message/rfc822'])}\r\n\r\n${inner}`);
    }
    case 'size-30mb':
    case 'oversize': {
      const target =
        kind === 'oversize' ? (options.oversizeBytes ?? 40_000_001) : (options.bigMailBytes ?? 30_000_000);
      const top = Buffer.from(
        `${head(['Content-Type: multipart/mixed; boundary="big"'])}\r\n\r\n--big\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nVoici l’export complet.\r\n--big\r\nContent-Type: application/octet-stream; name="export.bin"\r\nContent-Disposition: attachment; filename="export.bin"\r\nContent-Transfer-Encoding: base64\r\n\r\n`,
      );
      const bottom = Buffer.from('\r\n--big--\r\n');
      // Base64 lines of 76 characters and their CRLF: 78 bytes each.
      const lines = Math.max(0, Math.ceil((target - top.length - bottom.length) / 78));
      const line = Buffer.alloc(78);
      const body = Buffer.alloc(lines * 78);
      for (let n = 0; n < lines; n++) {
        const bytes = Buffer.alloc(57);
        for (let b = 0; b < 57; b += 4)
          bytes.writeUInt32LE((rnd.next() * 4_294_967_296) >>> 0, Math.min(b, 53));
        line.write(bytes.toString('base64'), 0, 'latin1');
        line.write('\r\n', 76, 'latin1');
        line.copy(body, n * 78);
      }
      return Buffer.concat([top, body, bottom]);
    }
  }
}

/**
 * The corpus: `count` mutated mails, then the extremes asked for. Each mutated mail starts from a
 * fixture or a director mail, is sent as a director (From and envelope), gets a Message-ID of its
 * own (so that mails are not duplicates of one another unless a mutation says so), then gets one
 * to three mutations.
 */
export function* hostileCorpus(options: CorpusOptions): Generator<HostileMail> {
  const rnd = seededRandom(options.seed);
  const directors = options.directors ?? DEMO_DIRECTORS;
  const fixtures = baseMails();
  for (let index = 0; index < options.count; index++) {
    const director = rnd.pick(directors);
    const base = rnd.chance(0.4) ? rnd.pick(fixtures) : directorMail(rnd, director, index);
    const mail = split(base);
    setHeader(mail, 'From', `From: ${bin(`${director.first} ${director.last}`)} <${director.email}>`);
    setHeader(mail, 'To', `To: ${DESK}`);
    setHeader(mail, 'Message-ID', `Message-ID: <hostile-${options.seed}-${index}@ac-dijon.fr>`);
    for (const name of ['In-Reply-To', 'References']) setHeader(mail, name);
    if (!/LSUN/i.test(decodeHeaderValue(headerValue(mail, 'Subject') ?? '')))
      setHeader(mail, 'Subject', `Subject: ${bin(`LSUN ${rnd.pick(SUBJECTS)}`)}`);
    const picked = new Set<Mutation>();
    const wanted = rnd.int(1, 3);
    while (picked.size < wanted) picked.add(rnd.pick(MUTATIONS));
    const kinds = [...picked].sort((a, b) => Number(LAST.includes(a)) - Number(LAST.includes(b)));
    for (const kind of kinds) MUTATE[kind](mail, rnd, { director, index });
    yield { index, kinds, envelopeFrom: director.email, to: DESK, raw: Buffer.from(join(mail), 'latin1') };
  }
  for (const [offset, kind] of (options.extremes ?? []).entries()) {
    const director = rnd.pick(directors);
    yield {
      index: options.count + offset,
      kinds: [kind],
      envelopeFrom: director.email,
      to: DESK,
      raw: extremeMail(kind, rnd, director, options),
    };
  }
}
