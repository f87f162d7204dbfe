/**
 * The `From` of the mails the desk sends. SES wants a display name outside ASCII written as RFC
 * 2047 encoded-words (`=?UTF-8?B?…?=`), and the desk's name is French (« Assistance LSUN –
 * Académie de Dijon »): written raw, SES refuses the address.
 */

/** Bytes of UTF-8 per encoded-word, so that each stays within RFC 2047's 75 characters. */
const WORD_BYTES = 45;

/** `"Name" <address>`, with the name as encoded-words when it is not plain ASCII; the bare address without a name. */
export function mailboxOf(name: string, address: string): string {
  const clean = name.replace(/[\r\n"\\]/g, '').trim();
  if (clean === '') return address;
  if (/^[\x20-\x7e]*$/.test(clean)) return `"${clean}" <${address}>`;
  return `${encodedWords(clean).join(' ')} <${address}>`;
}

/** The text as base64 encoded-words, each of whole characters and at most `WORD_BYTES` bytes. */
function encodedWords(text: string): string[] {
  const encoder = new TextEncoder();
  const words: string[] = [];
  let bytes: number[] = [];
  for (const char of text) {
    const encoded = encoder.encode(char);
    if (bytes.length + encoded.length > WORD_BYTES) {
      words.push(word(bytes));
      bytes = [];
    }
    bytes.push(...encoded);
  }
  if (bytes.length > 0) words.push(word(bytes));
  return words;
}

function word(bytes: number[]): string {
  return `=?UTF-8?B?${btoa(String.fromCharCode(...bytes))}?=`;
}
