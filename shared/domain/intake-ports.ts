/**
 * The ports of the mail pipeline: what each step (receive, screen, ticket, mailer, accept) needs
 * from the outside world, declared here in the domain's terms and satisfied by the adapters of
 * `shared/adapters/`. A step names the narrowest port it uses, so a test can hand it a fake and
 * an adapter can change its table layout without a step noticing.
 */
import type { ThreadCandidate } from './intake.ts';
import type { QuotaClaim } from './intake-log.ts';
import type { RawMailLocation } from './mail.ts';
import type { IncomingMessage, OutboxMessage } from './messages.ts';
import type { IntakeEntry, SendStatus, Ticket } from './records.ts';

// ---------------------------------------------------------------------------------------------
// The intake log (screen, accept)

/** What the screen step asks the intake log to record, in one atomic write. */
export type IntakeRecording = {
  entry: IntakeEntry;
  /** The daily counter the mail counts against; undefined when it did not reach the quota step. */
  quota: QuotaClaim | undefined;
  /** The automatic reply to record beside the entry and send, if any. */
  reply: OutboxMessage | undefined;
  /** The notice to send instead if the cap is reached (once a day per sender). */
  quotaNotice: OutboxMessage | undefined;
  /** When the entry, its Message-ID claim and its reply are purged (epoch seconds). */
  expiresAt: number;
  now: string;
};

/** What the intake log finally recorded for a mail. */
export type IntakeRecord =
  | { kind: 'recorded'; entry: IntakeEntry; reply: OutboxMessage | undefined }
  /** Another delivery of the same SES message recorded it first: its entry, unchanged. */
  | { kind: 'redelivered'; entry: IntakeEntry };

/** Records screened mails, exactly once per SES message; settles duplicates and the daily caps. */
export type IntakeRecorder = {
  recordIntake(input: IntakeRecording): Promise<IntakeRecord>;
};

/** Reads one mail's entry of the intake log. */
export type IntakeReader = {
  readIntakeEntry(sesMessageId: string): Promise<IntakeEntry | undefined>;
};

/**
 * Marks a held mail as accepted into a ticket by staff; undefined when it is not a mail that can
 * be accepted (unknown, already a ticket, or not held).
 */
export type AcceptanceMarker = {
  markAccepted(sesMessageId: string, actor: string, now: string): Promise<IntakeEntry | undefined>;
};

/** The whole intake log. */
export type IntakeLog = IntakeRecorder & IntakeReader & AcceptanceMarker;

// ---------------------------------------------------------------------------------------------
// Tickets (screen, ticket)

/** Finds the ticket a follow-up claims to continue. */
export type ThreadFinder = {
  /** The ticket as the follow-up check sees it, unless it does not exist or is purged at `at`. */
  findThread(ticketNumber: string, at: string): Promise<ThreadCandidate | undefined>;
  /** The ticket opened by the mail with this Message-ID, if any. */
  ticketOfMessageId(messageId: string): Promise<string | undefined>;
};

/** What adding a follow-up did. */
export type FollowUpAdded = {
  /** False when this mail was already added (a redelivery). */
  added: boolean;
  /** Whether the ticket was reopened: its other items must lose their purge date. */
  reopened: boolean;
  /**
   * The ticket the mail was added to when it is not the one asked: the one a merged ticket was
   * merged into (`shared/domain/ticket-merge.ts`).
   */
  ticketNumber?: string;
};

/** Adds follow-up mails to their tickets, once each. */
export type FollowUpWriter = {
  /** Throws `TicketNotFoundError` when the ticket does not exist or is purged at `now`. */
  addFollowUp(input: { ticketNumber: string; now: string; message: IncomingMessage }): Promise<FollowUpAdded>;
};

/** Both sides of follow-ups, as one store serves them. */
export type FollowUps = ThreadFinder & FollowUpWriter;

/** What opening one ticket needs. */
export type TicketOpening = {
  /** The year of the sequence (Paris year of receipt). */
  year: number;
  now: string;
  requester: Ticket['requester'];
  schools: Ticket['schools'];
  message: IncomingMessage;
  /** The acknowledgment to record with the ticket, once its number is known. */
  acknowledgment: (ticketNumber: string) => OutboxMessage;
};

/** The ticket an opening ended with: a new one, or the one a redelivery was already given. */
export type OpenedTicket = { kind: 'opened' | 'already_opened'; ticketNumber: string };

/** Opens the tickets of accepted mails, a batch at a time, once per mail. */
export type TicketOpener = {
  /**
   * One settled result per opening, in order: a batch shares its reads and its transaction,
   * but each mail succeeds or fails on its own (so that only its queue record is retried). A
   * fault that stops the whole batch (throttling, say) rejects the promise instead.
   */
  openTickets(openings: TicketOpening[]): Promise<Array<PromiseSettledResult<OpenedTicket>>>;
};

/** Takes the purge date off every item of a reopened ticket. */
export type PurgeDateClearer = {
  clearExpiry(ticketNumber: string): Promise<number>;
};

// ---------------------------------------------------------------------------------------------
// Sending (mailer)

/** What a claim found: taken by this delivery (until `leaseUntil`), or the record as it was. */
export type SendClaim =
  | { claimed: true; leaseUntil: string }
  | { claimed: false; status?: SendStatus | undefined; leaseUntil?: string | undefined };

/**
 * The once-only guard around sending a recorded mail (SES has no idempotency token): its record
 * goes `queued → sending` (the claim, with a lease) `→ sent | failed`, back to `queued` when a
 * send may be retried, or `sending → unknown` when its lease ran out.
 */
export type SendClaims = {
  /** Claims the mail for sending until `leaseUntil`; says what it found when another state holds. */
  claimSend(message: OutboxMessage, now: string, leaseUntil: string): Promise<SendClaim>;
  /** SES took the mail. */
  recordSent(message: OutboxMessage, sent: { sentMessageId: string; at: string }): Promise<void>;
  /** SES refused it for good: never retried. */
  recordFailed(message: OutboxMessage, failure: { code: string; reason: string; at: string }): Promise<void>;
  /** Gives a claim back after a send that may be retried (throttling, SES's fault, network). */
  releaseSend(message: OutboxMessage, now: string): Promise<void>;
  /**
   * Marks « envoi incertain » a mail still `sending` under the lease `leaseUntil` (so still the
   * claim that expired); false when its record moved meanwhile.
   */
  markUnknown(
    message: OutboxMessage,
    expired: { leaseUntil: string; at: string; reason: string },
  ): Promise<boolean>;
};

/** A mail the outbox sweeper found in flight too long, with what it needs to act on it. */
export type StrandedMail = {
  message: OutboxMessage;
  /** The record's position in the sweeper's index (its time and id): the condition of every change. */
  position: string;
  /** `queued`: since when; `sending`: when its lease ends. */
  since: string;
  /** Times the sweeper re-queued it already. */
  requeues: number;
};

/** What the outbox sweeper reads and writes of the mails' records. */
export type OutboxSweepRecords = Pick<SendClaims, 'markUnknown'> & {
  /** Mails `queued` (untouched) since before `cutoff`, oldest first, at most `limit`. */
  queuedBefore(cutoff: string, limit: number): Promise<StrandedMail[]>;
  /** Mails `sending` whose lease ended before `now`, at most `limit`. */
  sendingPastLease(now: string, limit: number): Promise<StrandedMail[]>;
  /**
   * Notes a re-queue (moves the mail's time in the index to `now`, counts it), on condition that
   * it is still `queued` at `position`: two overlapping sweeps re-queue it once. False otherwise.
   */
  markRequeued(mail: StrandedMail, now: string): Promise<boolean>;
  /** Takes a mail out of the sweeper's index; it stays `queued` (the dead-letter queue holds its message). */
  stopSweeping(mail: StrandedMail): Promise<void>;
};

/**
 * Sends one mail; returns the id the provider gave it. A final refusal throws `MailRefusedError`
 * (`send-status.ts`); any other failure may be retried.
 */
export type MailSender = {
  send(message: OutboxMessage): Promise<string>;
};

// ---------------------------------------------------------------------------------------------
// Queues and raw mails

/** A producer for one of the pipeline's queues. */
export type QueueProducer<T> = {
  /** Sends one message; `delaySeconds` (≤ 900, SQS's limit) hides it that long first. */
  send(message: T, options?: { delaySeconds?: number }): Promise<void>;
  sendAll(messages: T[]): Promise<void>;
};

/**
 * Reads the raw MIME of a received mail where SES stored it; a mail no longer stored (past its
 * retention) fails with `RawMailGoneError`.
 */
export type RawMailReader = {
  read(location: RawMailLocation): Promise<Uint8Array>;
};

/**
 * Stores a request that did not come by mail (the portal's) as a MIME message where received
 * mails are kept, so that it is read, downloaded and purged like them.
 */
export type RawMailWriter = {
  write(location: RawMailLocation, bytes: Uint8Array): Promise<void>;
};
