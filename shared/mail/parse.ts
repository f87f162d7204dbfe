/**
 * Reads a raw MIME mail into the fields the intake works on. Only descriptions of attachments
 * are kept; their bytes stay in the stored raw mail.
 */

import PostalMime, { addressParser, type Email } from 'postal-mime';
import type { InboundMail } from '#shared/domain/mail.ts';

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

/** Raised when a mail cannot be parsed at all (the parser's own limits, or bytes that are not a mail). */
export class MimeParseError extends Error {
  override name = 'MimeParseError';
}

/**
 * Windows-1252 for bytes 0x80–0x9F. Node 20 (since 20.18.3) decodes `windows-1252` and
 * `iso-8859-1` as plain Latin-1, leaving C1 control characters where `€`, `œ` or `’` should be
 * (nodejs/node#56542, #60888). The WHATWG encoding standard, which browsers and mail clients
 * follow, reads both labels as Windows-1252, and C1 controls never occur in real text, so
 * mapping them back is right whichever runtime decoded the mail.
 */
const WINDOWS_1252_C1: Record<number, string> = {
  128: '€',
  130: '‚',
  131: 'ƒ',
  132: '„',
  133: '…',
  134: '†',
  135: '‡',
  136: 'ˆ',
  137: '‰',
  138: 'Š',
  139: '‹',
  140: 'Œ',
  142: 'Ž',
  145: '‘',
  146: '’',
  147: '“',
  148: '”',
  149: '•',
  150: '–',
  151: '—',
  152: '˜',
  153: '™',
  154: 'š',
  155: '›',
  156: 'œ',
  158: 'ž',
  159: 'Ÿ',
};

function fixC1(text: string): string {
  return text.replace(/[\u0080-\u009f]/g, (char) => WINDOWS_1252_C1[char.charCodeAt(0)] ?? char);
}

/**
 * Parses a raw mail. Never throws on odd but readable content (missing headers, unknown
 * charsets); throws MimeParseError only when the parser gives up.
 */
export async function parseMime(raw: Uint8Array | string): Promise<ParsedMime> {
  const email = await parseEmail(raw);

  const headers = email.headers.map((header) => ({
    name: header.key,
    value: decodeHeaderValue(header.value).trim(),
  }));

  return {
    messageId: messageIds(email.messageId)[0],
    from: fromOf(email),
    fromAddresses: fromAddresses(email),
    ...senderOf(email),
    subject: decodeHeaderValue(firstHeader(email, 'subject') ?? '')
      .replace(/\s+/g, ' ')
      .trim(),
    inReplyTo: messageIds(email.inReplyTo),
    references: messageIds(email.references),
    headers,
    dkimDomains: dkimDomains(email.headers.filter((header) => header.key === 'dkim-signature')),
    text: truncate(bodyText(email), MAX_TEXT_LENGTH),
    attachments: email.attachments.map((attachment) => ({
      filename: fixC1(attachment.filename ?? ''),
      mimeType: attachment.mimeType,
      size: contentSize(attachment.content),
    })),
  };
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
  const attachment = (await parseEmail(raw)).attachments[index];
  if (!attachment) return undefined;
  const { content } = attachment;
  const bytes =
    typeof content === 'string'
      ? new TextEncoder().encode(content)
      : content instanceof Uint8Array
        ? content
        : new Uint8Array(content);
  return { bytes, filename: attachment.filename ?? '', mimeType: attachment.mimeType };
}

function firstHeader(email: Email, name: string): string | undefined {
  return email.headers.find((header) => header.key === name)?.value;
}

const ENCODED_WORD = /=\?([^?\s]+)\?([bq])\?([^?\s]*)\?=/gi;

/**
 * Decodes the RFC 2047 encoded words of a header value. Adjacent words in the same charset are
 * decoded together, byte by byte, because some mailers cut a UTF-8 character across two words
 * (postal-mime then yields U+FFFD); the whitespace between adjacent words is dropped, as the
 * RFC says.
 */
export function decodeHeaderValue(value: string): string {
  let out = '';
  let last = 0;
  let pending: { charset: string; chunks: Uint8Array[] } | undefined;
  for (const match of value.matchAll(ENCODED_WORD)) {
    const between = value.slice(last, match.index);
    // RFC 2231 allows a language after the charset: `utf-8*fr`.
    const charset = (match[1] ?? '').split('*')[0]?.toLowerCase() ?? '';
    const bytes = wordBytes(match[2] ?? '', match[3] ?? '');
    const adjacent = pending !== undefined && between.trim() === '';
    if (pending && adjacent && pending.charset === charset) {
      pending.chunks.push(bytes);
    } else {
      if (pending) out += decodeBytes(pending.charset, pending.chunks);
      if (!adjacent) out += between;
      pending = { charset, chunks: [bytes] };
    }
    last = match.index + match[0].length;
  }
  if (pending) out += decodeBytes(pending.charset, pending.chunks);
  return fixC1(out + value.slice(last));
}

function wordBytes(encoding: string, text: string): Uint8Array {
  if (encoding.toLowerCase() === 'b') return Buffer.from(text, 'base64');
  const bytes: number[] = [];
  for (let index = 0; index < text.length; index++) {
    const char = text[index] ?? '';
    const hex = text.slice(index + 1, index + 3);
    if (char === '=' && /^[0-9a-f]{2}$/i.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      index += 2;
    } else {
      bytes.push(char === '_' ? 0x20 : char.charCodeAt(0) & 0xff);
    }
  }
  return Uint8Array.from(bytes);
}

function decodeBytes(charset: string, chunks: Uint8Array[]): string {
  const bytes = Buffer.concat(chunks);
  try {
    return new TextDecoder(charset).decode(bytes);
  } catch {
    // An unknown charset label: UTF-8 is the likeliest, and never throws.
    return new TextDecoder().decode(bytes);
  }
}

/** Message ids of a Message-ID, In-Reply-To or References header, without angle brackets. */
function messageIds(value: string | undefined): string[] {
  if (!value) return [];
  const bracketed = [...value.matchAll(/<([^<>\s]+)>/g)].map((match) => match[1] ?? '');
  const ids = bracketed.length > 0 ? bracketed : value.split(/[\s,]+/);
  return ids.map((id) => id.trim()).filter((id) => id !== '');
}

function fromOf(email: Email): ParsedMime['from'] {
  const from = email.from;
  const mailbox = from?.group ? from.group[0] : from;
  const address = mailbox?.address?.trim().toLowerCase() ?? '';
  if (!mailbox || address === '') return undefined;
  return { address, name: fixC1(mailbox.name ?? '').trim() };
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
      const address = mailbox.address?.trim().toLowerCase() ?? '';
      if (address !== '') addresses.add(address);
    }
  }
  return [...addresses];
}

/** The Sender header's address, when it names one. */
function senderOf(email: Email): { sender?: string } {
  const address = email.sender?.address?.trim().toLowerCase() ?? '';
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
      if (domain !== '') domains.add(domain);
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
function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const last = cut.charCodeAt(cut.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? cut.slice(0, -1) : cut;
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
