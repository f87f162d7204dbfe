/**
 * The event SES hands to a Lambda receipt action, and what the desk keeps of it.
 *
 * Written here rather than taken from Powertools: its `SesSchema` rejects events SES really
 * sends (missing `commonHeaders` fields, `dmarcPolicy` only on DMARC failure, spam and virus
 * verdicts `DISABLED` when scanning is off). The schema is lenient wherever SES varies and
 * strict only on what the desk cannot do without: the SES message id (it names the raw mail
 * in S3), the timestamp, the recipients and the verdicts.
 */
// A namespace import lets the bundler drop the parts of zod we do not use (~90 KB instead of ~450 KB).
import * as z from 'zod';
import { Verdict } from '#shared/domain/mail.ts';
import type { ReceivedMail } from '#shared/domain/messages.ts';

/**
 * A verdict object (`{ status }`). A status SES may add one day is read as
 * PROCESSING_FAILED rather than rejected: rejecting the event would lose the mail, while an
 * unknown verdict simply does not count as a pass.
 */
const SesVerdict = z.object({
  status: z
    .preprocess((value) => (typeof value === 'string' ? value.toUpperCase() : value), Verdict)
    .catch('PROCESSING_FAILED'),
});

/** A verdict SES only reports when the rule scans (spam, virus): absent means not scanned. */
const ScanVerdict = SesVerdict.default({ status: 'DISABLED' });

/** An authentication verdict SES did not report has not passed. */
const AuthVerdict = SesVerdict.default({ status: 'PROCESSING_FAILED' });

const SesHeader = z.object({ name: z.string(), value: z.string() });

/** Address headers are lists in SES events; be tolerant of a single string. */
const AddressList = z.union([z.array(z.string()), z.string().transform((value) => [value])]);

/** Every field is optional: SES only reports the headers the mail actually carries. */
export const SesCommonHeaders = z.looseObject({
  returnPath: z.string().optional(),
  from: AddressList.optional(),
  sender: AddressList.optional(),
  replyTo: AddressList.optional(),
  to: AddressList.optional(),
  cc: AddressList.optional(),
  bcc: AddressList.optional(),
  date: z.string().optional(),
  messageId: z.string().optional(),
  subject: z.string().optional(),
});
export type SesCommonHeaders = z.infer<typeof SesCommonHeaders>;

const Instant = z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'not a date');

export const SesMail = z.looseObject({
  timestamp: Instant,
  /** Envelope MAIL FROM; empty (or absent) for a bounce's null sender. */
  source: z.string().nullish(),
  /** SES's own id of the mail, also the key of the raw mail stored by the S3 action. */
  messageId: z.string().min(1),
  destination: z.array(z.string()).default([]),
  /** Documented as a string "true"/"false", sent as a boolean. */
  headersTruncated: z
    .union([z.boolean(), z.enum(['true', 'false']).transform((value) => value === 'true')])
    .default(false),
  headers: z.array(SesHeader).default([]),
  commonHeaders: SesCommonHeaders.default({}),
});
export type SesMail = z.infer<typeof SesMail>;

export const SesReceipt = z.looseObject({
  timestamp: Instant,
  /** Documented as a string, sent as a number. */
  processingTimeMillis: z.coerce.number().nonnegative().optional(),
  /** The envelope recipients the receipt rule matched. */
  recipients: z.array(z.string()).min(1),
  spamVerdict: ScanVerdict,
  virusVerdict: ScanVerdict,
  spfVerdict: AuthVerdict,
  dkimVerdict: AuthVerdict,
  dmarcVerdict: AuthVerdict,
  /** Only present when DMARC failed: the policy the From domain publishes (none, quarantine, reject). */
  dmarcPolicy: z.string().optional(),
  action: z.looseObject({
    type: z.string(),
    functionArn: z.string().optional(),
    invocationType: z.string().optional(),
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
export const SesReceiptEvent = z.object({ Records: z.array(SesReceiptRecord).min(1) });
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
