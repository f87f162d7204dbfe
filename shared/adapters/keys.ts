/**
 * Every key of the desk's single table, in one place, so that an access pattern can be read
 * off this file. Generic attribute names (pk, sk, gsi1pk...) come from `shared/table.ts`.
 */

import type { OutboundRecord } from '#shared/domain/messages.ts';

export const keys = {
  /** The intake log entry of one received mail. */
  intakeEntry: (sesMessageId: string) => ({ pk: `MAIL#${sesMessageId}`, sk: 'ENTRY' }),
  /** An automatic reply to a mail that opened no ticket, recorded beside its intake entry. */
  intakeReply: (sesMessageId: string) => ({ pk: `MAIL#${sesMessageId}`, sk: 'REPLY' }),
  /** Where a mail we send is recorded: as a message of its ticket, or as the reply beside an intake entry. */
  outbound: (record: OutboundRecord, outboxId: string) =>
    record.on === 'ticket'
      ? keys.ticketMessage(record.ticketNumber, record.at, outboxId)
      : record.on === 'notification'
        ? keys.notification(record.id)
        : keys.intakeReply(record.sesMessageId),
  /**
   * A notification mailed to a staff member (its send claim): a partition of its own, so it never
   * shows in the director's conversation on the ticket page.
   */
  notification: (id: string) => ({ pk: `NOTIFY#${id}`, sk: 'MAIL' }),
  /**
   * The outbox sweeper's sparse, keys-only index (gsi4): a mail in flight sits in `OUTBOX#inflight`
   * by the time it was queued (or given back, or re-queued), whether `queued` or `sending`: the
   * mailer's claim leaves it where it is, so that the claim writes nothing to the index. The
   * write that records it `sent`, `failed` or `unknown` takes it out. Each move is in the same
   * write as the status it follows, so the index cannot miss a mail in flight.
   */
  outboxInFlight: (since: string, outboxId: string) => ({
    gsi4pk: keys.outboxInFlightPartition(),
    gsi4sk: `${since}#${outboxId}`,
  }),
  /**
   * A mail that did not leave (`failed`) or may not have (`unknown`), by when that was found: the
   * dashboard counts them. Recording it `sent` after all takes it out.
   */
  outboxProblem: (at: string, outboxId: string) => ({
    gsi2pk: keys.outboxProblemPartition(),
    gsi2sk: `${at}#${outboxId}`,
  }),
  outboxInFlightPartition: () => 'OUTBOX#inflight',
  outboxProblemPartition: () => 'OUTBOX#problem',
  /** A staff member's choice of notifications (« Mon compte »), by their lower-case address. */
  notificationPrefs: (email: string) => ({ pk: `STAFF#${email.trim().toLowerCase()}`, sk: 'NOTIFY_PREFS' }),
  /** Intake log, newest first, all outcomes (gsi1) and per outcome (gsi2). */
  intakeByTime: (receivedAt: string, sesMessageId: string) => ({
    gsi1pk: 'INTAKE',
    gsi1sk: `${receivedAt}#${sesMessageId}`,
  }),
  intakeByOutcome: (outcome: string, receivedAt: string, sesMessageId: string) => ({
    gsi2pk: `INTAKE#${outcome}`,
    gsi2sk: `${receivedAt}#${sesMessageId}`,
  }),
  /** Claim of a Message-ID header: a second mail with the same id is a duplicate. */
  messageIdClaim: (messageId: string) => ({ pk: `MSGID#${messageId.toLowerCase()}`, sk: 'CLAIM' }),
  /**
   * Daily counter of a sender's mails, per kind (`request`, `follow_up`), per Paris day; it also
   * remembers whether the day's one "quota reached" notice was sent.
   */
  quota: (kind: string, sender: string, day: string) => ({
    pk: `QUOTA#${kind}#${sender}#${day}`,
    sk: 'COUNT',
  }),
  /** The year's ticket sequence. */
  ticketSequence: (year: number) => ({ pk: `SEQUENCE#TICKET#${year}`, sk: 'LAST' }),
  /** A ticket, and its messages in the same partition (one Query reads the conversation). */
  ticket: (number: string) => ({ pk: `TICKET#${number}`, sk: 'TICKET' }),
  ticketMessage: (number: string, at: string, id: string) => ({
    pk: `TICKET#${number}`,
    sk: `MSG#${at}#${id}`,
  }),
  ticketsByTime: (createdAt: string, number: string) => ({
    gsi1pk: 'TICKETS',
    gsi1sk: `${createdAt}#${number}`,
  }),
  ticketsByStatus: (status: string, updatedAt: string, number: string) => ({
    gsi2pk: `TICKETS#${status}`,
    gsi2sk: `${updatedAt}#${number}`,
  }),
  /** An internal note on a ticket, in its partition (read with the conversation). */
  ticketNote: (number: string, at: string, id: string) => ({
    pk: `TICKET#${number}`,
    sk: `NOTE#${at}#${id}`,
  }),
  /** One line of a ticket's history (who did what, when), in its partition, in time order. */
  ticketHistory: (number: string, at: string, id: string) => ({
    pk: `TICKET#${number}`,
    sk: `HIST#${at}#${id}`,
  }),
  /**
   * A staff request already carried out on a ticket (a reply, a note), by the console's
   * `requestId`: a double click finds it and gets the first result instead of a second mail.
   */
  ticketRequest: (number: string, requestId: string) => ({
    pk: `TICKET#${number}`,
    sk: `REQUEST#${requestId}`,
  }),
  /**
   * The directory's answer to "who is this sender?": one item per active address (a director's,
   * or a school's functional mailbox), so the intake needs one read. The rest of the directory's
   * keys are in `directory-store.ts`.
   */
  directoryContact: (email: string) => ({ pk: `CONTACT#${email.trim().toLowerCase()}`, sk: 'CONTACT' }),
  /**
   * A broadcast (« Information globale »), and its frozen recipients in the same partition, so
   * one Query counts them by status. The broadcast's own fields sit under its `broadcast`
   * attribute: a top-level `status` with `createdAt` would put it in gsi3, the tickets' index.
   */
  broadcast: (id: string) => ({ pk: `BROADCAST#${id}`, sk: 'BROADCAST' }),
  broadcastRecipient: (id: string, directorId: string) => ({
    pk: `BROADCAST#${id}`,
    sk: `RCPT#${directorId}`,
  }),
  /** Every broadcast, newest first (gsi1). */
  broadcastsByTime: (createdAt: string, id: string) => ({
    gsi1pk: 'BROADCASTS',
    gsi1sk: `${createdAt}#${id}`,
  }),
  /** The scheduled broadcasts, by start time (gsi2): the scheduler's tick reads those due. */
  broadcastsDue: (scheduledAt: string, id: string) => ({
    gsi2pk: 'BROADCASTS#scheduled',
    gsi2sk: `${scheduledAt}#${id}`,
  }),
  /** The broadcast and recipient of a mail SES sent, by its SES message id (SES events carry it). */
  broadcastMail: (sesMessageId: string) => ({ pk: `SESMAIL#${sesMessageId}`, sk: 'BROADCAST' }),
  /** The last hard bounce or complaint seen on an address. */
  addressProblem: (email: string) => ({ pk: `ADDRESS#${email.trim().toLowerCase()}`, sk: 'PROBLEM' }),
  /**
   * A knowledge base article. Its fields sit under its `article` attribute (a top-level `status`
   * with `createdAt` would put it in gsi3, the tickets' index); `version` is top level, for the
   * condition of a replacement.
   */
  article: (id: string) => ({ pk: `ARTICLE#${id}`, sk: 'ARTICLE' }),
  /** One line of an article's history, in its partition, by the version it made (zero-padded: in order). */
  articleHistory: (id: string, version: number) => ({
    pk: `ARTICLE#${id}`,
    sk: `HIST#${String(version).padStart(6, '0')}`,
  }),
  /** Every article (gsi1), and the articles of one status (gsi2), by last change. */
  articlesAll: (updatedAt: string, id: string) => ({ gsi1pk: 'ARTICLES', gsi1sk: `${updatedAt}#${id}` }),
  articlesByStatus: (status: string, updatedAt: string, id: string) => ({
    gsi2pk: `ARTICLES#${status}`,
    gsi2sk: `${updatedAt}#${id}`,
  }),
  /** The articles' id counter (`ADD`: never gives an id twice). */
  articleSequence: () => ({ pk: 'SEQUENCE#ARTICLE', sk: 'LAST' }),
  /** A number bumped in the transaction of every article's change: the staff search's cache key. */
  articleCatalogue: () => ({ pk: 'CATALOGUE#ARTICLES', sk: 'VERSION' }),
  /**
   * A reply template (« réponse type »), its fields under `template`; gsi1 lists the shared ones
   * (`REPLYTEMPLATES#shared`) and each person's own (`REPLYTEMPLATES#owner#<subject>`).
   */
  replyTemplate: (id: string) => ({ pk: `REPLYTEMPLATE#${id}`, sk: 'REPLYTEMPLATE' }),
  replyTemplatesOf: (owner: string | undefined, id: string) => ({
    gsi1pk: keys.replyTemplatesPartition(owner),
    gsi1sk: id,
  }),
  /** gsi1's partition of the shared templates (`owner` undefined), or of one person's own. */
  replyTemplatesPartition: (owner: string | undefined) =>
    owner === undefined ? 'REPLYTEMPLATES#shared' : `REPLYTEMPLATES#owner#${owner}`,
  /**
   * A finished Paris day of the intake log, counted by the hourly tick for the dashboard
   * (`intake-summary.ts`): one partition, so one Query reads the window's days in order.
   */
  intakeDaySummary: (day: string) => ({ pk: keys.intakeSummaryPartition(), sk: `DAY#${day}` }),
  intakeSummaryPartition: () => 'SUMMARY#INTAKE',
  /**
   * One chunk of the open tickets' snapshot the hourly tick writes for the dashboard
   * (`open-tickets-snapshot.ts`): one partition, so one Query reads the whole snapshot. No
   * `status` attribute (it would put the chunk in gsi3, the tickets' index) and no purge date
   * (a TTL removal would purge the partition's other chunks with it).
   */
  openTicketsSnapshot: (chunk: number) => ({
    pk: keys.openTicketsSnapshotPartition(),
    sk: `CHUNK#${String(chunk).padStart(4, '0')}`,
  }),
  openTicketsSnapshotPartition: () => 'SNAPSHOT#OPEN_TICKETS',
  // Staff reads
  /** gsi1's partition of every ticket, by creation (`ticketsByTime`). */
  allTicketsPartition: () => 'TICKETS',
  /** gsi2's partition of the tickets of one status, by last update (`ticketsByStatus`). */
  ticketsOfStatusPartition: (status: string) => `TICKETS#${status}`,
  /** gsi1's partition of the whole intake log, by reception (`intakeByTime`). */
  intakePartition: () => 'INTAKE',
  /** gsi2's partition of the intake log of one outcome, by reception (`intakeByOutcome`). */
  intakeOfOutcomePartition: (outcome: string) => `INTAKE#${outcome}`,
  /** gsi1's partition of every broadcast; gsi2's of the scheduled ones. */
  broadcastsPartition: () => 'BROADCASTS',
  dueBroadcastsPartition: () => 'BROADCASTS#scheduled',
  /** Sort key prefix of a broadcast's recipients. */
  broadcastRecipientPrefix: 'RCPT#',
  /** gsi1's partition of every article; gsi2's of the articles of one status. */
  articlesPartition: () => 'ARTICLES',
  articlesOfStatusPartition: (status: string) => `ARTICLES#${status}`,
  /** Sort key prefix of an article's history lines. */
  articleHistoryPrefix: 'HIST#',
  /** Sort key prefixes of a ticket's partition: its mails, notes and history lines. */
  ticketItemPrefix: { message: 'MSG#', note: 'NOTE#', history: 'HIST#' },
} as const;
