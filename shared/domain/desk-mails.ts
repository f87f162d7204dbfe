/**
 * The mails the desk sends on its own, as outbox messages: which intake outcomes are answered,
 * the answer to each, the daily-cap notice and the acknowledgment of a new ticket. Their words
 * are in `replies.ts`; this module gives each its place in the conversation (threaded under the
 * mail it answers), its record and its outbox id, which are the same for every delivery of the
 * mail it answers, so that the mailer's claim sends it once.
 */
import type { Screening } from './intake.ts';
import type { QuotaClaim } from './intake-log.ts';
import type { InboundMail } from './mail.ts';
import { type IncomingMessage, type OutboxMessage, outgoingMail, type Requester } from './messages.ts';
import {
  acknowledgmentMail,
  type DeskReply,
  noKeywordMail,
  notDirectorMail,
  quotaNoticeMail,
} from './replies.ts';
import { threadIdOf } from './thread.ts';

/** How the desk presents itself and what it asks of a subject, from configuration. */
export type DeskVoice = { deskDisplayName: string; subjectKeyword: string };

/** The outcomes that get an answer: the sender can fix them (a keyword, the right address). */
export type AnsweredOutcome = 'no_keyword' | 'not_director';

/**
 * The outcome to answer, if any. Only these two are answered, and the intake reaches them only
 * for authenticated academic senders, so an answer is never backscatter.
 */
export function answeredOutcome(screening: Screening): AnsweredOutcome | undefined {
  return screening.outcome === 'no_keyword' || screening.outcome === 'not_director'
    ? screening.outcome
    : undefined;
}

/** What a reply needs of the mail it answers. */
export type AnsweredMail = Pick<
  InboundMail,
  'sesMessageId' | 'from' | 'subject' | 'messageId' | 'references'
>;

/** The answer to a mail turned away for a reason its sender can fix, from the desk address written to. */
export function rejectionReply(
  outcome: AnsweredOutcome,
  mail: AnsweredMail,
  deskAddress: string,
  voice: DeskVoice,
): OutboxMessage {
  const common = { originalSubject: mail.subject, deskDisplayName: voice.deskDisplayName };
  const content =
    outcome === 'no_keyword'
      ? noKeywordMail({ ...common, keyword: voice.subjectKeyword, deskAddress })
      : notDirectorMail(common);
  return intakeReply(mail, deskAddress, voice, outcome, content);
}

/**
 * The notice to a sender over a daily cap, of new requests or of follow-ups (sent once a day at
 * most for each).
 */
export function quotaNotice(
  mail: AnsweredMail,
  deskAddress: string,
  voice: DeskVoice,
  quota: Pick<QuotaClaim, 'kind' | 'cap'>,
): OutboxMessage {
  const content = quotaNoticeMail({
    kind: quota.kind,
    cap: quota.cap,
    deskDisplayName: voice.deskDisplayName,
  });
  return intakeReply(mail, deskAddress, voice, 'quota_notice', content);
}

/** A reply recorded beside the intake entry of the mail it answers, threaded under that mail. */
function intakeReply(
  mail: AnsweredMail,
  deskAddress: string,
  voice: DeskVoice,
  purpose: AnsweredOutcome | 'quota_notice',
  content: DeskReply,
): OutboxMessage {
  return outgoingMail({
    outboxId: `${mail.sesMessageId}.reply`,
    record: { on: 'intake', sesMessageId: mail.sesMessageId },
    purpose,
    from: deskAddress,
    fromName: voice.deskDisplayName,
    to: mail.from?.address ?? '',
    subject: content.subject,
    text: content.text,
    inReplyTo: mail.messageId,
    references: [...mail.references, ...(mail.messageId ? [mail.messageId] : [])],
  });
}

/**
 * The acknowledgment of a new ticket, recorded as a message of the ticket at the mail's receipt,
 * and carrying the ticket's thread id so that a reply finds its ticket without the subject's tag.
 * `suggestions` are the public articles that may already answer the question.
 */
export function acknowledgment(
  opened: { message: IncomingMessage; requester: Requester; deskAddress: string },
  ticketNumber: string,
  voice: Pick<DeskVoice, 'deskDisplayName'>,
  suggestions: ReadonlyArray<{ title: string; url: string }> = [],
): OutboxMessage {
  const { message, requester, deskAddress } = opened;
  const content = acknowledgmentMail({
    ticketNumber,
    originalSubject: message.subject,
    requester,
    deskDisplayName: voice.deskDisplayName,
    suggestions,
  });
  return outgoingMail({
    outboxId: `${message.sesMessageId}.ack`,
    record: { on: 'ticket', ticketNumber, at: message.receivedAt },
    purpose: 'acknowledgment',
    ticketNumber,
    from: deskAddress,
    fromName: voice.deskDisplayName,
    to: message.from,
    subject: content.subject,
    text: content.text,
    inReplyTo: message.messageId,
    references: [...(message.messageId ? [message.messageId] : []), threadIdOf(ticketNumber)],
  });
}
