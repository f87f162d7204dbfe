/**
 * What the staff steps need of the outside world, each need one narrow port: reading and
 * changing a ticket, the retention of its items, the ticket list, the intake log, the
 * dashboard's facts, raw mails, the outbox and the directory. Adapters satisfy these types;
 * steps and their tests depend on nothing else.
 */
import type { IntakeFact, OpenTicketFact, SendProblemFact } from './dashboard.ts';
import type { IntakeReply } from './intake-reply.ts';
import type { IntakeDaySummary } from './intake-summary.ts';
import type { IntakeEntry, Ticket, TicketHistoryEntry } from './records.ts';
import type {
  FoundClaim,
  StoredMessage,
  StoredTicket,
  TicketChange,
  TicketRecord,
} from './ticket-actions.ts';
import type { TicketListPage, TicketListRequest } from './ticket-list.ts';

/** Reading one ticket and its partition. */
export type TicketReads = {
  /** A ticket (consistent read), or undefined when unknown or past its retention. */
  getTicket(number: string, now: Date): Promise<StoredTicket | undefined>;
  /** A ticket with its messages, notes and history in time order, or undefined. */
  readTicket(number: string, now: Date): Promise<TicketRecord | undefined>;
  /** One mail of a ticket's conversation, by its id. */
  findMessage(number: string, id: string): Promise<StoredMessage | undefined>;
  /** What a request claim recorded, if the request was carried out. */
  readRequest(number: string, requestId: string): Promise<FoundClaim | undefined>;
};

/** Writing a staff action. */
export type TicketWrites = {
  /**
   * Writes one action at once, on condition that the ticket is still as read and, with a claim,
   * that the request was not carried out before.
   * @throws DuplicateRequestError when the claim exists (with what it recorded)
   * @throws StaleTicketError when the ticket changed meanwhile or no longer exists
   */
  commit(change: TicketChange, now: string): Promise<void>;
};

/** A line of a ticket's history that changes nothing on the ticket (a download). */
export type TicketHistoryAppend = {
  /** Adds the line alone, the ticket unchanged, carrying the ticket's purge date when it has one. */
  appendHistory(number: string, line: TicketHistoryEntry, expiresAt: number | undefined): Promise<void>;
};

/** The retention of a ticket's items: the purge date every item of its partition carries. */
export type TicketRetention = {
  /** Gives every item of the ticket this purge date (idempotent); returns how many changed. */
  setExpiry(number: string, expiresAt: number): Promise<number>;
  /** Removes the purge date from every item of the ticket; returns how many changed. */
  clearExpiry(number: string): Promise<number>;
};

/** The ticket list, filtered and paged within a read budget. */
export type TicketListReads = {
  listTickets(request: TicketListRequest): Promise<TicketListPage>;
};

/** Where a page of the intake log stopped, as the store understands it (opaque to the steps). */
export type IntakeLogPosition = Record<string, unknown>;

/** Reading the intake log. */
export type IntakeLogReads = {
  /** The intake log, newest first, optionally of one outcome, optionally within a period of reception. */
  listIntake(query: {
    outcome?: string;
    receivedFrom?: string;
    receivedTo?: string;
    limit: number;
    startKey?: IntakeLogPosition;
    now: Date;
  }): Promise<{ items: IntakeEntry[]; lastKey: IntakeLogPosition | undefined }>;
  /** A received mail's entry and the automatic reply it got, if any; undefined when unknown or purged. */
  readIntake(
    sesMessageId: string,
    now: Date,
  ): Promise<{ entry: IntakeEntry; reply: IntakeReply | undefined } | undefined>;
};

/** What the dashboard counts, read within a budget (`truncated` when it was reached). */
export type DashboardFacts = {
  dashboardFacts(
    /** `intakeWindow(now)`: its instants, and its Paris days oldest first. */
    window: { from: string; to: string; days?: readonly string[] },
    now: Date,
  ): Promise<{
    /** The entries of the days no summary stands for. */
    intake: IntakeFact[];
    /** The days counted by the hourly tick that still hold (`intakeReadPlan`). */
    intakeDays?: IntakeDaySummary[];
    /** Every open ticket, what the counts read of it. */
    openTickets: OpenTicketFact[];
    /** The tickets `oldestUnansweredOf(openTickets)` names, whole, in its order. */
    oldestUnanswered: Ticket[];
    /** The mails found `failed` or `unknown` within the window. */
    sendProblems?: SendProblemFact[];
    truncated: boolean;
  }>;
};

/** The request was already carried out: `claim` is what it recorded. */
export class DuplicateRequestError extends Error {
  override name = 'DuplicateRequestError';
  constructor(
    readonly claim: FoundClaim,
    options?: ErrorOptions,
  ) {
    super('Request already carried out', options);
  }
}

/**
 * The ticket is not in the state the action was decided on (another agent, or a mail, changed
 * it): the step decides again on a fresh read.
 */
export class StaleTicketError extends Error {
  override name = 'StaleTicketError';
  constructor(number: string, options?: ErrorOptions) {
    super(`Ticket ${number} changed while an action was being written`, options);
  }
}

/** An object of the raw-mail bucket staff may download: a raw mail, or an attachment taken out of one. */
export type StoredFile = { bucket: string; key: string };

/** What a stored file is, as S3 keeps it. */
export type StoredFileFacts = { size: number; filename: string; contentType: string };

/** A short-lived link that gives a stored file's bytes, named and typed for the browser. */
export type FileLink = { url: string; expiresAt: string };

/** The files staff download: their facts, the attachments taken out once, links to either. */
export type DownloadFiles = {
  /** The size (and the name and type it was stored with) of a stored file, or undefined when absent. */
  facts(file: StoredFile): Promise<StoredFileFacts | undefined>;
  /** Stores an attachment taken out of a raw mail, with its name and type, for later downloads. */
  put(file: StoredFile, bytes: Uint8Array, facts: Omit<StoredFileFacts, 'size'>): Promise<void>;
  /**
   * A link valid a few minutes from `now`, whose answer carries these `Content-Disposition` and
   * `Content-Type` headers (the browser saves the file under its name, never renders it).
   */
  link(
    file: StoredFile,
    headers: { contentDisposition: string; contentType: string },
    now: Date,
  ): Promise<FileLink>;
};
