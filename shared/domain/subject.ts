/**
 * What the intake reads in a subject: the keyword that says a mail is about LSUN, the ticket
 * tag that threads a follow-up, and the subject of the acknowledgment.
 */

/**
 * A word character for the keyword's boundaries: any letter (accented ones included), digit,
 * combining mark or underscore, so `éLSUN`, `LSUN2` and `LSUN_x` are other words, while
 * punctuation, brackets and `-` (as in `[LSUN-2026-00042]`) end the word.
 */
const WORD_CHAR = String.raw`[\p{L}\p{N}\p{M}_]`;

/** Reply and forward prefixes that mail clients put in front of a subject, in French, English and German. */
const REPLY_PREFIX = /^\s*(?:re|rép|tr|fwd?|aw|wg)\s*(?:\[\d+\]|\(\d+\))?\s*:\s*/iu;

const DEFAULT_ACK_SUBJECT = "Demande d'assistance LSUN";

function escapeRegExp(text: string): string {
  // No `-` here: escaping it is a syntax error in a `u` regular expression.
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * Whether the subject carries the keyword as a whole word, case-insensitively. Directors write
 * `Re: TR: [LSUN] problème`, `Problème LSUN:`, or reply to an acknowledgment tagged
 * `[LSUN-2026-00042]`; all count. `LSUNX` or `L S U N` do not.
 */
export function hasKeyword(subject: string, keyword: string): boolean {
  if (keyword === '') return false;
  const pattern = new RegExp(`(?<!${WORD_CHAR})${escapeRegExp(keyword)}(?!${WORD_CHAR})`, 'iu');
  return pattern.test(subject.normalize('NFC'));
}

/**
 * The ticket tag in a subject (`Re: [LSUN-2026-00042] Bulletins` → `LSUN-2026-00042`), upper
 * case, or undefined. A bracketed tag wins over a bare one; among several, the first.
 */
export function findTicketTag(subject: string, keyword: string): string | undefined {
  if (keyword === '') return undefined;
  const tag = `${escapeRegExp(keyword)}-\\d{4}-\\d{5,}`;
  const bracketed = new RegExp(`\\[\\s*(${tag})\\s*\\]`, 'iu').exec(subject);
  const bare = bracketed ?? new RegExp(`(?<!${WORD_CHAR})(${tag})(?!${WORD_CHAR})`, 'iu').exec(subject);
  return bare?.[1]?.toUpperCase();
}

/**
 * Removes the reply/forward prefixes (`Re:`, `RE :`, `TR:`, `Fwd:`, `AW:`...) at the start of
 * a subject, however many are stacked, and collapses whitespace (a subject is one line).
 */
export function stripReplyPrefixes(subject: string): string {
  let rest = subject.replace(/\s+/g, ' ').trim();
  for (let previous = ''; previous !== rest; ) {
    previous = rest;
    rest = rest.replace(REPLY_PREFIX, '');
  }
  return rest;
}

/**
 * The subject of the acknowledgment: `[LSUN-2026-00042] <original subject>`, without the
 * original's reply prefixes and without repeating the tag if the director already wrote it,
 * so that every later reply carries the tag exactly once.
 */
export function acknowledgmentSubject(ticketNumber: string, originalSubject: string): string {
  const ownTag = new RegExp(`\\[\\s*${escapeRegExp(ticketNumber)}\\s*\\]`, 'giu');
  let rest = stripReplyPrefixes(originalSubject);
  for (let previous = ''; previous !== rest; ) {
    previous = rest;
    rest = stripReplyPrefixes(rest.replace(ownTag, ' '));
  }
  return `[${ticketNumber}] ${rest === '' ? DEFAULT_ACK_SUBJECT : rest}`;
}
