/**
 * The deployment's settings, read from the CDK context (`cdk.json` or `-c key=value`).
 *
 * Validated once with zod, like the functions' own configuration, so a wrong value stops the
 * synthesis with a message naming the context key instead of producing a broken stack.
 */
import type { Node } from 'constructs';
import { z } from 'zod';
import { loadConfig } from '#shared/config.ts';
import type { RetentionPolicy } from '#shared/domain/retention.ts';

// `-c key=value` always gives strings; `cdk.json` may hold arrays, numbers and booleans.
const list = z.union([
  z.string().transform((value) =>
    value
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean),
  ),
  z.array(z.string()),
]);
const flag = z.union([z.boolean(), z.enum(['true', 'false']).transform((value) => value === 'true')]);
const positiveInt = z.coerce.number().int().positive();

const DeploySettingsSchema = z.object({
  /**
   * The region of every stack. eu-west-1 (Ireland) by default: SES email receiving is
   * documented there, and not (yet) confirmed in Paris (eu-west-3). The receipt rule can only
   * invoke a function and write to a bucket of its own region, so the whole desk lives in the
   * receiving region.
   */
  region: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d$/)
    .default('eu-west-1'),
  /** The desk addresses: recipients of the receipt rule and the only senders allowed. */
  deskAddresses: list
    .pipe(z.array(z.email().transform((address) => address.toLowerCase())).min(1))
    .optional(),
  academicDomain: z
    .string()
    .regex(/^[a-z0-9.-]+\.[a-z]{2,}$/i)
    .optional(),
  /** Where dead-letter alarms are mailed. Optional to synthesize, needed in a real deployment. */
  alarmEmail: z.email().optional(),
  /**
   * The functions' `RETENTION_DAYS`: the default duration of every kind of personal data whose
   * own key below is unset, and the access logs' lifetime. See `docs/retention.md`.
   */
  retentionDays: positiveInt.optional(),
  /** `RETENTION_INTAKE_DAYS`: intake entries, claims, automatic replies, raw mails that opened no ticket. */
  retentionIntakeDays: positiveInt.optional(),
  /** `RETENTION_TICKET_DAYS`: tickets, their messages, notes and history, their raw mails, from closing. */
  retentionTicketDays: positiveInt.optional(),
  /** `RETENTION_SENT_MAIL_DAYS`: records of mails sent outside tickets (staff notifications). */
  retentionSentMailDays: positiveInt.optional(),
  /** `RETENTION_AUDIT_DAYS`: the directory's audit entries. */
  retentionAuditDays: positiveInt.optional(),
  /** `RETENTION_BROADCAST_RECIPIENT_DAYS`: a broadcast's recipients, their mails' lookups, address problems. */
  retentionBroadcastRecipientDays: positiveInt.optional(),
  /** `RETENTION_ARTICLE_DRAFT_DAYS`: knowledge base drafts left unchanged. */
  retentionArticleDraftDays: positiveInt.optional(),
  /**
   * Days after receipt S3 deletes a raw mail whatever the desk did: a backstop only, since the
   * purge deletes raw mails with their ticket or intake entry. Default 3650 (ten years); must
   * exceed the intake and ticket durations, or it would delete the mails of living tickets.
   */
  rawMailBackstopDays: positiveInt.default(3650),
  /**
   * Days of DynamoDB point-in-time recovery (1 to 35, default 35): a purged item can be
   * restored, hence still exists in the backups, that long after its purge.
   */
  pointInTimeRecoveryDays: z.coerce.number().int().min(1).max(35).default(35),
  /** Make the receipt rule set the account's active one. Off by default: it replaces the active set. */
  activateReceiptRuleSet: flag.default(false),
  /** Domain to create as an SES sending identity (Easy DKIM). Unset: identities are managed outside. */
  senderDomain: z
    .string()
    .regex(/^[a-z0-9.-]+\.[a-z]{2,}$/i)
    .optional(),
  subjectKeyword: z.string().optional(),
  dailyRequestCap: positiveInt.optional(),
  dailyFollowUpCap: positiveInt.optional(),
  deskDisplayName: z.string().optional(),
  /** Share of the account's maximum send rate broadcasts may use (`BROADCAST_RATE_SHARE`). Default 0.5. */
  broadcastRateShare: z.coerce.number().optional(),
  /**
   * Mails per second broadcasts assume the account may send (`BROADCAST_MAX_SEND_RATE`). Unset
   * (the default): the functions ask SES (`GetAccount`), so a raised quota applies at once.
   */
  broadcastMaxSendRate: z.coerce.number().optional(),
  /** Working hours for a first reply (`FIRST_RESPONSE_TARGET_HOURS`). Default 8. */
  firstResponseTargetHours: positiveInt.optional(),
  /** Working hours for a resolution (`RESOLUTION_TARGET_HOURS`). Default 40. */
  resolutionTargetHours: positiveInt.optional(),
  /** Working days a ticket waits for the director before it is closed (`AUTO_CLOSE_WORKING_DAYS`). Default 10. */
  autoCloseWorkingDays: positiveInt.optional(),
  /**
   * The school holidays of the académie's zone, when no mail all day is not news
   * (`SCHOOL_HOLIDAYS`: `2026-12-19/2027-01-03,…`). Default none: the silent-day alarm may ring
   * during the holidays.
   */
  schoolHolidays: z.string().optional(),
  /**
   * Prefix of the Cognito hosted sign-in domain (`<prefix>.auth.<region>.amazoncognito.com`).
   * Unset: `assistance-lsun-<account id>`, unique to the account, so a first deployment works.
   */
  authDomainPrefix: z
    .string()
    .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/)
    .optional(),
  /** The built staff console (`npm run console:build`), relative to the repository root. */
  consoleDir: z.string().min(1).default('dist/console'),
  /**
   * Synthesize without the console's files (no upload, no `config.json`), for checks on a
   * machine that did not build the console. A stack synthesized so must not be deployed: it
   * would stop updating the console.
   */
  skipConsoleFiles: flag.default(false),
  /** A custom host name for the console (e.g. `assistance-lsun.ac-dijon.fr`). Unset: only `*.cloudfront.net`. */
  consoleDomain: z
    .string()
    .regex(/^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,}$/)
    .optional(),
  /** The ACM certificate of `consoleDomain`, which CloudFront requires in us-east-1. */
  consoleCertificateArn: z
    .string()
    .regex(/^arn:aws:acm:us-east-1:\d{12}:certificate\/[0-9a-f-]+$/, {
      message: 'an ACM certificate ARN in us-east-1 (CloudFront only uses certificates from that region)',
    })
    .optional(),
});

type RawSettings = z.infer<typeof DeploySettingsSchema>;

/** The validated deployment settings, every desk setting resolved. */
export type DeploySettings = Omit<
  RawSettings,
  | 'deskAddresses'
  | 'academicDomain'
  | 'retentionDays'
  | 'subjectKeyword'
  | 'dailyRequestCap'
  | 'dailyFollowUpCap'
  | 'deskDisplayName'
  | 'broadcastRateShare'
  | 'firstResponseTargetHours'
  | 'resolutionTargetHours'
  | 'autoCloseWorkingDays'
  | 'schoolHolidays'
  | 'retentionIntakeDays'
  | 'retentionTicketDays'
  | 'retentionSentMailDays'
  | 'retentionAuditDays'
  | 'retentionBroadcastRecipientDays'
  | 'retentionArticleDraftDays'
> & {
  deskAddresses: string[];
  academicDomain: string;
  retentionDays: number;
  subjectKeyword: string;
  dailyRequestCap: number;
  dailyFollowUpCap: number;
  deskDisplayName: string;
  broadcastRateShare: number;
  /** Each kind's retention, defaults resolved (the functions' `RETENTION_*_DAYS`). */
  retention: RetentionPolicy;
  /** The response clocks' targets and the auto-close delay, defaults resolved. */
  work: { firstResponseHours: number; resolutionHours: number; autoCloseWorkingDays: number };
  /** The school holidays, checked (the functions' `SCHOOL_HOLIDAYS`). */
  schoolHolidays: { from: string; to: string }[];
};

/** The context keys read by {@link readDeploySettings}. */
export const settingKeys = Object.keys(DeploySettingsSchema.shape) as (keyof RawSettings)[];

/** Raised when a context value does not describe a deployable desk. */
export class DeploySettingsError extends Error {
  override name = 'DeploySettingsError';
}

/**
 * Reads the deployment settings from a construct node's context (the app's, in practice).
 *
 * The desk settings the context leaves out take the defaults of the functions' own schema
 * (`shared/config.ts`), and the result is checked by that schema too: the stack and the
 * functions agree on every default and on what a valid value is.
 * @throws DeploySettingsError naming every context key that is wrong.
 */
export function readDeploySettings(node: Node): DeploySettings {
  const raw = Object.fromEntries(settingKeys.map((key) => [key, node.tryGetContext(key)]));
  const parsed = DeploySettingsSchema.refine(
    (settings) => (settings.consoleDomain === undefined) === (settings.consoleCertificateArn === undefined),
    { path: ['consoleCertificateArn'], message: 'consoleDomain and consoleCertificateArn go together' },
  ).safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new DeploySettingsError(`Invalid CDK context:\n  ${problems.join('\n  ')}`, {
      cause: parsed.error,
    });
  }
  const s = parsed.data;
  const given: Record<string, string | undefined> = {
    DESK_ADDRESSES: s.deskAddresses?.join(','),
    ACADEMIC_DOMAIN: s.academicDomain,
    RETENTION_DAYS: s.retentionDays?.toString(),
    RETENTION_INTAKE_DAYS: s.retentionIntakeDays?.toString(),
    RETENTION_TICKET_DAYS: s.retentionTicketDays?.toString(),
    RETENTION_SENT_MAIL_DAYS: s.retentionSentMailDays?.toString(),
    RETENTION_AUDIT_DAYS: s.retentionAuditDays?.toString(),
    RETENTION_BROADCAST_RECIPIENT_DAYS: s.retentionBroadcastRecipientDays?.toString(),
    RETENTION_ARTICLE_DRAFT_DAYS: s.retentionArticleDraftDays?.toString(),
    SUBJECT_KEYWORD: s.subjectKeyword,
    DAILY_REQUEST_CAP: s.dailyRequestCap?.toString(),
    DAILY_FOLLOW_UP_CAP: s.dailyFollowUpCap?.toString(),
    DESK_DISPLAY_NAME: s.deskDisplayName,
    BROADCAST_RATE_SHARE: s.broadcastRateShare?.toString(),
    BROADCAST_MAX_SEND_RATE: s.broadcastMaxSendRate?.toString(),
    FIRST_RESPONSE_TARGET_HOURS: s.firstResponseTargetHours?.toString(),
    RESOLUTION_TARGET_HOURS: s.resolutionTargetHours?.toString(),
    AUTO_CLOSE_WORKING_DAYS: s.autoCloseWorkingDays?.toString(),
    SCHOOL_HOLIDAYS: s.schoolHolidays,
  };
  // Resource names are not known at synthesis; placeholders let the schema check the rest.
  const placeholders = {
    DESK_TABLE: 'table',
    RAW_MAIL_BUCKET: 'bucket',
    INTAKE_QUEUE_URL: 'intake',
    TICKETS_QUEUE_URL: 'tickets',
    OUTBOX_QUEUE_URL: 'outbox',
  };
  let desk: ReturnType<typeof loadConfig>;
  try {
    desk = loadConfig({ ...placeholders, ...definedOnly(given) });
  } catch (error) {
    throw new DeploySettingsError(`Invalid CDK context for the desk: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (!desk.broadcast || !desk.work || !desk.retention || !desk.watch) {
    throw new DeploySettingsError(
      'Invalid CDK context for the desk: no broadcast pacing, working-time targets or retention in the configuration',
    );
  }
  const longest = Math.max(desk.retention.intakeDays, desk.retention.ticketDays);
  if (s.rawMailBackstopDays <= longest) {
    throw new DeploySettingsError(
      `Invalid CDK context:\n  rawMailBackstopDays: ${s.rawMailBackstopDays} must exceed the intake and ticket retention (${longest} days), or S3 would delete raw mails the desk still keeps`,
    );
  }
  return {
    ...s,
    deskAddresses: desk.deskAddresses,
    academicDomain: desk.academicDomain,
    retentionDays: desk.retentionDays,
    subjectKeyword: desk.subjectKeyword,
    dailyRequestCap: desk.dailyRequestCap,
    dailyFollowUpCap: desk.dailyFollowUpCap,
    deskDisplayName: desk.deskDisplayName,
    broadcastRateShare: desk.broadcast.rateShare,
    broadcastMaxSendRate: desk.broadcast.maxSendRate,
    work: desk.work,
    retention: desk.retention,
    schoolHolidays: desk.watch.schoolHolidays,
  };
}

function definedOnly(record: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(record).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}
