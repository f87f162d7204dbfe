/**
 * The `receive` step: SES has stored the raw mail and invoked us with its receipt; hand the
 * mail to the intake queue, addressed by its SES message id.
 *
 * SES invokes asynchronously, so the same event may come twice: the two messages carry the same
 * SES id, and `screen` records one outcome per id.
 */
import type { Queue } from '#shared/adapters/queue.ts';
import { type SesReceiptEvent, toReceivedMail } from '#shared/adapters/ses-event.ts';
import type { IntakeMessage } from '#shared/domain/messages.ts';
import { pipeline } from '#shared/pipeline.ts';

export type ReceiveDeps = { intake: Queue<IntakeMessage>; rawMailBucket: string };

/** Queues every mail of the SES event for screening; returns their SES ids. */
export async function receiveMail(event: SesReceiptEvent, deps: ReceiveDeps): Promise<string[]> {
  const messages: IntakeMessage[] = event.Records.map((record) => {
    const mail = toReceivedMail(record);
    return {
      type: 'mail.received',
      ...mail,
      rawMail: { bucket: deps.rawMailBucket, key: `${pipeline.rawMailPrefix}${mail.sesMessageId}` },
    };
  });
  await deps.intake.sendAll(messages);
  return messages.map((message) => message.sesMessageId);
}
