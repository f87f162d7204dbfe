/**
 * Tolerant reading of header text: RFC 2047 encoded words as real mailers write them (spaces
 * inside, words cut across folded lines, unknown charsets, broken base64) and raw 8-bit bytes
 * in no declared charset. The rule everywhere is the one a person applies: read what the sender
 * meant, never lose the readable part, never fail. Peers do the same: postal-mime's
 * `decodeWords` accepts spaces in the encoded text, and Thunderbird reads unlabelled 8-bit
 * headers in the message's charset, else its fallback charset.
 */

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

/** Maps C1 control characters back to the Windows-1252 characters they stand for (see above). */
export function fixC1(text: string): string {
  return text.replace(/[\u0080-\u009f]/g, (char) => WINDOWS_1252_C1[char.charCodeAt(0)] ?? char);
}

/**
 * Characters a person never reads and that SQS refuses in a message (it takes XML 1.0's
 * characters only): control characters (NUL, bell, escape…) and the noncharacters U+FFFE and
 * U+FFFF are dropped, a lone surrogate (a UTF-16 label over odd bytes) becomes U+FFFD. Tab, line
 * feed and carriage return are whitespace and are kept.
 */
export function dropControls(text: string): string {
  return (
    text
      // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffe\uffff]/g, '')
      .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')
  );
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
type Decoder = { decode(bytes: Uint8Array): string };
const decoders = new Map<string, Decoder | null>();

/** A decoder for a charset label, or null when the runtime knows no such label. */
function decoderFor(label: string): Decoder | null {
  const known = decoders.get(label);
  if (known !== undefined) return known;
  let decoder: Decoder | null = null;
  try {
    decoder = new TextDecoder(label);
  } catch {
    // A label the WHATWG list does not name: retried below in a normalised spelling.
  }
  // Bounded by the labels the runtime accepts, plus the misses of one mail at most.
  if (decoders.size < 500) decoders.set(label, decoder);
  return decoder;
}

/** `x-cp1252`, `cs-utf8`, `ISO_8859-15` and `windows1252`: the decorations mailers add to a label. */
function normalisedLabel(label: string): string {
  const bare = label.replace(/^(?:x-|cs)/, '');
  const codePage = /^(?:cp|windows|ms)[-_]?(\d{3,4})$/.exec(bare);
  if (codePage) return `windows-${codePage[1]}`;
  return bare.replace(/^(iso)[-_ ]?(8859)[-_ ]?(\d+)$/, '$1-$2-$3').replace(/^utf[-_]?8$/, 'utf-8');
}

function isUtf8(bytes: Uint8Array): boolean {
  try {
    utf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/**
 * Decodes bytes in a charset named by a mail. A label no runtime knows is read as UTF-8 when
 * the bytes are valid UTF-8, else as Windows-1252 (what a French mailer with no label almost
 * always meant); so is a label of 7-bit ASCII carrying 8-bit bytes, the commonest mislabel.
 */
export function decodeCharset(label: string, bytes: Uint8Array): string {
  const name = label.trim().toLowerCase();
  const asciiLabel = name === 'us-ascii' || name === 'ascii' || name === 'ansi_x3.4-1968';
  const decoder = asciiLabel ? null : (decoderFor(name) ?? decoderFor(normalisedLabel(name)));
  if (decoder) return fixC1(decoder.decode(bytes));
  if (isUtf8(bytes)) return new TextDecoder().decode(bytes);
  return fixC1(new TextDecoder('windows-1252').decode(bytes));
}

/**
 * An encoded word. The encoded text may hold spaces (`=?us-ascii?Q?Bulletins LSUN?=`: mailers
 * that forgot to encode them, or a fold inside the word), as postal-mime and Thunderbird accept;
 * it cannot hold `?`, so a word still ends at the first `?=`. A word with no charset at all
 * (`=??B?…?=`) is read like one in an unknown charset.
 */
const ENCODED_WORD = /=\?([^?\s]*)\?([bq])\?([^?]*)\?=/gi;

type Word = { charset: string; encoding: 'b' | 'q'; text: string };

/**
 * Decodes the RFC 2047 encoded words of a header value, tolerantly:
 * - whitespace between two encoded words is a fold, dropped (RFC 2047);
 * - adjacent words in one charset are decoded together, byte by byte, since mailers cut a
 *   UTF-8 character across two words (and base64 across a 4-character group);
 * - spaces inside a Q word are read as spaces; `=` before a fold is a soft line break;
 * - base64 ignores what is not base64, and a last incomplete group;
 * - an unknown charset reads as UTF-8 if it can, else Windows-1252 ({@link decodeCharset}).
 */
export function decodeHeaderValue(value: string): string {
  let out = '';
  let last = 0;
  let pending: Word[] = [];
  for (const match of value.matchAll(ENCODED_WORD)) {
    const between = value.slice(last, match.index);
    // RFC 2231 allows a language after the charset: `utf-8*fr`.
    const word: Word = {
      charset: (match[1] ?? '').split('*')[0]?.toLowerCase() ?? '',
      encoding: (match[2] ?? 'q').toLowerCase() as 'b' | 'q',
      text: match[3] ?? '',
    };
    const adjacent = pending.length > 0 && between.trim() === '';
    if (adjacent && pending[0]?.charset === word.charset) {
      pending.push(word);
    } else {
      out += decodeRun(pending);
      if (!adjacent) out += between;
      pending = [word];
    }
    last = match.index + match[0].length;
  }
  out += decodeRun(pending);
  return fixC1(out + value.slice(last));
}

/** Adjacent words of one charset: their bytes joined, then decoded once. */
function decodeRun(words: Word[]): string {
  const first = words[0];
  if (!first) return '';
  const chunks: Uint8Array[] = [];
  let base64 = '';
  for (const word of words) {
    if (word.encoding === 'b') {
      // A group cut across two words continues in the next one: join the text, not the bytes.
      base64 += word.text.replace(/[^A-Za-z0-9+/=]/g, '');
      if (base64.replace(/=+$/, '').length % 4 === 0 || base64.endsWith('=')) {
        chunks.push(base64Bytes(base64));
        base64 = '';
      }
      continue;
    }
    if (base64) chunks.push(base64Bytes(base64));
    base64 = '';
    chunks.push(quotedBytes(word.text));
  }
  if (base64) chunks.push(base64Bytes(base64));
  const decoded = decodeCharset(first.charset, Buffer.concat(chunks));
  if (!decoded.includes('\ufffd') || words.length === 1) return decoded;
  // Joining made things worse (words that were never one character cut in two): decode each.
  return words.map((word) => decodeRun([word])).join('');
}

function base64Bytes(text: string): Uint8Array {
  const data = text.replace(/=+$/, '');
  // A last group of one character encodes no byte: a truncated word.
  const whole = data.length % 4 === 1 ? data.slice(0, -1) : data;
  return Buffer.from(whole, 'base64');
}

function quotedBytes(encoded: string): Uint8Array {
  const text = encoded
    // `=` then a fold before an escape or at the end: a soft line break, as in a QP body.
    .replace(/=[ \t]+(?==[0-9A-Fa-f]{2}|$)/g, '')
    // A fold inside an escape (`=C\r\n 3`).
    .replace(/=[ \t]+([0-9A-Fa-f])/g, '=$1');
  const bytes: number[] = [];
  for (let index = 0; index < text.length; index++) {
    const char = text[index] ?? '';
    const hex = text.slice(index + 1, index + 3);
    if (char === '=' && /^[0-9a-f]{2}$/i.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      index += 2;
    } else if (char === '_') {
      bytes.push(0x20);
    } else {
      const code = char.charCodeAt(0);
      // Raw 8-bit text inside a word (it happens): keep the character as written.
      if (code < 0x80) bytes.push(code);
      else bytes.push(...Buffer.from(char, 'utf8'));
    }
  }
  return Uint8Array.from(bytes);
}

/**
 * The same raw mail with its top header block in UTF-8. Headers must be 7-bit (RFC 5322) or
 * UTF-8 (RFC 6532); those in another 8-bit charset (a Latin-1 `Subject: problème`) would
 * otherwise read as U+FFFD. As Thunderbird does, they are read in the charset the mail's
 * Content-Type declares, else in Windows-1252. The body is left as it is: its parts declare
 * their own charsets.
 */
export function headersAsUtf8(raw: Uint8Array): Uint8Array {
  const end = headerEnd(raw);
  const head = raw.subarray(0, end);
  if (!head.some((byte) => byte >= 0x80) || isUtf8(head)) return raw;
  const latin = new TextDecoder('windows-1252').decode(head);
  const declared = /^content-type:[^\n]*?charset\s*=\s*"?([^";\s]+)/im.exec(latin)?.[1] ?? '';
  const charset = declared && !/^utf-?8$/i.test(declared) ? declared : 'windows-1252';
  // Line by line: one header in Latin-1 does not make its UTF-8 neighbours Latin-1.
  const lines: Uint8Array[] = [];
  let start = 0;
  while (start < head.length) {
    const newline = head.indexOf(0x0a, start);
    const stop = newline < 0 ? head.length : newline + 1;
    const line = head.subarray(start, stop);
    const plain = !line.some((byte) => byte >= 0x80) || isUtf8(line);
    lines.push(plain ? line : Buffer.from(decodeCharset(charset, line), 'utf8'));
    start = stop;
  }
  return Buffer.concat([...lines, raw.subarray(end)]);
}

/** Where the top header block ends (its blank line excluded), or the whole mail if none. */
export function headerEnd(raw: Uint8Array): number {
  for (let index = 0; index < raw.length; index++) {
    if (raw[index] !== 0x0a) continue;
    if (raw[index + 1] === 0x0a) return index + 1;
    if (raw[index + 1] === 0x0d && raw[index + 2] === 0x0a) return index + 1;
  }
  return raw.length;
}
