/**
 * Mail addresses as the intake compares them.
 *
 * The academic check decides who may receive a reply at all (no backscatter), so it is
 * deliberately narrow: one plain ASCII address, the exact academic domain, nothing clever.
 * Anything unusual is refused; a refused director can still be accepted by staff.
 */

/** RFC 5322 `atext` plus the dot: what an unquoted local part may hold. */
const LOCAL_PART = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const ASCII_PRINTABLE = /^[\x21-\x7e]+$/;
const SCHOOL_MAILBOX = /^ce\.(\d{7}[a-z])$/;

/**
 * Puts an address in the one form the desk stores and compares: trimmed, without angle
 * brackets, lower case. Directors' addresses are matched case-insensitively everywhere.
 */
export function normalizeAddress(a: string): string {
  let address = a.trim();
  if (address.startsWith('<') && address.endsWith('>')) address = address.slice(1, -1).trim();
  return address.toLowerCase();
}

/**
 * The domain part of an address, lower case, or undefined when there is none. Takes what
 * follows the last `@`, which is where a mail would be delivered.
 */
export function domainOf(address: string): string | undefined {
  const normalized = normalizeAddress(address);
  const at = normalized.lastIndexOf('@');
  const domain = at === -1 ? '' : normalized.slice(at + 1);
  return domain === '' ? undefined : domain;
}

/**
 * Splits a plain address into local part and domain, or undefined when the address is not
 * one plain ASCII mailbox (quoted local part, two `@`, spaces, non-ASCII...).
 */
function plainParts(address: string): { local: string; domain: string } | undefined {
  const trimmed = address.trim();
  const unbracketed = trimmed.startsWith('<') && trimmed.endsWith('>') ? trimmed.slice(1, -1) : trimmed;
  // Checked before lower-casing: some non-ASCII letters lower-case to ASCII (the Kelvin sign
  // becomes `k`), which would let a homograph through.
  if (!ASCII_PRINTABLE.test(unbracketed)) return undefined;
  const lower = unbracketed.toLowerCase();
  const parts = lower.split('@');
  if (parts.length !== 2) return undefined;
  const [local, domain] = parts as [string, string];
  if (!LOCAL_PART.test(local)) return undefined;
  return { local, domain };
}

/**
 * Whether the address belongs to the academic domain, compared exactly and case-insensitively.
 *
 * Subdomains, lookalikes (`ac-dijon.fr.evil.com`, `ac-dij0n.fr`, punycode homographs), a
 * trailing dot, a quoted local part or a second `@` are all refused: a reply goes only to an
 * address the académie itself delivers.
 */
export function isAcademicAddress(address: string, academicDomain: string): boolean {
  const parts = plainParts(address);
  if (!parts) return false;
  return parts.domain === academicDomain.trim().toLowerCase();
}

/**
 * The UAI of a school's functional mailbox (`ce.0211234c@ac-dijon.fr` → `0211234C`), or
 * undefined. Only the shape is checked here (7 digits and a letter); whether the check letter
 * is right, and whether the school exists, is the directory's business.
 */
export function schoolMailboxUai(address: string, academicDomain: string): string | undefined {
  if (!isAcademicAddress(address, academicDomain)) return undefined;
  const parts = plainParts(address);
  const match = parts && SCHOOL_MAILBOX.exec(parts.local);
  return match?.[1]?.toUpperCase();
}
