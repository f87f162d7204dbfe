/**
 * Reads a raw MIME mail into the fields the intake works on. Only descriptions of attachments
 * are kept; their bytes stay in the stored raw mail.
 *
 * Real mail is often broken; reading it never fails and never yields a field the desk cannot
 * store. Malformed headers decode the way a person would read them (`encoded-words.ts`), a mail
 * the MIME parser gives up on is read from its headers alone, and every field is bounded: a
 * DynamoDB item holds 400 KB and a key 2,048 bytes, whatever a sender writes.
 */

import PostalMime, { addressParser, type Email } from 'postal-mime';
import type { InboundMail } from '#shared/domain/mail.ts';
import {
  decodeHeaderValue,
  dropControls,
  fixC1,
  headerEnd,
  headersAsUtf8,
} from '#shared/mail/encoded-words.ts';

export { decodeHeaderValue } from '#shared/mail/encoded-words.ts';

export type ParsedMime = Pick<
  InboundMail,
  | 'messageId'
  | 'from'
  | 'fromAddresses'
  | 'sender'
  | 'subject'
  | 'inReplyTo'
  | 'references'
  | 'headers'
  | 'dkimDomains'
  | 'text'
  | 'attachments'
>;

/** The longest body text kept: enough for any real request, bounded for the table and the console. */
export const MAX_TEXT_LENGTH = 100_000;
/** The same bound in UTF-8 bytes (100,000 Chinese characters would be 300 KB of a 400 KB item). */
export const MAX_TEXT_BYTES = 150_000;
/** The longest subject kept (RFC 5322's line limit is 998 characters). */
export const MAX_SUBJECT_LENGTH = 998;
/** The longest display name kept. */
export const MAX_NAME_LENGTH = 200;
/** The longest header value kept for the checks (SES itself cuts the event's headers at 10 KB). */
export const MAX_HEADER_VALUE_LENGTH = 16_000;
/** A Message-ID longer than this (UTF-8 bytes) is ignored: it becomes part of a 2,048-byte key. */
export const MAX_MESSAGE_ID_BYTES = 900;
/** References kept, the latest ones (a thread is found by its last messages). */
export const MAX_REFERENCES = 100;
/** The attachments' descriptions kept, in bytes of JSON: a 1,000-part mail still fits an item. */
export const MAX_ATTACHMENT_DESCRIPTION_BYTES = 100_000;

/**
 * What the ticket shows of a mail the MIME parser could not read: its headers were read, its
 * content stays in the stored original.
 */
export const UNREADABLE_BODY_TEXT =
  '(Le contenu de ce courriel n’a pas pu être lu : sa structure MIME est invalide. Le courriel d’origine est conservé.)';

/** Raised when a mail cannot be parsed at all (the parser's own limits, or bytes that are not a mail). */
export class MimeParseError extends Error {
  override name = 'MimeParseError';
}

/**
 * Parses a raw mail. Never throws: a mail the parser refuses (headers over its limit, nesting
 * too deep, bytes that are no MIME) is read from its top headers alone, with
 * {@link UNREADABLE_BODY_TEXT} as its text, so that it still gets its outcome.
 */
export async function parseMime(raw: Uint8Array | string): Promise<ParsedMime> {
  const bytes = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw;
  const readable = headersAsUtf8(bytes);
  try {
    return describe(await parseEmail(readable));
  } catch (error) {
    if (!(error instanceof MimeParseError)) throw error;
    return describeHeadersOnly(readable);
  }
}

async function describeHeadersOnly(raw: Uint8Array): Promise<ParsedMime> {
  const end = headerEnd(raw);
  try {
    const email = await PostalMime.parse(raw.subarray(0, end), {
      attachmentEncoding: 'arraybuffer',
      // This read is of the headers alone: the limit that protects the full parse is lifted.
      maxHeadersSize: end + 1024,
    });
    return { ...describe(email), text: UNREADABLE_BODY_TEXT, attachments: [] };
  } catch {
    return {
      messageId: undefined,
      from: undefined,
      subject: '',
      inReplyTo: [],
      references: [],
      headers: [],
      dkimDomains: [],
      text: UNREADABLE_BODY_TEXT,
      attachments: [],
    };
  }
}

function describe(email: Email): ParsedMime {
  const headers = email.headers.map((header) => ({
    name: header.key,
    value: cut(dropControls(decodeHeaderValue(header.value)).trim(), MAX_HEADER_VALUE_LENGTH),
  }));
  return {
    messageId: messageIds(email.messageId)[0],
    from: fromOf(email),
    fromAddresses: fromAddresses(email),
    ...senderOf(email),
    subject: cut(
      dropControls(decodeHeaderValue(firstHeader(email, 'subject') ?? ''))
        .replace(/\s+/g, ' ')
        .trim(),
      MAX_SUBJECT_LENGTH,
    ),
    inReplyTo: messageIds(email.inReplyTo).slice(0, MAX_REFERENCES),
    references: messageIds(email.references).slice(-MAX_REFERENCES),
    headers,
    dkimDomains: dkimDomains(email.headers.filter((header) => header.key === 'dkim-signature')),
    text: cutBytes(cut(dropControls(bodyText(email)), MAX_TEXT_LENGTH), MAX_TEXT_BYTES),
    attachments: attachmentsOf(email),
  };
}

/**
 * The descriptions of the attachments, in the parser's order (downloads find them by index),
 * until their budget is spent: the ones after it stay in the raw mail, undescribed.
 */
function attachmentsOf(email: Email): ParsedMime['attachments'] {
  const described: ParsedMime['attachments'] = [];
  // The list's brackets, then each description and its comma.
  let budget = MAX_ATTACHMENT_DESCRIPTION_BYTES - 2;
  for (const attachment of email.attachments) {
    const description = {
      filename: cut(dropControls(fixC1(attachment.filename ?? '')).trim(), 255),
      mimeType: cut(dropControls(attachment.mimeType).trim(), 127) || 'application/octet-stream',
      size: contentSize(attachment.content),
    };
    budget -= Buffer.byteLength(JSON.stringify(description)) + 1;
    if (budget < 0) break;
    described.push(description);
  }
  return described;
}

/**
 * The one way a raw mail is parsed, so that the attachments read later have the indexes of the
 * ones recorded at intake. @throws MimeParseError
 */
async function parseEmail(raw: Uint8Array | string): Promise<Email> {
  try {
    return await PostalMime.parse(raw, { attachmentEncoding: 'arraybuffer' });
  } catch (error) {
    throw new MimeParseError('The mail could not be parsed as MIME', { cause: error });
  }
}

/** One attachment of a raw mail: its bytes, and the file name and type the mail gives it. */
export type AttachmentContent = { bytes: Uint8Array; filename: string; mimeType: string };

/**
 * The attachment at `index` of a raw mail, counted as `parseMime` records them (the console
 * downloads what the intake described); undefined when the mail has no such attachment. The
 * file name is the mail's own, '' when it gives none. @throws MimeParseError
 */
export async function readAttachment(
  raw: Uint8Array | string,
  index: number,
): Promise<AttachmentContent | undefined> {
  const bytes = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw;
  const attachment = (await parseEmail(headersAsUtf8(bytes))).attachments[index];
  if (!attachment) return undefined;
  const { content } = attachment;
  const data =
    typeof content === 'string'
      ? new TextEncoder().encode(content)
      : content instanceof Uint8Array
        ? content
        : new Uint8Array(content);
  return { bytes: data, filename: attachment.filename ?? '', mimeType: attachment.mimeType };
}

function firstHeader(email: Email, name: string): string | undefined {
  return email.headers.find((header) => header.key === name)?.value;
}

/** Message ids of a Message-ID, In-Reply-To or References header, without angle brackets. */
function messageIds(value: string | undefined): string[] {
  if (!value) return [];
  const clean = dropControls(value);
  const bracketed = [...clean.matchAll(/<([^<>\s]+)>/g)].map((match) => match[1] ?? '');
  const ids = bracketed.length > 0 ? bracketed : clean.split(/[\s,]+/);
  return ids
    .map((id) => id.trim())
    .filter((id) => id !== '' && Buffer.byteLength(id) <= MAX_MESSAGE_ID_BYTES);
}

/**
 * What a mailbox address looks like: no space, bracket, quote or separator, one `@`, a dotted
 * domain. A From that is not one (`<jean dupont@ac-dijon.fr>`) is read as no From at all: the
 * desk neither answers it nor opens a ticket under a guessed address.
 */
const MAILBOX = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/;

/**
 * The From's first mailbox (postal-mime reads `Jean Dupont jean.dupont@…` without brackets as a
 * name and an address, as a person does). Its other mailboxes, if any, stay in `headers`.
 */
function fromOf(email: Email): ParsedMime['from'] {
  const from = email.from;
  const mailbox = from?.group ? from.group[0] : from;
  const address = dropControls(mailbox?.address ?? '')
    .trim()
    .toLowerCase();
  if (!mailbox || !MAILBOX.test(address)) return undefined;
  const name = cut(
    dropControls(fixC1(mailbox.name ?? ''))
      .replace(/\s+/g, ' ')
      .trim(),
    MAX_NAME_LENGTH,
  );
  return { address, name };
}

/**
 * Every distinct address the From headers name, groups flattened, plus the one `fromOf` took, so
 * that the intake can refuse a mail naming several authors (RFC 5322 allows it; DMARC cannot judge it).
 */
function fromAddresses(email: Email): string[] {
  const addresses = new Set<string>();
  const first = fromOf(email)?.address;
  if (first) addresses.add(first);
  for (const header of email.headers) {
    if (header.key !== 'from') continue;
    for (const mailbox of addressParser(header.value, { flatten: true })) {
      const address = dropControls(mailbox.address ?? '')
        .trim()
        .toLowerCase();
      if (address !== '') addresses.add(cut(address, 320));
    }
  }
  // Two authors are enough to refuse a mail; a From of thousands must not fill an item.
  return [...addresses].slice(0, 20);
}

/** The Sender header's address, when it names one. */
function senderOf(email: Email): { sender?: string } {
  const address = cut(
    dropControls(email.sender?.address ?? '')
      .trim()
      .toLowerCase(),
    320,
  );
  return address === '' ? {} : { sender: address };
}

/** The `d=` tag of each DKIM-Signature header, lower case, each domain once. */
function dkimDomains(signatures: Array<{ value: string }>): string[] {
  const domains = new Set<string>();
  for (const { value } of signatures) {
    for (const tag of value.split(';')) {
      const [name, ...rest] = tag.split('=');
      if (name?.trim().toLowerCase() !== 'd') continue;
      const domain = rest.join('=').replace(/\s+/g, '').toLowerCase();
      if (domain !== '' && domain.length <= 253) domains.add(domain);
    }
  }
  return [...domains];
}

function bodyText(email: Email): string {
  const text = fixC1(email.text ?? '');
  if (text.trim() !== '') return text.trim();
  return email.html ? htmlToText(fixC1(email.html)) : '';
}

function contentSize(content: ArrayBuffer | Uint8Array | string): number {
  if (typeof content === 'string') return new TextEncoder().encode(content).byteLength;
  return content.byteLength;
}

/** Cuts at `max` UTF-16 units without leaving half of a surrogate pair at the end. */
function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  const kept = text.slice(0, max);
  const last = kept.charCodeAt(kept.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? kept.slice(0, -1) : kept;
}

/** Cuts at `max` UTF-8 bytes, on a character boundary. */
function cutBytes(text: string, max: number): string {
  if (Buffer.byteLength(text) <= max) return text;
  // Each UTF-16 unit is at most 3 UTF-8 bytes: start from a cut that fits, then grow it.
  let kept = cut(text, Math.floor(max / 3));
  let size = Buffer.byteLength(kept);
  for (const char of text.slice(kept.length)) {
    size += Buffer.byteLength(char);
    if (size > max) break;
    kept += char;
  }
  return kept;
}

const SKIPPED_ELEMENTS = new Set(['script', 'style', 'head', 'title', 'noscript', 'template']);
const BREAKING_ELEMENTS = new Set([
  'br',
  'p',
  'div',
  'tr',
  'table',
  'ul',
  'ol',
  'blockquote',
  'pre',
  'section',
  'article',
  'header',
  'footer',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'hr',
]);

/**
 * A readable text from an HTML body, for mail that has no text part. Simple on purpose: drops
 * scripts, styles and tags, breaks lines at block elements, decodes entities, collapses
 * whitespace. One pass with `indexOf`, so hostile HTML costs linear time.
 */
export function htmlToText(html: string): string {
  let out = '';
  let position = 0;
  let nextClose = -1;
  while (position < html.length) {
    const open = html.indexOf('<', position);
    if (open === -1) {
      out += flowText(html.slice(position));
      break;
    }
    out += flowText(html.slice(position, open));
    if (html.startsWith('<!--', open)) {
      const end = html.indexOf('-->', open + 4);
      if (end === -1) break;
      position = end + 3;
      continue;
    }
    if (nextClose <= open) nextClose = html.indexOf('>', open + 1);
    if (nextClose === -1) {
      out += flowText(html.slice(open));
      break;
    }
    if (html[open + 1] === '!' || html[open + 1] === '?') {
      // <!DOCTYPE ...>, <![CDATA[...]>, <?xml ...?>: declarations, not content.
      position = nextClose + 1;
      continue;
    }
    const name = /^\/?([a-z][a-z0-9]*)/i.exec(html.slice(open + 1, Math.min(nextClose, open + 40)))?.[1];
    if (name === undefined) {
      // `a < b` in text: a lone angle bracket, not a tag.
      out += '<';
      position = open + 1;
      continue;
    }
    const element = name.toLowerCase();
    const closing = html[open + 1] === '/';
    position = nextClose + 1;
    if (!closing && SKIPPED_ELEMENTS.has(element)) {
      const endTag = new RegExp(`</${element}\\s*>`, 'gi');
      endTag.lastIndex = position;
      const end = endTag.exec(html);
      if (!end) break;
      position = end.index + end[0].length;
    } else if (element === 'li') {
      if (!closing) out += '\n- ';
    } else if (element === 'td' || element === 'th') {
      out += ' ';
    } else if (BREAKING_ELEMENTS.has(element)) {
      out += '\n';
    }
  }
  return collapseWhitespace(decodeEntities(out));
}

/** Line breaks in HTML source are spaces; only elements break lines. */
function flowText(text: string): string {
  return text.replace(/\s+/g, ' ');
}

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  euro: '€',
  laquo: '«',
  raquo: '»',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
  hellip: '…',
  ndash: '–',
  mdash: '—',
  bull: '•',
  middot: '·',
  deg: '°',
  copy: '©',
  reg: '®',
  oelig: 'œ',
  OElig: 'Œ',
  aelig: 'æ',
  AElig: 'Æ',
  szlig: 'ß',
  agrave: 'à',
  aacute: 'á',
  acirc: 'â',
  auml: 'ä',
  ccedil: 'ç',
  egrave: 'è',
  eacute: 'é',
  ecirc: 'ê',
  euml: 'ë',
  igrave: 'ì',
  iacute: 'í',
  icirc: 'î',
  iuml: 'ï',
  ograve: 'ò',
  oacute: 'ó',
  ocirc: 'ô',
  ouml: 'ö',
  ugrave: 'ù',
  uacute: 'ú',
  ucirc: 'û',
  uuml: 'ü',
  yuml: 'ÿ',
  Agrave: 'À',
  Aacute: 'Á',
  Acirc: 'Â',
  Auml: 'Ä',
  Ccedil: 'Ç',
  Egrave: 'È',
  Eacute: 'É',
  Ecirc: 'Ê',
  Euml: 'Ë',
  Icirc: 'Î',
  Iuml: 'Ï',
  Ocirc: 'Ô',
  Ouml: 'Ö',
  Ugrave: 'Ù',
  Ucirc: 'Û',
  Uuml: 'Ü',
};

function decodeEntities(text: string): string {
  return text.replace(/&(#\d{1,7}|#x[0-9a-f]{1,6}|[a-z][a-z0-9]{1,31});/gi, (entity, body: string) => {
    if (body.startsWith('#')) {
      const hex = body[1] === 'x' || body[1] === 'X';
      const code = Number.parseInt(body.slice(hex ? 2 : 1), hex ? 16 : 10);
      const valid = code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff);
      return valid ? fixC1(String.fromCodePoint(code)) : '\ufffd';
    }
    return NAMED_ENTITIES[body] ?? NAMED_ENTITIES[body.toLowerCase()] ?? entity;
  });
}

function collapseWhitespace(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[^\S\n]+/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
