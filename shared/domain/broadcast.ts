/**
 * Broadcasts (« Information globale »): one mail to every active director of one or more zones
 * (a circonscription, a département, the académie, a school), now or at a set Paris time,
 * tracked recipient by recipient.
 *
 * Plain rules over plain data: who a broadcast reaches (once per person, at their principal
 * address), how it is cut into chunks for SES's bulk sending, how fast it may go, which statuses
 * follow which, what each recipient's mail says. The steps (`shared/steps/broadcast/`) apply them
 * over the ports of `broadcast-ports.ts`.
 */
// zod/mini: built at the import of the Lambda functions (see shared/domain/zod.ts).

import type { DirectoryState } from './directory.ts';
import { DeskError } from './errors.ts';
import { greetingOf } from './replies.ts';
import * as z from './zod.ts';
import { type ZoneRef, ZoneRef as ZoneRefSchema, zoneKey, zonesOf } from './zones.ts';

/** SES's limit of destinations in one `SendBulkEmail` call. */
export const CHUNK_SIZE = 50;
/** The longest subject and text a broadcast may have. */
export const MAX_SUBJECT = 200;
export const MAX_TEXT = 20_000;
/** How far ahead a broadcast may be scheduled. */
export const MAX_SCHEDULE_DAYS = 366;

export const BroadcastStatus = z.enum(['draft', 'scheduled', 'sending', 'sent', 'cancelled']);
export type BroadcastStatus = z.infer<typeof BroadcastStatus>;

/**
 * Where a recipient's mail stands: `queued` until its chunk is sent, `sending` while its chunk
 * is with SES (claimed, so no second delivery sends it again), then what SES and its events said.
 */
export const RecipientStatus = z.enum([
  'queued',
  'sending',
  'sent',
  'delivered',
  'bounced',
  'complained',
  'suppressed',
  'failed',
]);
export type RecipientStatus = z.infer<typeof RecipientStatus>;

/** Recipient statuses that no retry changes. */
export const FINAL_RECIPIENT_STATUSES = [
  'sent',
  'delivered',
  'bounced',
  'complained',
  'suppressed',
] as const satisfies readonly RecipientStatus[];

/** How many recipients are in each status. */
export const RecipientCounts = z.record(RecipientStatus, z.number().check(z.int(), z.nonnegative()));
export type RecipientCounts = z.infer<typeof RecipientCounts>;

/** A subject and text, as staff write them. */
/**
 * SES reads `{{…}}` in a bulk template as a variable to replace (the greeting is one): staff text
 * holding braces in pairs would be mangled or refused by SES, so it is refused here, in French.
 */
const NO_TEMPLATE_BRACES = {
  check: (value: string) => !value.includes('{{') && !value.includes('}}'),
  error:
    'Les doubles accolades « {{ » et « }} » ne sont pas permises (elles servent à personnaliser le courriel).',
};

export const BroadcastContent = z.object({
  subject: z
    .string({ error: 'Objet attendu.' })
    .check(
      z.trim(),
      z.minLength(1, { error: "L'objet ne peut pas être vide." }),
      z.maxLength(MAX_SUBJECT, { error: `L'objet est trop long (${MAX_SUBJECT} caractères au plus).` }),
      z.refine(NO_TEMPLATE_BRACES.check, { error: NO_TEMPLATE_BRACES.error }),
    ),
  text: z
    .string({ error: 'Texte attendu.' })
    .check(
      z.trim(),
      z.minLength(1, { error: 'Le texte ne peut pas être vide.' }),
      z.maxLength(MAX_TEXT, { error: 'Le texte est trop long (20 000 caractères au plus).' }),
      z.refine(NO_TEMPLATE_BRACES.check, { error: NO_TEMPLATE_BRACES.error }),
    ),
});
export type BroadcastContent = z.infer<typeof BroadcastContent>;

/** A broadcast as staff write it: its content and the zones it goes to. */
export const BroadcastInput = z.extend(BroadcastContent, {
  zones: z
    .array(ZoneRefSchema, { error: 'Zones attendues.' })
    .check(
      z.minLength(1, { error: 'Choisissez au moins une zone.' }),
      z.maxLength(50, { error: 'Au plus 50 zones.' }),
    ),
});
export type BroadcastInput = z.infer<typeof BroadcastInput>;

/** One line of a broadcast's history: who did what, when. */
export const BroadcastHistoryEntry = z.object({
  at: z.string(),
  /** Email of the staff member, or `planificateur` for a scheduled start. */
  actor: z.string(),
  action: z.enum(['created', 'edited', 'tested', 'scheduled', 'started', 'finished', 'cancelled', 'retried']),
  /** The scheduled time for `scheduled`; how many for `retried`. */
  detail: z.optional(z.string()),
});
export type BroadcastHistoryEntry = z.infer<typeof BroadcastHistoryEntry>;

/** A broadcast. */
export const Broadcast = z.extend(BroadcastInput, {
  id: z.string(),
  status: BroadcastStatus,
  /** Recipients: as previewed for a draft or a scheduled broadcast, frozen once sending started. */
  recipients: z.number().check(z.int(), z.nonnegative()),
  /** How many recipients are in each status (all `queued` until sending starts). */
  counts: RecipientCounts,
  /** When a scheduled broadcast starts (ISO 8601 UTC). */
  scheduledAt: z.optional(z.string()),
  createdAt: z.string(),
  createdBy: z.string(),
  updatedAt: z.string(),
  startedAt: z.optional(z.string()),
  finishedAt: z.optional(z.string()),
  history: z.array(BroadcastHistoryEntry),
});
export type Broadcast = z.infer<typeof Broadcast>;

/** One director a broadcast reaches, frozen when sending starts. */
export const BroadcastRecipient = z.object({
  /** The director's id in the directory. */
  directorId: z.string(),
  /** Their principal address, as it was when sending started. */
  email: z.string(),
  /** « Prénom Nom ». */
  name: z.string(),
  civility: z.optional(z.string()),
  lastName: z.string(),
  /** Their first school in the broadcast's zones. */
  uai: z.string(),
  status: RecipientStatus,
  /** SES's id of the mail sent to them. */
  messageId: z.optional(z.string()),
  /** Why it failed (SES's code and message), for `failed`, `bounced`, `suppressed`. */
  error: z.optional(z.string()),
  /** Whether a `failed` send may be retried (throttling, a transient fault). */
  retryable: z.optional(z.boolean()),
  updatedAt: z.string(),
});
export type BroadcastRecipient = z.infer<typeof BroadcastRecipient>;

// ---------------------------------------------------------------------------------------------
// Refusals

/** A zone the directory does not know. */
export class UnknownZoneError extends DeskError {
  override name = 'UnknownZoneError';
  constructor(zone: ZoneRef) {
    super('invalid', 'unknown_zone', `La zone ${zone.type} « ${zone.code} » n'existe pas dans l'annuaire.`);
  }
}

/** The zones chosen hold no active director: there is nobody to send to. */
export class EmptyZoneError extends DeskError {
  override name = 'EmptyZoneError';
  constructor() {
    super(
      'unprocessable',
      'empty_zone',
      "Aucun directeur actif dans les zones choisies : il n'y a personne à qui écrire.",
    );
  }
}

/** A time in the past, or too far ahead. */
export class InvalidScheduleError extends DeskError {
  override name = 'InvalidScheduleError';
  constructor(reason: 'past' | 'too_far') {
    super(
      'invalid',
      'invalid_schedule',
      reason === 'past'
        ? "L'heure d'envoi est déjà passée : choisissez une heure à venir."
        : "L'heure d'envoi est trop lointaine (un an au plus).",
    );
  }
}

/** The broadcast is not in a status that allows this action (a cancelled one cannot be sent). */
export class BroadcastStateError extends DeskError {
  override name = 'BroadcastStateError';
  constructor(status: BroadcastStatus, action: string) {
    super(
      'conflict',
      'broadcast_state',
      `Cette diffusion est « ${broadcastStatusLabel[status]} » : impossible de ${action}.`,
    );
  }
}

/** No broadcast with that id. */
export class BroadcastNotFoundError extends DeskError {
  override name = 'BroadcastNotFoundError';
  constructor(id: string) {
    super('not_found', 'broadcast_not_found', `La diffusion ${id} n'existe pas.`);
  }
}

/** French labels of the statuses, as the console shows them. */
export const broadcastStatusLabel: Record<BroadcastStatus, string> = {
  draft: 'Brouillon',
  scheduled: 'Programmée',
  sending: 'En cours d’envoi',
  sent: 'Envoyée',
  cancelled: 'Annulée',
};

export const recipientStatusLabel: Record<RecipientStatus, string> = {
  queued: 'En attente',
  sending: 'En cours d’envoi',
  sent: 'Envoyé',
  delivered: 'Distribué',
  bounced: 'Rejeté (adresse invalide)',
  complained: 'Signalé comme indésirable',
  suppressed: 'Adresse bloquée',
  failed: 'Échec',
};

// ---------------------------------------------------------------------------------------------
// Who a broadcast reaches

/**
 * The recipients of a broadcast to these zones: every active director with at least one school
 * in one of them, once each, at their principal address; their school is the first of theirs
 * (in UAI order) that lies in the zones. Sorted by address, so chunks are stable.
 * @throws UnknownZoneError for a zone the directory does not know
 * @throws EmptyZoneError when nobody is reached
 */
export function recipientsOf(
  state: DirectoryState,
  zones: readonly ZoneRef[],
  at: string,
): BroadcastRecipient[] {
  const known = new Set(zonesOf(state).map(zoneKey));
  for (const zone of zones) if (!known.has(zoneKey(normalizedZone(zone)))) throw new UnknownZoneError(zone);
  const wanted = new Set(zones.map((zone) => zoneKey(normalizedZone(zone))));
  const inZones = new Set(
    state.schools
      .filter((school) =>
        [
          zoneKey({ type: 'academie', code: 'ac-dijon' }),
          zoneKey({ type: 'departement', code: school.departement }),
          zoneKey({ type: 'circonscription', code: school.circonscriptionCode }),
          zoneKey({ type: 'ecole', code: school.uai }),
        ].some((key) => wanted.has(key)),
      )
      .map((school) => school.uai),
  );
  const recipients = state.directors.flatMap((director): BroadcastRecipient[] => {
    const school = director.assignments.map((a) => a.uai).find((uai) => inZones.has(uai));
    const email = director.emails[0];
    if (!director.active || school === undefined || email === undefined) return [];
    return [
      {
        directorId: director.id,
        email,
        name: [director.firstName, director.lastName].filter(Boolean).join(' '),
        ...(director.civility ? { civility: director.civility } : {}),
        lastName: director.lastName,
        uai: school,
        status: 'queued',
        updatedAt: at,
      },
    ];
  });
  if (recipients.length === 0) throw new EmptyZoneError();
  return recipients.sort((a, b) => (a.email < b.email ? -1 : a.email > b.email ? 1 : 0));
}

/** A school's zone code is its UAI in upper case, whatever the caller typed. */
function normalizedZone(zone: ZoneRef): ZoneRef {
  return zone.type === 'ecole' ? { ...zone, code: zone.code.toUpperCase() } : zone;
}

/** The recipients cut into chunks of at most `size` (SES's bulk limit), in order. */
export function chunksOf<T>(items: readonly T[], size = CHUNK_SIZE): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}

/** Zero of every recipient status, plus these. */
export function countsOf(statuses: Iterable<RecipientStatus>): RecipientCounts {
  const counts = Object.fromEntries(RecipientStatus.options.map((status) => [status, 0])) as RecipientCounts;
  for (const status of statuses) counts[status] += 1;
  return counts;
}

// ---------------------------------------------------------------------------------------------
// Pacing

/**
 * Mails a second broadcasts may use: a share of the account's maximum send rate (SES
 * `GetAccount`), since acknowledgments and staff replies share it; at least one.
 */
export function broadcastRate(maxSendRate: number, share: number): number {
  return Math.max(1, Math.floor(maxSendRate * share));
}

/** How long to wait after sending a chunk of `size` mails, so the broadcast keeps to `rate` a second. */
export function pauseAfterChunk(size: number, rate: number): number {
  return Math.ceil((size / rate) * 1000);
}

// ---------------------------------------------------------------------------------------------
// Statuses

/**
 * The status of a sending broadcast once these counts are reached: `sent` when no recipient is
 * still queued or with SES (failures included: they are final until someone retries them).
 */
export function statusAfterProgress(counts: RecipientCounts): 'sending' | 'sent' {
  return counts.queued + counts.sending > 0 ? 'sending' : 'sent';
}

/**
 * Checks a send time: in the future (a minute's grace for a form filled slowly), within a year.
 * @throws InvalidScheduleError
 */
export function checkSchedule(at: Date, now: Date): void {
  if (at.getTime() < now.getTime() - 60_000) throw new InvalidScheduleError('past');
  if (at.getTime() > now.getTime() + MAX_SCHEDULE_DAYS * 86_400_000)
    throw new InvalidScheduleError('too_far');
}

// ---------------------------------------------------------------------------------------------
// The mail each director gets

/** The replacement data of one recipient: their greeting. */
export function replacementsOf(recipient: Pick<BroadcastRecipient, 'civility' | 'lastName'>): {
  greeting: string;
} {
  return {
    greeting: greetingOf({ kind: 'director', civility: recipient.civility, lastName: recipient.lastName }),
  };
}

/**
 * The template of a broadcast's mail: `{{greeting}}` then the text, signed with the desk's name,
 * in plain text and in a simple HTML version (paragraphs, escaped).
 */
export function broadcastTemplate(
  content: BroadcastContent,
  deskDisplayName: string,
): { subject: string; text: string; html: string } {
  const paragraphs = content.text
    .replace(/\r\n?/g, '\n')
    .split(/\n\s*\n/)
    .map((paragraph) => paragraph.trim())
    .filter(Boolean);
  const footer =
    'Ce message d’information a été envoyé à tous les directeurs et directrices d’école concernés. Pour toute question, répondez simplement à ce message.';
  const text = ['{{greeting}}', ...paragraphs, `Cordialement,\n\n${deskDisplayName}`, footer].join('\n\n');
  const html = [
    '<p>{{greeting}}</p>',
    ...paragraphs.map((paragraph) => `<p>${escapeHtml(paragraph).replace(/\n/g, '<br>')}</p>`),
    `<p>Cordialement,<br><br>${escapeHtml(deskDisplayName)}</p>`,
    `<p><small>${escapeHtml(footer)}</small></p>`,
  ].join('\n');
  return { subject: content.subject, text: `${text}\n`, html };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** The template filled for one recipient (a test copy, or a check). */
export function fillTemplate(template: string, replacements: Record<string, string>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => replacements[name] ?? whole);
}

/**
 * The SES message id a reply names in its `In-Reply-To`: SES sends our mails with the Message-ID
 * `<id@region.amazonses.com>`, where `id` is what `SendBulkEmail` returned. Undefined for a mail
 * that answers nothing.
 */
export function answeredSesMessageId(inReplyTo: readonly string[]): string | undefined {
  const first = inReplyTo[0]?.trim().replace(/^<|>$/g, '');
  if (!first) return undefined;
  const local = first.split('@')[0];
  return local === undefined || local === '' ? undefined : local;
}
