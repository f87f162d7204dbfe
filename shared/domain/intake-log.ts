/**
 * The intake log's entries: what is recorded of a screened mail, and how the outcomes settled by
 * the store (a duplicate Message-ID, a reached daily cap) and by staff (accepting a held mail)
 * rewrite it. Plain functions over `IntakeEntry`; the store decides when they apply, these say
 * what the entry then reads.
 */
import type { DirectoryMatch } from './directory.ts';
import type { QuotaKind, Screening } from './intake.ts';
import type { InboundMail } from './mail.ts';
import { nextParisMidnight, parisDay } from './paris-day.ts';
import type { IntakeEntry } from './records.ts';
import { counterPurgeDate } from './retention.ts';

/** A mail's place against a daily cap: the sender's counter of that kind for that Paris day. */
export type QuotaClaim = { kind: QuotaKind; sender: string; day: string; cap: number; expiresAt: number };

/** The daily caps, from configuration. */
export type DailyCaps = { request: number; follow_up: number };

/**
 * The counter a screened mail is counted against, if it reached the quota step: the sender's,
 * for the Paris day of receipt, kept until the day after the next Paris midnight.
 */
export function quotaClaim(
  screening: Screening,
  sender: string,
  receivedAt: string,
  caps: DailyCaps,
): QuotaClaim | undefined {
  if (screening.kind !== 'counted') return undefined;
  const received = new Date(receivedAt);
  return {
    kind: screening.quota,
    sender,
    day: parisDay(received),
    cap: caps[screening.quota],
    expiresAt: counterPurgeDate(nextParisMidnight(received)),
  };
}

/** The entry of a screened mail, as decided before the store's atomic checks. */
export function screenedEntry(input: {
  mail: InboundMail;
  screening: Screening;
  deskAddress: string;
  director: DirectoryMatch | undefined;
  reply: IntakeEntry['reply'];
  /** `portal` for a request of the académie's portal; a mail's entry leaves it unsaid. */
  channel?: 'portal';
}): IntakeEntry {
  const { mail, screening } = input;
  return {
    sesMessageId: mail.sesMessageId,
    messageId: mail.messageId,
    envelopeFrom: mail.envelopeFrom,
    from: mail.from?.address,
    fromName: mail.from?.name,
    recipient: input.deskAddress,
    subject: mail.subject,
    receivedAt: mail.receivedAt,
    outcome: screening.outcome,
    detail: screening.detail,
    ticketNumber: screening.outcome === 'follow_up' ? screening.ticketNumber : undefined,
    directoryEntryId: input.director?.entryId,
    rawMail: mail.rawMail,
    ...(input.reply ? { reply: input.reply } : {}),
    ...(input.channel ? { channel: input.channel } : {}),
  };
}

/**
 * The entry of a mail refused because its sender's daily cap was reached: the reason first, then
 * what the screening had found. No reply: the day's one notice is the store's to settle.
 */
export function rateLimitedEntry(entry: IntakeEntry, quota: QuotaClaim): IntakeEntry {
  const what = quota.kind === 'request' ? 'demandes' : 'suites de ticket';
  const limited: IntakeEntry = {
    ...entry,
    reply: undefined,
    outcome: 'rate_limited',
    detail: `Plus de ${quota.cap} ${what} aujourd'hui (${quota.day}) ; ${entry.detail}`,
  };
  if (quota.kind === 'request' || entry.ticketNumber === undefined) return limited;
  // A held follow-up is not on its ticket: it names the ticket it continues instead, so that
  // staff may still accept it there.
  const { ticketNumber, ...rest } = limited;
  return { ...rest, followUpOf: ticketNumber };
}

/**
 * The entry of a mail whose Message-ID an earlier mail already claimed: a duplicate, never
 * answered, naming the first mail when known.
 */
export function duplicateEntry(entry: IntakeEntry, firstSesMessageId: string | undefined): IntakeEntry {
  const first = firstSesMessageId ? ` (premier reçu : ${firstSesMessageId})` : '';
  return { ...entry, outcome: 'duplicate', detail: `Message-ID déjà reçu${first}`, reply: undefined };
}

/** The outcomes of a held mail: turned away for a reason staff may waive by accepting it. */
export const HELD_OUTCOMES = [
  'rate_limited',
  'not_director',
] as const satisfies readonly IntakeEntry['outcome'][];

/**
 * A held mail once staff accepted it: a held follow-up counts as a `follow_up` of the ticket it
 * continues, any other as `ticket_created`; the log says who accepted it and when.
 */
export function acceptedEntry(entry: IntakeEntry, actor: string, now: string): IntakeEntry {
  const accepted = { ...entry, acceptedBy: actor, acceptedAt: now };
  // Accepting again (the first attempt stopped halfway) keeps the detail as first written.
  const said = (what: string) => (entry.acceptedBy ? entry.detail : `${what} par ${actor} ; ${entry.detail}`);
  if (entry.followUpOf !== undefined) {
    return {
      ...accepted,
      outcome: 'follow_up',
      ticketNumber: entry.followUpOf,
      detail: said(`Ajouté au ticket ${entry.followUpOf}`),
    };
  }
  return { ...accepted, outcome: 'ticket_created', detail: said('Accepté en ticket') };
}
