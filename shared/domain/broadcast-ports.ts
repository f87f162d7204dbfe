/**
 * The ports of the broadcasts' steps (`shared/steps/broadcast/`): the store of broadcasts and
 * their frozen recipients, and the bulk sender, declared in the domain's terms and satisfied by
 * `shared/adapters/broadcast-store.ts` and `shared/adapters/bulk-sender.ts`.
 */
import type { Broadcast, BroadcastRecipient, RecipientCounts, RecipientStatus } from './broadcast.ts';

/** A broadcast as stored: the broadcast, its version (optimistic locking) and whether its chunks were queued. */
export type StoredBroadcast = {
  broadcast: Broadcast;
  /** Increases with every replacement; a replacement names the version it read. */
  version: number;
  /** Set once every chunk of the started broadcast is on the queue (a crash before leaves it unset). */
  chunksQueued: boolean;
};

/** A page of something, and where the next one starts (null at the end). */
export type Page<T> = { items: T[]; nextCursor: string | null };

/** A hard bounce or a complaint seen on an address: the directory shows it on the director's page. */
export type AddressProblem = {
  email: string;
  kind: 'bounced' | 'complained';
  at: string;
  /** SES's sub type or feedback type. */
  detail?: string | undefined;
  /** The broadcast whose mail it was. */
  broadcastId: string;
};

/** The outcome of one claimed recipient's send, recorded after the SES call. */
export type RecipientResult =
  | { status: 'sent'; messageId: string }
  | { status: 'failed'; error: string; retryable: boolean };

/** Finds the broadcast a mail of ours belonged to, by its SES message id (the intake, for replies). */
export type BroadcastMailFinder = {
  broadcastOfMail(sesMessageId: string): Promise<string | undefined>;
};

/** Broadcasts, their recipients, the SES message ids of their mails, the addresses that fail. */
export type BroadcastStore = {
  /** Writes a new broadcast (version 1). */
  create(broadcast: Broadcast): Promise<void>;
  get(id: string): Promise<StoredBroadcast | undefined>;
  /**
   * Replaces a broadcast if it is still at `version` (and keeps it in the due list while it is
   * scheduled); false when someone changed it meanwhile.
   */
  replace(broadcast: Broadcast, version: number): Promise<boolean>;
  /** Remembers that every chunk of the started broadcast is queued. */
  markChunksQueued(id: string): Promise<void>;
  /** Keeps the counts shown in the list (the broadcast's page recomputes them). */
  saveCounts(id: string, counts: RecipientCounts): Promise<void>;
  /** Newest first. */
  list(query: { limit: number; cursor?: string | undefined }): Promise<Page<Broadcast>>;
  /** The ids of the scheduled broadcasts whose time is at or before `now` (ISO 8601). */
  due(now: string): Promise<string[]>;

  /** Writes the frozen recipients; those already written (an earlier attempt) are left as they are. */
  freezeRecipients(id: string, recipients: BroadcastRecipient[]): Promise<void>;
  /** Exact counts by status, read from the frozen recipients. */
  counts(id: string): Promise<RecipientCounts>;
  /** The frozen recipients, in address order, optionally of one status. */
  listRecipients(
    id: string,
    query: { status?: RecipientStatus | undefined; limit: number; cursor?: string | undefined },
  ): Promise<Page<BroadcastRecipient>>;
  /** These recipients of a broadcast (those that exist). */
  recipients(id: string, directorIds: readonly string[]): Promise<BroadcastRecipient[]>;

  /** Claims a recipient for sending (`queued` → `sending`); false when it is not queued. */
  claim(id: string, directorId: string, now: string): Promise<boolean>;
  /** Gives a claim back (`sending` → `queued`): SES did not take the mail, or throttled it. */
  release(id: string, directorId: string, now: string): Promise<void>;
  /** Records what SES answered for a claimed recipient (`sending` → `sent`, with the lookup by message id, or `failed`). */
  record(id: string, directorId: string, result: RecipientResult, now: string): Promise<void>;
  /**
   * A claim older than `claimedBefore` belongs to a worker that died: the recipient is marked
   * `failed`, not retryable (whether SES sent it is unknown). False when it is not such a claim.
   */
  expireClaim(
    id: string,
    directorId: string,
    claimedBefore: string,
    error: string,
    now: string,
  ): Promise<boolean>;
  /** Puts the retryable failures back to `queued`; returns their director ids. */
  requeueRetryable(id: string, now: string): Promise<string[]>;

  broadcastOfMail(sesMessageId: string): Promise<string | undefined>;
  /** The broadcast and recipient of a mail, by the SES message id. */
  recipientOfMessage(sesMessageId: string): Promise<{ broadcastId: string; directorId: string } | undefined>;
  /**
   * Records an SES event on a recipient: `delivered` only from `sent`, `bounced` and `complained`
   * from `sent` or `delivered`; false when the recipient is not in such a status.
   */
  recordEvent(
    id: string,
    directorId: string,
    status: 'delivered' | 'bounced' | 'complained',
    detail: string | undefined,
    now: string,
  ): Promise<boolean>;
  recordAddressProblem(problem: AddressProblem): Promise<void>;
  /** The latest problem of each of these addresses that has one. */
  addressProblems(emails: readonly string[]): Promise<AddressProblem[]>;
};

/** One recipient of a bulk send and its replacement data. */
export type BulkDestination = { email: string; replacements: Record<string, string> };

/** One bulk send: the same template to up to 50 destinations. */
export type BulkSendRequest = {
  broadcastId: string;
  from: string;
  fromName: string;
  replyTo: string;
  template: { subject: string; text: string; html: string };
  destinations: BulkDestination[];
};

/** What SES answered for one destination, in the request's order. */
export type BulkSendResult = RecipientResult;

/** Sends a broadcast's chunks through SES. */
export type BulkSender = {
  /**
   * One `SendBulkEmail`; a result per destination. A refusal of the whole call that SES
   * answered (throttling, a bad request) comes back as that failure for every destination;
   * only a call whose fate is unknown (no answer) throws.
   */
  sendBulk(request: BulkSendRequest): Promise<BulkSendResult[]>;
  /** Mails a second the account may send (SES `GetAccount`, or the configured value). */
  maxSendRate(): Promise<number>;
};
