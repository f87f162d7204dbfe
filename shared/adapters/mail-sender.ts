/** Sending mail through SES (API v2, simple content, so that threading headers are kept). */
import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { DESK_MAIL_HEADER } from '#shared/domain/auto-reply.ts';
import type { MailSender } from '#shared/domain/intake-ports.ts';
import { mailboxOf } from '#shared/domain/mailbox.ts';
import { autoSubmittedValue, type OutboxMessage } from '#shared/domain/messages.ts';
import { MailRefusedError } from '#shared/domain/send-status.ts';

/**
 * SES v2 `SendEmail` refusals that are final: the same mail would be refused again
 * (invalid content or a suppressed address, an unverified sending domain, a suspended account,
 * an invalid request, a missing identity or configuration set).
 */
const FINAL_REFUSALS = new Set([
  'MessageRejected',
  'MailFromDomainNotVerifiedException',
  'AccountSuspendedException',
  'BadRequestException',
  'NotFoundException',
]);

/** Refusals that pass: throttling, the sending quota, a paused account. */
const PASSING_REFUSALS = new Set([
  'TooManyRequestsException',
  'ThrottlingException',
  'LimitExceededException',
  'SendingPausedException',
]);

/**
 * Whether SES's failure is final. Throttling, 429, SES's own faults (5xx) and failures with no
 * answer (network) may pass, and so may 401/403 (credentials or a policy, fixed by a deploy):
 * those are retried, then left in the dead-letter queue. Any other 4xx is SES refusing the mail.
 */
export function isFinalRefusal(error: unknown): boolean {
  const failure = error as { name?: string; $metadata?: { httpStatusCode?: number } } | undefined;
  const name = failure?.name ?? '';
  if (PASSING_REFUSALS.has(name)) return false;
  if (FINAL_REFUSALS.has(name)) return true;
  const status = failure?.$metadata?.httpStatusCode;
  if (status === undefined || status === 429 || status === 401 || status === 403) return false;
  return status >= 400 && status < 500;
}

/** SES's code of a final refusal: its error's name, or the HTTP status when it named none. */
function refusalCode(error: unknown): string {
  const failure = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return failure.name && failure.name !== 'Error'
    ? failure.name
    : `HTTP ${failure.$metadata?.httpStatusCode ?? '?'}`;
}

/** Sends the desk's mails. */
export function makeMailSender({
  client,
  configurationSet,
}: {
  client: SESv2Client;
  configurationSet?: string;
}) {
  return {
    /**
     * Sends one mail; returns the id SES gave it (SES replaces our Message-ID with one of its own).
     * A final refusal throws `MailRefusedError` with SES's code; any other failure is thrown as it is.
     */
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
      const command = new SendEmailCommand({
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
      });
      try {
        const { MessageId } = await client.send(command);
        return MessageId ?? '';
      } catch (error) {
        if (isFinalRefusal(error)) throw new MailRefusedError(refusalCode(error), { cause: error });
        throw error;
      }
    },
  } satisfies MailSender;
}
