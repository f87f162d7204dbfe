/**
 * The event SES hands to a Lambda receipt action, and what the desk keeps of it.
 *
 * Written here rather than taken from Powertools: its `SesSchema` rejects events SES really
 * sends (missing `commonHeaders` fields, `dmarcPolicy` only on DMARC failure, spam and virus
 * verdicts `DISABLED` when scanning is off). The schema is lenient wherever SES varies and
 * strict only on what the desk cannot do without: the SES message id (it names the raw mail
 * in S3), the timestamp, the recipients and the verdicts.
 */
import { Verdict } from '#shared/domain/mail.ts';
import type { ReceivedMail } from '#shared/domain/messages.ts';
// zod/mini, built at receive's import (see shared/domain/zod.ts).
import * as z from '#shared/domain/zod.ts';

/**
 * A verdict object (`{ status }`). A status SES may add one day is read as
 * PROCESSING_FAILED rather than rejected: rejecting the event would lose the mail, while an
 * unknown verdict simply does not count as a pass.
 */
const SesVerdict = z.object({
  // zod/mini has no `preprocess`: classic's is this pipe from a transform into the schema.
  status: z.catch(
    z.pipe(
      z.transform((value: unknown) => (typeof value === 'string' ? value.toUpperCase() : value)),
      Verdict,
    ),
    'PROCESSING_FAILED',
  ),
});

/** A verdict SES only reports when the rule scans (spam, virus): absent means not scanned. */
const ScanVerdict = z._default(SesVerdict, { status: 'DISABLED' });

/** An authentication verdict SES did not report has not passed. */
const AuthVerdict = z._default(SesVerdict, { status: 'PROCESSING_FAILED' });

const SesHeader = z.object({ name: z.string(), value: z.string() });

/** Address headers are lists in SES events; be tolerant of a single string. */
const AddressList = z.union([
  z.array(z.string()),
  z.pipe(
    z.string(),
    z.transform((value: string) => [value]),
  ),
]);

/** Every field is optional: SES only reports the headers the mail actually carries. */
export const SesCommonHeaders = z.looseObject({
  returnPath: z.optional(z.string()),
  from: z.optional(AddressList),
  sender: z.optional(AddressList),
  replyTo: z.optional(AddressList),
  to: z.optional(AddressList),
  cc: z.optional(AddressList),
  bcc: z.optional(AddressList),
  date: z.optional(z.string()),
  messageId: z.optional(z.string()),
  subject: z.optional(z.string()),
});
export type SesCommonHeaders = z.infer<typeof SesCommonHeaders>;

const Instant = z.string().check(z.refine((value) => !Number.isNaN(Date.parse(value)), 'not a date'));

export const SesMail = z.looseObject({
  timestamp: Instant,
  /** Envelope MAIL FROM; empty (or absent) for a bounce's null sender. */
  source: z.nullish(z.string()),
  /** SES's own id of the mail, also the key of the raw mail stored by the S3 action. */
  messageId: z.string().check(z.minLength(1)),
  destination: z._default(z.array(z.string()), []),
  /** Documented as a string "true"/"false", sent as a boolean. */
  headersTruncated: z._default(
    z.union([
      z.boolean(),
      z.pipe(
        z.enum(['true', 'false']),
        z.transform((value: 'true' | 'false') => value === 'true'),
      ),
    ]),
    false,
  ),
  headers: z._default(z.array(SesHeader), []),
  commonHeaders: z._default(SesCommonHeaders, {}),
});
export type SesMail = z.infer<typeof SesMail>;

export const SesReceipt = z.looseObject({
  timestamp: Instant,
  /** Documented as a string, sent as a number. */
  processingTimeMillis: z.optional(z.coerce.number().check(z.nonnegative())),
  /** The envelope recipients the receipt rule matched. */
  recipients: z.array(z.string()).check(z.minLength(1)),
  spamVerdict: ScanVerdict,
  virusVerdict: ScanVerdict,
  spfVerdict: AuthVerdict,
  dkimVerdict: AuthVerdict,
  dmarcVerdict: AuthVerdict,
  /** Only present when DMARC failed: the policy the From domain publishes (none, quarantine, reject). */
  dmarcPolicy: z.optional(z.string()),
  action: z.looseObject({
    type: z.string(),
    functionArn: z.optional(z.string()),
    invocationType: z.optional(z.string()),
  }),
});
export type SesReceipt = z.infer<typeof SesReceipt>;

export const SesReceiptRecord = z.object({
  eventSource: z.literal('aws:ses'),
  eventVersion: z.string(),
  ses: z.object({ mail: SesMail, receipt: SesReceipt }),
});
export type SesReceiptRecord = z.infer<typeof SesReceiptRecord>;

/** The event of an SES receipt rule's Lambda action (one record per received mail). */
export const SesReceiptEvent = z.object({ Records: z.array(SesReceiptRecord).check(z.minLength(1)) });
export type SesReceiptEvent = z.infer<typeof SesReceiptEvent>;
/** What a producer (the local SMTP stand-in, a test) writes before parsing. */
export type SesReceiptEventInput = z.input<typeof SesReceiptEvent>;

/** The part of a received mail that the SES event alone tells (its type lives in the domain). */
export type { ReceivedMail };

/**
 * Reads the envelope and verdicts of one receipt record into the desk's terms, so that the
 * rest of the intake never looks at SES's shape.
 */
export function toReceivedMail(record: SesReceiptRecord): ReceivedMail {
  const { mail, receipt } = record.ses;
  const source = (mail.source ?? '').trim();
  const dmarc = receipt.dmarcVerdict.status;
  return {
    sesMessageId: mail.messageId,
    receivedAt: new Date(mail.timestamp).toISOString(),
    envelopeFrom: source === '<>' ? '' : source,
    recipients: receipt.recipients.map((address) => address.trim().toLowerCase()),
    verdicts: {
      spf: receipt.spfVerdict.status,
      dkim: receipt.dkimVerdict.status,
      dmarc,
      spam: receipt.spamVerdict.status,
      virus: receipt.virusVerdict.status,
      ...(dmarc === 'FAIL' && receipt.dmarcPolicy ? { dmarcPolicy: receipt.dmarcPolicy.toLowerCase() } : {}),
    },
  };
}

/** The mails of an SES receipt event, in the desk's terms; throws if the event is not one (a bug of the rule). */
export function receivedMails(event: unknown): ReceivedMail[] {
  return SesReceiptEvent.parse(event).Records.map(toReceivedMail);
}
