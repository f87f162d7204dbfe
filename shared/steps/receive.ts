/**
 * The `receive` step: SES has stored the raw mail and invoked us with its receipt; hand the
 * mail to the intake queue, addressed by its SES message id.
 *
 * SES invokes asynchronously, so the same event may come twice: the two messages carry the same
 * SES id, and `screen` records one outcome per id.
 */
import type { QueueProducer } from '#shared/domain/intake-ports.ts';
import type { IntakeMessage, ReceivedMail } from '#shared/domain/messages.ts';
import { pipeline } from '#shared/pipeline.ts';

/** What the receive step needs: the intake queue, and the bucket SES stores raw mails in. */
export type ReceiveDeps = { intake: Pick<QueueProducer<IntakeMessage>, 'sendAll'>; rawMailBucket: string };

/** Queues every mail of an SES receipt for screening; returns their SES ids. */
export async function receiveMail(mails: ReceivedMail[], deps: ReceiveDeps): Promise<string[]> {
  const messages: IntakeMessage[] = mails.map((mail) => ({
    type: 'mail.received',
    ...mail,
    rawMail: { bucket: deps.rawMailBucket, key: `${pipeline.rawMailPrefix}${mail.sesMessageId}` },
  }));
  await deps.intake.sendAll(messages);
  return messages.map((message) => message.sesMessageId);
}
