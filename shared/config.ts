/**
 * The desk's configuration: one schema, parsed once at start.
 *
 * Only this module (and the AWS client factory) reads the environment. A wrong or missing
 * value stops the start with a message that names the variable, rather than failing later
 * on the first mail.
 */
import { type RetentionPolicy, uniformRetention } from '#shared/domain/retention.ts';
// zod/mini: every function parses its configuration at start (see shared/domain/zod.ts).
import * as z from '#shared/domain/zod.ts';

const emailList = z.pipe(
  z.pipe(
    z.string(),
    z.transform((value: string) => value.split(',').map((part) => part.trim().toLowerCase())),
  ),
  z.array(z.email()).check(z.minLength(1)),
);

const positiveInt = z.coerce.number().check(z.int(), z.positive());

/** The environment variables the desk reads, with their defaults. */
export const DeskEnv = z.object({
  DESK_TABLE: z.string().check(z.minLength(1)),
  RAW_MAIL_BUCKET: z.string().check(z.minLength(1)),
  INTAKE_QUEUE_URL: z.string().check(z.minLength(1)),
  TICKETS_QUEUE_URL: z.string().check(z.minLength(1)),
  OUTBOX_QUEUE_URL: z.string().check(z.minLength(1)),
  /** The desk addresses directors write to; mail to any other recipient is ignored. */
  DESK_ADDRESSES: z._default(emailList, ['assistance1d@ac-dijon.fr', 'assistance.1erdegre@ac-dijon.fr']),
  /** The academic domain, compared exactly (no subdomain, no lookalike). */
  ACADEMIC_DOMAIN: z._default(
    z.pipe(
      z.string().check(z.regex(/^[a-z0-9.-]+\.[a-z]{2,}$/i)),
      z.transform((domain: string) => domain.toLowerCase()),
    ),
    'ac-dijon.fr',
  ),
  SUBJECT_KEYWORD: z._default(z.string().check(z.regex(/^[A-Za-z0-9]+$/)), 'LSUN'),
  /** New requests accepted per sender per calendar day (Europe/Paris). */
  DAILY_REQUEST_CAP: z._default(positiveInt, 10),
  /** Follow-ups accepted per sender per calendar day: higher, a conversation is not abuse. */
  DAILY_FOLLOW_UP_CAP: z._default(positiveInt, 30),
  /**
   * The default retention, in days, of every kind of personal data whose own variable below is
   * unset (`RETENTION_*_DAYS`); see `docs/retention.md`.
   */
  RETENTION_DAYS: z._default(positiveInt, 365),
  /** SES configuration set used for every mail we send (delivery, bounce, complaint events). */
  SES_CONFIGURATION_SET: z.optional(z.string().check(z.minLength(1))),
  DESK_DISPLAY_NAME: z._default(z.string().check(z.minLength(1)), 'Assistance LSUN – Académie de Dijon'),
});

/**
 * The broadcasts' variables, a schema of their own (merged into the configuration below) so
 * that the deployments of the mail chain keep compiling until they pass them. The queues are
 * optional here; the entries that need one ask with `requiredQueue`, which names the variable.
 */
export const BroadcastEnv = z.object({
  BROADCAST_QUEUE_URL: z.optional(z.string().check(z.minLength(1))),
  SES_EVENTS_QUEUE_URL: z.optional(z.string().check(z.minLength(1))),
  /** Share of the account's maximum send rate broadcasts may use (acknowledgments share it). */
  BROADCAST_RATE_SHARE: z._default(z.coerce.number().check(z.gt(0), z.lte(1)), 0.5),
  /** Mails a second the account may send, instead of asking SES (`GetAccount`). */
  BROADCAST_MAX_SEND_RATE: z.optional(z.coerce.number().check(z.positive())),
});

/**
 * The knowledge base's variables (« Base de connaissances »): where its public files are
 * published, the address they are read at, and the queue that regenerates them. Optional here
 * like the broadcasts'; the functions that need one ask with `requiredKb`.
 */
export const KbEnv = z.object({
  /** The bucket of the public pages, feeds and search index (under `kb/`). */
  KB_BUCKET: z.optional(z.string().check(z.minLength(1))),
  /** The address the desk's public pages are served at: links in acknowledgments and feeds. */
  PUBLIC_BASE_URL: z.optional(z.url({ protocol: /^https?$/, error: 'Adresse http(s) attendue.' })),
  KB_EXPORT_QUEUE_URL: z.optional(z.string().check(z.minLength(1))),
});

/**
 * The staff's daily work (issue 14): response clocks in working hours of the académie (Monday to
 * Friday, 8:00–18:00 Paris, French public holidays excluded) and the closing of tickets left
 * waiting for the director.
 */
export const TicketWorkEnv = z.object({
  /** Working hours within which a new request should get its first reply from staff. */
  FIRST_RESPONSE_TARGET_HOURS: z._default(positiveInt, 8),
  /** Working hours within which a request should be resolved. */
  RESOLUTION_TARGET_HOURS: z._default(positiveInt, 40),
  /** Working days a ticket waits for the director (`en_attente`) before it is closed. */
  AUTO_CLOSE_WORKING_DAYS: z._default(positiveInt, 10),
});

/** `2026-12-19/2027-01-03`: a school holiday, both Paris days included. */
const schoolHoliday = z
  .pipe(
    z.string().check(
      z.regex(/^\d{4}-\d{2}-\d{2}\/\d{4}-\d{2}-\d{2}$/, {
        message: 'each period is written YYYY-MM-DD/YYYY-MM-DD (first and last day)',
      }),
    ),
    z.transform((period: string) => {
      const [from = '', to = ''] = period.split('/');
      return { from, to };
    }),
  )
  .check(
    z.refine((period) => period.from <= period.to, { message: 'a period ends on or after its first day' }),
  );

/** The watch on a silent desk (`mail-watch`): when a day without mail is not news. */
export const WatchEnv = z.object({
  /**
   * The school holidays of the académie's zone (zone A for Dijon), comma-separated periods
   * (`2026-12-19/2027-01-03,2027-02-06/2027-02-21`). They change every year: unset, the watch
   * looks on every working day, holidays included.
   */
  SCHOOL_HOLIDAYS: z.pipe(
    z.pipe(
      z._default(z.string(), ''),
      z.transform((value: string) =>
        value
          .split(',')
          .map((part) => part.trim())
          .filter((part) => part !== ''),
      ),
    ),
    z.array(schoolHoliday),
  ),
});

/**
 * One retention duration per kind of personal data (`docs/retention.md`), in days; each left
 * unset follows `RETENTION_DAYS`, so a deployment that only sets that one keeps working.
 */
export const RetentionEnv = z.object({
  /** Intake entries, Message-ID claims, automatic replies, raw mails that opened no ticket: from receipt. */
  RETENTION_INTAKE_DAYS: z.optional(positiveInt),
  /** Tickets, their messages, notes and history, and their raw mails and attachments: from closing. */
  RETENTION_TICKET_DAYS: z.optional(positiveInt),
  /** Records of mails sent outside tickets (staff notifications, broadcast mails): from sending. */
  RETENTION_SENT_MAIL_DAYS: z.optional(positiveInt),
  /** The directory's audit entries: from the change. */
  RETENTION_AUDIT_DAYS: z.optional(positiveInt),
  /** A broadcast's frozen recipients: from its start. */
  RETENTION_BROADCAST_RECIPIENT_DAYS: z.optional(positiveInt),
  /** Knowledge base drafts left unchanged: from their last change. */
  RETENTION_ARTICLE_DRAFT_DAYS: z.optional(positiveInt),
});

/** The variable of each kind's duration, for messages and deployment settings. */
export const retentionVariables = {
  intakeDays: 'RETENTION_INTAKE_DAYS',
  ticketDays: 'RETENTION_TICKET_DAYS',
  sentMailDays: 'RETENTION_SENT_MAIL_DAYS',
  auditDays: 'RETENTION_AUDIT_DAYS',
  broadcastRecipientDays: 'RETENTION_BROADCAST_RECIPIENT_DAYS',
  articleDraftDays: 'RETENTION_ARTICLE_DRAFT_DAYS',
} as const satisfies Record<keyof RetentionPolicy, keyof z.infer<typeof RetentionEnv>>;

export type DeskConfig = {
  tableName: string;
  rawMailBucket: string;
  queues: {
    intake: string;
    tickets: string;
    outbox: string;
    broadcast?: string | undefined;
    sesEvents?: string | undefined;
    kbExport?: string | undefined;
  };
  deskAddresses: string[];
  academicDomain: string;
  subjectKeyword: string;
  dailyRequestCap: number;
  dailyFollowUpCap: number;
  /** `RETENTION_DAYS`: the default of every kind's duration (read `retention`, or `retentionOf`). */
  retentionDays: number;
  /** Each kind's retention (optional in the type: configurations built by hand may give only `retentionDays`). */
  retention?: RetentionPolicy;
  sesConfigurationSet: string | undefined;
  deskDisplayName: string;
  /** The broadcasts' pacing (optional in the type: the mail chain's steps do not read it). */
  broadcast?: { rateShare: number; maxSendRate: number | undefined };
  /** The knowledge base's public files (optional in the type: most steps do not read it). */
  kb?: { bucket: string | undefined; publicBaseUrl: string | undefined };
  /** Response clocks and auto-close (optional in the type: most steps do not read them). */
  work?: { firstResponseHours: number; resolutionHours: number; autoCloseWorkingDays: number };
  /** The silent-desk watch's quiet days (optional in the type: only `mail-watch` reads it). */
  watch?: { schoolHolidays: { from: string; to: string }[] };
};

/** Raised when the environment does not describe a runnable desk. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Parses the environment into the desk's configuration.
 * @throws ConfigError naming every variable that is missing or wrong.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): DeskConfig {
  const parsed = z
    .extend(DeskEnv, {
      ...BroadcastEnv.shape,
      ...KbEnv.shape,
      ...TicketWorkEnv.shape,
      ...RetentionEnv.shape,
      ...WatchEnv.shape,
    })
    .safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`, { cause: parsed.error });
  }
  const e = parsed.data;
  return {
    tableName: e.DESK_TABLE,
    rawMailBucket: e.RAW_MAIL_BUCKET,
    queues: {
      intake: e.INTAKE_QUEUE_URL,
      tickets: e.TICKETS_QUEUE_URL,
      outbox: e.OUTBOX_QUEUE_URL,
      broadcast: e.BROADCAST_QUEUE_URL,
      sesEvents: e.SES_EVENTS_QUEUE_URL,
      kbExport: e.KB_EXPORT_QUEUE_URL,
    },
    deskAddresses: e.DESK_ADDRESSES,
    academicDomain: e.ACADEMIC_DOMAIN,
    subjectKeyword: e.SUBJECT_KEYWORD,
    dailyRequestCap: e.DAILY_REQUEST_CAP,
    dailyFollowUpCap: e.DAILY_FOLLOW_UP_CAP,
    retentionDays: e.RETENTION_DAYS,
    retention: Object.fromEntries(
      Object.entries(retentionVariables).map(([kind, variable]) => [kind, e[variable] ?? e.RETENTION_DAYS]),
    ) as RetentionPolicy,
    sesConfigurationSet: e.SES_CONFIGURATION_SET,
    deskDisplayName: e.DESK_DISPLAY_NAME,
    broadcast: { rateShare: e.BROADCAST_RATE_SHARE, maxSendRate: e.BROADCAST_MAX_SEND_RATE },
    kb: {
      bucket: e.KB_BUCKET,
      publicBaseUrl: e.PUBLIC_BASE_URL?.replace(/\/+$/, ''),
    },
    work: {
      firstResponseHours: e.FIRST_RESPONSE_TARGET_HOURS,
      resolutionHours: e.RESOLUTION_TARGET_HOURS,
      autoCloseWorkingDays: e.AUTO_CLOSE_WORKING_DAYS,
    },
    watch: { schoolHolidays: e.SCHOOL_HOLIDAYS },
  };
}

const queueVariables = {
  broadcast: 'BROADCAST_QUEUE_URL',
  sesEvents: 'SES_EVENTS_QUEUE_URL',
  kbExport: 'KB_EXPORT_QUEUE_URL',
} as const;

/**
 * The URL of an optional queue a function cannot work without.
 * @throws ConfigError naming the variable when it is not set.
 */
export function requiredQueue(config: DeskConfig, queue: keyof typeof queueVariables): string {
  const url = config.queues[queue];
  if (url === undefined)
    throw new ConfigError(`Invalid configuration:\n  ${queueVariables[queue]}: required`);
  return url;
}

/**
 * The knowledge base's bucket and public address, for a function that publishes or reads them.
 * @throws ConfigError naming the variables that are not set.
 */
export function requiredKb(config: DeskConfig): { bucket: string; publicBaseUrl: string } {
  const bucket = config.kb?.bucket;
  const publicBaseUrl = config.kb?.publicBaseUrl;
  if (bucket === undefined || publicBaseUrl === undefined) {
    const missing = [bucket === undefined && 'KB_BUCKET', publicBaseUrl === undefined && 'PUBLIC_BASE_URL'];
    throw new ConfigError(
      `Invalid configuration:\n  ${missing
        .filter(Boolean)
        .map((name) => `${name}: required`)
        .join('\n  ')}`,
    );
  }
  return { bucket, publicBaseUrl };
}

let cached: DeskConfig | undefined;

/** The configuration of this container, parsed on first use and kept. */
export function deskConfig(): DeskConfig {
  cached ??= loadConfig();
  return cached;
}

/** Each kind's retention: the configured one, or `retentionDays` for all (a configuration built by hand). */
export function retentionOf(config: Pick<DeskConfig, 'retentionDays' | 'retention'>): RetentionPolicy {
  return config.retention ?? uniformRetention(config.retentionDays);
}
