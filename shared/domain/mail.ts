import * as z from './zod.ts';

/** A verdict as SES reports it in a receipt (and as the local SMTP stand-in computes it). */
export const Verdict = z.enum(['PASS', 'FAIL', 'GRAY', 'PROCESSING_FAILED', 'DISABLED']);
export type Verdict = z.infer<typeof Verdict>;

/** The receipt verdicts SES attaches to a received mail. */
export const ReceiptVerdicts = z.object({
  spf: Verdict,
  dkim: Verdict,
  dmarc: Verdict,
  spam: Verdict,
  virus: Verdict,
  /** Present only when DMARC failed: the policy the From domain publishes. */
  dmarcPolicy: z.optional(z.string()),
});
export type ReceiptVerdicts = z.infer<typeof ReceiptVerdicts>;

/** Where the raw MIME of a received mail is stored. */
export const RawMailLocation = z.object({
  bucket: z.string().check(z.minLength(1)),
  key: z.string().check(z.minLength(1)),
});
export type RawMailLocation = z.infer<typeof RawMailLocation>;

/** An attachment as the desk records it: its description, not its bytes (those stay in the raw mail). */
export const AttachmentInfo = z.object({
  filename: z.string(),
  mimeType: z.string(),
  size: z.number().check(z.int(), z.nonnegative()),
});
export type AttachmentInfo = z.infer<typeof AttachmentInfo>;

/**
 * Everything the intake checks need to know about one received mail: the SES envelope and
 * verdicts, and what was read from its MIME. Plain data, so each check is a plain function.
 */
export type InboundMail = {
  sesMessageId: string;
  /** ISO 8601 instant SES received the mail. */
  receivedAt: string;
  /** SMTP MAIL FROM (the return path); empty for bounces (null sender). */
  envelopeFrom: string;
  /** SMTP RCPT TO addresses, lower case. */
  recipients: string[];
  verdicts: ReceiptVerdicts;
  rawMail: RawMailLocation;
  /** The Message-ID header without angle brackets, if any. */
  messageId: string | undefined;
  /** The From header's address (lower case) and display name. */
  from: { address: string; name: string } | undefined;
  /**
   * Every distinct address of every From header (lower case): more than one means the mail
   * names several authors, and which one DMARC judged is anyone's guess. Absent: not read.
   */
  fromAddresses?: string[];
  /** The Sender header's address (lower case), if any: who says they sent it for the author. */
  sender?: string;
  /** Decoded subject (RFC 2047 words already decoded), '' when absent. */
  subject: string;
  inReplyTo: string[];
  references: string[];
  /** Every header, names in lower case, values decoded; repeated headers keep each value. */
  headers: Array<{ name: string; value: string }>;
  /** The `d=` domains of the DKIM-Signature headers, lower case. */
  dkimDomains: string[];
  text: string;
  attachments: AttachmentInfo[];
};
