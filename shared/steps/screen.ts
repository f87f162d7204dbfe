/**
 * The `screen` step: one received mail in, exactly one recorded outcome out, and what follows
 * from it: a ticket command for the `ticket` step, or an automatic reply where replying is safe.
 */
import { type DeskConfig, retentionOf } from '#shared/config.ts';
import { answeredSesMessageId } from '#shared/domain/broadcast.ts';
import type { BroadcastMailFinder } from '#shared/domain/broadcast-ports.ts';
import { answeredOutcome, quotaNotice, rejectionReply } from '#shared/domain/desk-mails.ts';
import type { DirectoryLookup, DirectoryMatch } from '#shared/domain/directory.ts';
import { RawMailGoneError } from '#shared/domain/errors.ts';
import {
  claimedTicketNumber,
  deskAddressOf,
  type IntakeRules,
  type Screening,
  screenAlone,
  screenWithFacts,
  type ThreadCandidate,
} from '#shared/domain/intake.ts';
import { quotaClaim, screenedEntry } from '#shared/domain/intake-log.ts';
import type {
  IntakeRecorder,
  QueueProducer,
  RawMailReader,
  ThreadFinder,
} from '#shared/domain/intake-ports.ts';
import type { InboundMail } from '#shared/domain/mail.ts';
import {
  type IntakeMessage,
  incomingMessage,
  type OutboxMessage,
  requesterOf,
  type TicketCommand,
} from '#shared/domain/messages.ts';
import type { IntakeEntry } from '#shared/domain/records.ts';
import { purgeDate } from '#shared/domain/retention.ts';
import { ticketOfThreadIds } from '#shared/domain/thread.ts';
import { parseMime } from '#shared/mail/parse.ts';
import { queueTogether } from './queue-together.ts';

/** What the screen step needs: the raw mail, the directory, the intake log, the ticket look-ups, the next queues. */
export type ScreenDeps = {
  config: DeskConfig;
  rawMail: RawMailReader;
  directory: DirectoryLookup;
  intakeLog: IntakeRecorder;
  threads: ThreadFinder;
  tickets: Pick<QueueProducer<TicketCommand>, 'sendAll'>;
  outbox: Pick<QueueProducer<OutboxMessage>, 'send'>;
  /** Names the broadcast a reply answers on the ticket it opens; without it, tickets name none. */
  broadcasts?: BroadcastMailFinder;
  now: () => Date;
};

/**
 * Screens a batch of received mails, each on its own, then queues their ticket commands together,
 * ten to an SQS request (one request per mail was the step's most frequent request after the
 * transaction). Each result is the mail's intake entry as recorded, or why it failed: its own
 * screening, or the queue refusing the commands, which fails every mail that had one. A failed
 * mail comes back from SQS and is screened again: the entry as stored gives the same command,
 * and the ticket step is idempotent.
 */
export async function screenMails(
  messages: IntakeMessage[],
  deps: ScreenDeps,
): Promise<Array<PromiseSettledResult<IntakeEntry>>> {
  const screened = await Promise.allSettled(messages.map((message) => screenMail(message, deps)));
  return queueTogether(
    screened,
    { message: ({ command }) => command, value: ({ entry }) => entry },
    (commands) => deps.tickets.sendAll(commands),
  );
}

/** Screens one received mail and records its outcome; returns the entry and the ticket command to queue. */
export async function screenMail(message: IntakeMessage, deps: ScreenDeps): Promise<RecordedScreening> {
  const { config } = deps;
  const rules: IntakeRules = {
    academicDomain: config.academicDomain,
    deskAddresses: config.deskAddresses,
    subjectKeyword: config.subjectKeyword,
  };
  const parsed = await parseMime(await readRawMail(message, deps.rawMail));
  const mail: InboundMail = { ...message, ...parsed };

  const alone = screenAlone(mail, rules);
  const { screening, director } = alone
    ? { screening: alone, director: undefined }
    : await screenWithLookups(mail as InboundMail & { from: { address: string } }, rules, deps);

  return recordScreening(mail, screening, director, deps);
}

/** What recording a screened request gives: the entry as stored, and the ticket command that follows. */
export type RecordedScreening = { entry: IntakeEntry; command: TicketCommand | undefined };

/**
 * Records a screened request's outcome (counted against the sender's daily cap), queues its
 * automatic reply, and says which ticket command follows from the entry as stored. Shared by
 * mail (`screenMail`, which queues the command) and the portal's requests
 * (`shared/steps/portal.ts`, which carries it out at once to answer the ticket number).
 */
export async function recordScreening(
  mail: InboundMail,
  screening: Screening,
  director: DirectoryMatch | undefined,
  deps: Pick<ScreenDeps, 'config' | 'intakeLog' | 'outbox' | 'broadcasts' | 'now'>,
  channel?: 'portal',
): Promise<RecordedScreening> {
  const { config } = deps;
  const deskAddress = deskAddressOf(mail.recipients, config);
  const answered = answeredOutcome(screening);
  const reply = answered && rejectionReply(answered, mail, deskAddress, config);
  const quota = quotaClaim(screening, mail.from?.address ?? '', mail.receivedAt, {
    request: config.dailyRequestCap,
    follow_up: config.dailyFollowUpCap,
  });

  const recorded = await deps.intakeLog.recordIntake({
    entry: screenedEntry({
      mail,
      screening,
      deskAddress,
      director,
      reply: answered,
      ...(channel ? { channel } : {}),
    }),
    quota,
    reply,
    quotaNotice: quota ? quotaNotice(mail, deskAddress, config, quota) : undefined,
    expiresAt: purgeDate(mail.receivedAt, retentionOf(config).intakeDays),
    now: deps.now().toISOString(),
  });

  // What follows is derived from the entry as stored, so a redelivery repeats it identically;
  // the next steps are idempotent.
  const stored = recorded.entry;
  let command: TicketCommand | undefined;
  if (stored.outcome === 'ticket_created' && !stored.ticketNumber && director) {
    command = {
      type: 'ticket.open',
      deskAddress,
      requester: requesterOf(director, mail.from?.name ?? ''),
      message: { ...incomingMessage(mail), ...(await broadcastAnswered(mail, deps.broadcasts)) },
    };
  } else if (stored.outcome === 'follow_up' && stored.ticketNumber) {
    command = { type: 'ticket.follow_up', ticketNumber: stored.ticketNumber, message: incomingMessage(mail) };
  }
  if (stored.reply) {
    const toSend =
      recorded.kind === 'recorded'
        ? recorded.reply
        : stored.reply === 'quota_notice' && quota
          ? quotaNotice(mail, deskAddress, config, quota)
          : reply;
    if (toSend) await deps.outbox.send(toSend);
  }
  return { entry: stored, command };
}

/**
 * The broadcast a new request answers, when its `In-Reply-To` names one of a broadcast's mails: a
 * director's reply to « Information globale » opens a ticket that says so.
 */
export async function broadcastAnswered(
  mail: Pick<InboundMail, 'inReplyTo'>,
  finder: BroadcastMailFinder | undefined,
): Promise<{ broadcastId?: string }> {
  const answered = answeredSesMessageId(mail.inReplyTo);
  if (finder === undefined || answered === undefined) return {};
  const broadcastId = await finder.broadcastOfMail(answered);
  return broadcastId ? { broadcastId } : {};
}

/** Steps 6 to 10: find the ticket a reply continues and who the sender is, then decide. */
async function screenWithLookups(
  mail: InboundMail & { from: { address: string } },
  rules: IntakeRules,
  deps: ScreenDeps,
): Promise<{ screening: Screening; director: DirectoryMatch | undefined }> {
  const [thread, director] = await Promise.all([
    findThread(mail, rules, deps.threads),
    deps.directory.findByEmail(mail.from.address),
  ]);
  return { screening: screenWithFacts(mail, rules, { thread, director }), director };
}

/**
 * The ticket a mail claims to continue: by the tag in its subject, else by our thread id in its
 * References, else by the mail it answers (one look-up at most).
 */
async function findThread(
  mail: InboundMail,
  rules: IntakeRules,
  threads: ThreadFinder,
): Promise<ThreadCandidate | undefined> {
  const threadIds = [...mail.inReplyTo, ...mail.references];
  const claimed = claimedTicketNumber(mail, rules) ?? ticketOfThreadIds(threadIds);
  // Judged at the mail's receipt, so that a redelivery decides the same way.
  if (claimed) return threads.findThread(claimed, mail.receivedAt);
  const answered = mail.inReplyTo[0];
  if (!answered) return undefined;
  const ticketNumber = await threads.ticketOfMessageId(answered);
  return ticketNumber ? threads.findThread(ticketNumber, mail.receivedAt) : undefined;
}

/**
 * The raw mail SES stored before it invoked `receive`. Missing at screening time, it was lost
 * (deleted by hand, a wrong bucket), not purged (the retention period is a year): no outcome
 * can be recorded without it, so the record fails, is retried, and ends in the intake's
 * dead-letter queue, whose alarm rings; each failure's log line names the SES id.
 */
async function readRawMail(message: IntakeMessage, rawMail: RawMailReader): Promise<Uint8Array> {
  try {
    return await rawMail.read(message.rawMail);
  } catch (error) {
    if (error instanceof RawMailGoneError)
      throw new RawMailMissingError(message.sesMessageId, message.rawMail, { cause: error });
    throw error;
  }
}

/** A received mail's raw MIME is not where SES stored it: a fault of ours, never a silent loss. */
export class RawMailMissingError extends Error {
  override name = 'RawMailMissingError';
  constructor(sesMessageId: string, location: { bucket: string; key: string }, options?: ErrorOptions) {
    super(
      `Raw mail of SES message ${sesMessageId} is missing (s3://${location.bucket}/${location.key}); the intake message goes to its dead-letter queue`,
      options,
    );
  }
}
