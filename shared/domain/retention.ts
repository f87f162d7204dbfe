/**
 * How long the desk keeps personal data, as plain arithmetic over instants: an item carries its
 * purge date as epoch seconds (`expiresAt`, DynamoDB's TTL attribute). DynamoDB deletes expired
 * items lazily (days later; DynamoDB Local never), so every read checks the date itself.
 */

const DAY_SECONDS = 86_400;

/** Epoch seconds of an instant. */
export function epochSeconds(at: Date | string): number {
  return Math.floor(new Date(at).getTime() / 1000);
}

/** The purge date of what is kept `retentionDays` from `from` (a mail's receipt, a ticket's closing). */
export function purgeDate(from: Date | string, retentionDays: number): number {
  return epochSeconds(from) + retentionDays * DAY_SECONDS;
}

/** Whether a purge date (epoch seconds; undefined: kept) has passed at `now`. */
export function isPurged(expiresAt: unknown, now: Date | string): boolean {
  return typeof expiresAt === 'number' && expiresAt <= epochSeconds(now);
}

/**
 * When a daily counter may go: the day after the next Paris midnight, so that it outlives the
 * Paris day it counts (23, 24 or 25 hours long) whatever the clock of the reader.
 */
export function counterPurgeDate(nextParisMidnight: Date): number {
  return epochSeconds(nextParisMidnight) + DAY_SECONDS;
}
