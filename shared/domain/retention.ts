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

/**
 * How long each kind of personal data is kept, in days (the table of `docs/retention.md`). One
 * duration per kind so the académie's data protection officer can shorten one without touching
 * the others; each counts from its own start (see the fields).
 */
export type RetentionPolicy = {
  /**
   * Intake entries (the log of every received mail, whatever its outcome), their Message-ID
   * claims, the automatic replies beside them, and the raw mails of mails that opened no ticket:
   * from receipt.
   */
  intakeDays: number;
  /**
   * A ticket and everything in its partition (messages, notes, history, request claims) and the
   * raw mails (with their attachments) of its messages: from its closing. An open ticket is kept.
   */
  ticketDays: number;
  /** Records of mails sent outside a ticket (staff notifications, broadcast mails' lookups): from sending. */
  sentMailDays: number;
  /** The directory's audit entries (who changed which director or school): from the change. */
  auditDays: number;
  /** A broadcast's frozen recipients (name, address, result): from the broadcast's start. */
  broadcastRecipientDays: number;
  /** A knowledge base draft left unchanged (it may hold what redaction missed): from its last change. */
  articleDraftDays: number;
};

/** The policy where every kind follows one duration (`RETENTION_DAYS`). */
export function uniformRetention(days: number): RetentionPolicy {
  return {
    intakeDays: days,
    ticketDays: days,
    sentMailDays: days,
    auditDays: days,
    broadcastRecipientDays: days,
    articleDraftDays: days,
  };
}

/**
 * What the removal of one item (by TTL: its purge date passed) takes with it, decided from the
 * item as it was (its keys, its link to a ticket, its raw mail):
 * - `partition`: the rest of its partition, when the item heads one (a ticket, an intake entry,
 *   a broadcast, an article) — items written without a purge date, or whose TTL lags, go with it;
 * - `rawMailKeys`: the raw mails (S3 keys) it alone kept: a ticket's received message keeps its
 *   own; an intake entry keeps its mail's only when the mail opened or joined no ticket
 *   (otherwise the ticket keeps it, as long as the ticket lives).
 */
export type PurgeCascade = { partition: string | undefined; rawMailKeys: string[] };

/** The attributes of a removed item the cascade reads; everything else is ignored. */
export type RemovedItem = {
  pk: string;
  sk: string;
  ticketNumber?: unknown;
  sesMessageId?: unknown;
  direction?: unknown;
  rawMail?: unknown;
};

/** Sort keys of the items that head a partition whose removal takes the partition. */
const PARTITION_HEADS: Record<string, string> = {
  TICKET: 'TICKET#',
  ENTRY: 'MAIL#',
  BROADCAST: 'BROADCAST#',
  ARTICLE: 'ARTICLE#',
};

/** The raw mail's key an item names, if it is a received message of a ticket with one under `rawMailPrefix`. */
export function rawMailKeyOf(item: RemovedItem, rawMailPrefix: string): string | undefined {
  if (!item.pk.startsWith('TICKET#') || !item.sk.startsWith('MSG#') || item.direction !== 'in')
    return undefined;
  const location = item.rawMail as { key?: unknown } | undefined;
  if (typeof location?.key === 'string' && location.key.startsWith(rawMailPrefix)) return location.key;
  return typeof item.sesMessageId === 'string' ? `${rawMailPrefix}${item.sesMessageId}` : undefined;
}

/** What the removal of `item` takes with it (see {@link PurgeCascade}). */
export function purgeCascade(item: RemovedItem, rawMailPrefix: string): PurgeCascade {
  const head = PARTITION_HEADS[item.sk];
  const partition = head !== undefined && item.pk.startsWith(head) ? item.pk : undefined;
  const rawMailKeys: string[] = [];
  const own = rawMailKeyOf(item, rawMailPrefix);
  if (own) rawMailKeys.push(own);
  // A mail that opened or joined a ticket lives in the ticket's messages: the ticket keeps it.
  if (item.sk === 'ENTRY' && item.pk.startsWith('MAIL#') && typeof item.ticketNumber !== 'string')
    rawMailKeys.push(`${rawMailPrefix}${item.pk.slice('MAIL#'.length)}`);
  return { partition, rawMailKeys };
}

/** What the purge step needs: the rest of a partition, and deletions in the table and the raw-mail bucket. */
export type PurgePorts = {
  partition(pk: string): Promise<RemovedItem[]>;
  deleteItems(items: ReadonlyArray<{ pk: string; sk: string }>): Promise<void>;
  deleteRawMails(keys: readonly string[]): Promise<void>;
};

/**
 * Who removes an item when its TTL passes: the stream record's `userIdentity`. The event source
 * mapping's filter (`ttlRemovalFilter`) and the local sweeper both match on it, so a person's
 * or the code's own deletions (a merge moving mails, the cascade itself) never start a purge.
 */
export const ttlRemovalIdentity = { type: 'Service', principalId: 'dynamodb.amazonaws.com' } as const;

/** The event source mapping's filter pattern: removals by DynamoDB's TTL only. */
export const ttlRemovalFilter = {
  eventName: ['REMOVE'],
  userIdentity: { type: [ttlRemovalIdentity.type], principalId: [ttlRemovalIdentity.principalId] },
} as const;
