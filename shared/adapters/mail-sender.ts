/** Sending mail through SES (API v2, simple content, so that threading headers are kept). */
import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { DESK_MAIL_HEADER } from '#shared/domain/auto-reply.ts';
import type { MailSender } from '#shared/domain/intake-ports.ts';
import { mailboxOf } from '#shared/domain/mailbox.ts';
import { autoSubmittedValue, type OutboxMessage } from '#shared/domain/messages.ts';

/** Sends the desk's mails. */
export function makeMailSender({
  client,
  configurationSet,
}: {
  client: SESv2Client;
  configurationSet?: string;
}) {
  return {
    /** Sends one mail; returns the id SES gave it (SES replaces our Message-ID with one of its own). */
    async send(message: OutboxMessage): Promise<string> {
      const autoSubmitted = autoSubmittedValue(message);
      const headers = [
        { Name: DESK_MAIL_HEADER, Value: message.outboxId },
        ...(autoSubmitted ? [{ Name: 'Auto-Submitted', Value: autoSubmitted }] : []),
        ...(message.inReplyTo ? [{ Name: 'In-Reply-To', Value: `<${message.inReplyTo}>` }] : []),
        ...(message.references.length > 0
          ? [{ Name: 'References', Value: message.references.map((id) => `<${id}>`).join(' ') }]
          : []),
      ];
      const { MessageId } = await client.send(
        new SendEmailCommand({
          FromEmailAddress: mailboxOf(message.fromName, message.from),
          Destination: { ToAddresses: [message.to] },
          Content: {
            Simple: {
              Subject: { Data: message.subject, Charset: 'UTF-8' },
              Body: { Text: { Data: message.text, Charset: 'UTF-8' } },
              Headers: headers,
            },
          },
          ConfigurationSetName: configurationSet,
          EmailTags: [
            { Name: 'purpose', Value: message.purpose },
            ...(message.ticketNumber ? [{ Name: 'ticket', Value: message.ticketNumber }] : []),
          ],
        }),
      );
      return MessageId ?? '';
    },
  } satisfies MailSender;
}
