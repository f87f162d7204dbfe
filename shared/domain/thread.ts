/**
 * The thread id the desk puts in the References of every mail it sends about a ticket.
 *
 * SES replaces our Message-ID with its own, so a director's reply cannot be matched on it.
 * References survive: mail clients copy them into the reply, so a reply names its ticket even
 * when the subject's tag was edited away.
 */
import { parseTicketNumber } from './ticket-number.ts';

const THREAD_DOMAIN = 'assistance-lsun.invalid';

/** The References id that names a ticket. */
export function threadIdOf(ticketNumber: string): string {
  return `${ticketNumber.toLowerCase()}@${THREAD_DOMAIN}`;
}

/** The ticket named by one of these message ids, if any. */
export function ticketOfThreadIds(ids: string[]): string | undefined {
  for (const id of ids) {
    const [local, domain] = id.toLowerCase().split('@');
    if (domain !== THREAD_DOMAIN || !local) continue;
    const upper = local.toUpperCase();
    if (parseTicketNumber(upper)) return upper;
  }
  return undefined;
}
