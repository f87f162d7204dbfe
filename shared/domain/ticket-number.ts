/**
 * Ticket numbers: `LSUN-2026-00042`, sequential per year, short enough to read over the phone
 * and to find in a subject.
 */
import * as z from './zod.ts';

/** A ticket number as it is stored, shown and written in subjects. */
export const TicketNumber = z.string().check(z.regex(/^LSUN-\d{4}-\d{5,}$/));
export type TicketNumber = z.infer<typeof TicketNumber>;

const PARSE = /^LSUN-(\d{4})-(\d{5,})$/i;

/** Raised when a year or sequence cannot make a ticket number (a bug in the caller, not user input). */
export class InvalidTicketNumberError extends Error {
  override name = 'InvalidTicketNumberError';
}

/**
 * Formats the ticket number of the `sequence`-th ticket of `year`: five digits zero-padded,
 * more once the year passes 99 999 tickets (the number keeps growing rather than wrapping).
 * @throws InvalidTicketNumberError when the year is not four digits or the sequence not a positive integer.
 */
export function formatTicketNumber(year: number, sequence: number): string {
  if (!Number.isInteger(year) || year < 1000 || year > 9999) {
    throw new InvalidTicketNumberError(`Year ${year} cannot be part of a ticket number`);
  }
  if (!Number.isSafeInteger(sequence) || sequence < 1) {
    throw new InvalidTicketNumberError(`Sequence ${sequence} cannot be part of a ticket number`);
  }
  return `LSUN-${year}-${String(sequence).padStart(5, '0')}`;
}

/**
 * Reads a ticket number back into its year and sequence, or undefined when the text is not
 * one. Tolerates surrounding spaces and lower case, as typed in a search box or a URL.
 */
export function parseTicketNumber(s: string): { year: number; sequence: number } | undefined {
  const match = PARSE.exec(s.trim());
  if (!match) return undefined;
  const year = Number(match[1]);
  const sequence = Number(match[2]);
  if (!Number.isSafeInteger(sequence) || sequence < 1) return undefined;
  return { year, sequence };
}
