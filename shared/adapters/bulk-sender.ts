/**
 * Sending a broadcast's chunks through SES (API v2 `SendBulkEmail`): the template inline (subject,
 * text, HTML with `{{greeting}}`), each destination's replacement data, the configuration set
 * (delivery, bounce and complaint events), the broadcast named in a tag, replies to the desk, and
 * headers that make an automatic answer recognisable (`Auto-Submitted`, the desk's own header).
 */
import { GetAccountCommand, type SESv2Client, SendBulkEmailCommand } from '@aws-sdk/client-sesv2';
import { DESK_MAIL_HEADER } from '#shared/domain/auto-reply.ts';
import type { BulkSender, BulkSendResult } from '#shared/domain/broadcast-ports.ts';
import { mailboxOf } from '#shared/domain/mailbox.ts';

/** Entry statuses SES may clear by itself: the entry is tried again later. */
const RETRYABLE_STATUSES = new Set([
  'ACCOUNT_THROTTLED',
  'TRANSIENT_FAILURE',
  'ACCOUNT_DAILY_QUOTA_EXCEEDED',
  'ACCOUNT_SENDING_PAUSED',
  'CONFIGURATION_SET_SENDING_PAUSED',
]);

/** Whole-call refusals that pass: throttling, quotas, a paused account, SES's own faults. */
const RETRYABLE_ERRORS = new Set([
  'TooManyRequestsException',
  'ThrottlingException',
  'LimitExceededException',
  'SendingPausedException',
]);

/** How long `GetAccount`'s answer is kept. */
const RATE_TTL_MS = 5 * 60_000;
/** SES's sandbox rate: the rate assumed when the account cannot be read. */
const FALLBACK_RATE = 1;

/** Makes the bulk sender over an SESv2 client; `maxSendRate` overrides `GetAccount` (local stand-in, tests). */
export function makeBulkSender({
  client,
  configurationSet,
  maxSendRate,
}: {
  client: SESv2Client;
  configurationSet?: string | undefined;
  maxSendRate?: number | undefined;
}) {
  let rate: { value: number; until: number } | undefined;
  return {
    async sendBulk(request): Promise<BulkSendResult[]> {
      const count = request.destinations.length;
      try {
        const { BulkEmailEntryResults = [] } = await client.send(
          new SendBulkEmailCommand({
            FromEmailAddress: mailboxOf(request.fromName, request.from),
            ReplyToAddresses: [request.replyTo],
            ConfigurationSetName: configurationSet,
            DefaultEmailTags: [
              { Name: 'purpose', Value: 'broadcast' },
              { Name: 'broadcast', Value: tagValue(request.broadcastId) },
            ],
            DefaultContent: {
              Template: {
                TemplateContent: {
                  Subject: request.template.subject,
                  Text: request.template.text,
                  Html: request.template.html,
                },
                TemplateData: JSON.stringify({ greeting: 'Bonjour,' }),
                Headers: [
                  { Name: 'Auto-Submitted', Value: 'auto-generated' },
                  { Name: DESK_MAIL_HEADER, Value: `broadcast-${request.broadcastId}` },
                ],
              },
            },
            BulkEmailEntries: request.destinations.map((destination) => ({
              Destination: { ToAddresses: [destination.email] },
              ReplacementEmailContent: {
                ReplacementTemplate: { ReplacementTemplateData: JSON.stringify(destination.replacements) },
              },
            })),
          }),
        );
        return request.destinations.map((_, index): BulkSendResult => {
          const entry = BulkEmailEntryResults[index];
          if (entry === undefined)
            return { status: 'failed', error: 'Pas de réponse de SES', retryable: true };
          if (entry.Status === 'SUCCESS' && entry.MessageId)
            return { status: 'sent', messageId: entry.MessageId };
          const status = entry.Status ?? 'FAILED';
          return {
            status: 'failed',
            error: [status, entry.Error].filter(Boolean).join(' : '),
            retryable: RETRYABLE_STATUSES.has(status),
          };
        });
      } catch (error) {
        const answered = sesAnswer(error);
        // No answer from SES (network, timeout): whether it sent is unknown; the caller decides.
        if (answered === undefined) throw error;
        return Array.from({ length: count }, () => answered);
      }
    },

    async maxSendRate(): Promise<number> {
      if (maxSendRate !== undefined) return maxSendRate;
      if (rate && rate.until > Date.now()) return rate.value;
      try {
        const { SendQuota } = await client.send(new GetAccountCommand({}));
        const value =
          SendQuota?.MaxSendRate && SendQuota.MaxSendRate > 0 ? SendQuota.MaxSendRate : FALLBACK_RATE;
        rate = { value, until: Date.now() + RATE_TTL_MS };
        return value;
      } catch {
        // The pace is a courtesy to the other mails; the slowest rate is the safe guess.
        return FALLBACK_RATE;
      }
    },
  } satisfies BulkSender;
}

/** The failure SES answered for the whole call, or undefined when it did not answer. */
function sesAnswer(error: unknown): BulkSendResult | undefined {
  const failure = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const status = failure.$metadata?.httpStatusCode;
  if (status === undefined) return undefined;
  const name = failure.name ?? 'Error';
  return {
    status: 'failed',
    error: `${name} (HTTP ${status})`,
    retryable: status === 429 || status >= 500 || RETRYABLE_ERRORS.has(name),
  };
}

/** SES tag values take ASCII letters, digits, `_` and `-` only. */
function tagValue(value: string): string {
  return value.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 256);
}
