/**
 * The knowledge base (« Base de connaissances »): articles written by staff, from scratch or from
 * a solved ticket, reviewed, published to the directors (public) or kept for staff (internal).
 *
 * Plain rules over plain data: what an article holds, which status follows which and who may
 * move it there, what an edit changes (the history keeps who, when and what). The steps
 * (`shared/steps/kb/`) apply them over the ports of `kb-ports.ts`; searching, rendering and the
 * public export are in `shared/kb/`.
 */
import * as z from 'zod';

/**
 * Builds a schema where it is declared, and says so to the bundler (`@__NO_SIDE_EFFECTS__`): the
 * ticket function reads only `articleUrl` and `isPublic` of this module, and classic zod's
 * `z.object` is not marked pure, so without this it built every article schema at its import.
 */
/* @__NO_SIDE_EFFECTS__ */
function declared<T>(build: () => T): T {
  return build();
}

import { DeskError } from './errors.ts';
import type { StaffGroup } from './staff.ts';

/** The longest title, and the longest of each text field (Markdown). */
export const MAX_TITLE = 200;
export const MAX_ARTICLE_TEXT = 20_000;
/** At most this many tags, each at most `MAX_TAG` characters. */
export const MAX_TAGS = 12;
export const MAX_TAG = 40;

/** `internal`: staff only. `public`: directors too, in the acknowledgments, on `/kb/` and in PANDA's feeds. */
export const ArticleVisibility = declared(() =>
  z.enum(['internal', 'public'], {
    error: 'Visibilité attendue : « internal » ou « public ».',
  }),
);
export type ArticleVisibility = z.infer<typeof ArticleVisibility>;

/** `draft` → `review` → `published` → `archived`. */
export const ArticleStatus = declared(() => z.enum(['draft', 'review', 'published', 'archived']));
export type ArticleStatus = z.infer<typeof ArticleStatus>;

/** The national application an article is about. */
export const ArticleApplication = declared(() =>
  z.enum(['LSU', 'LSUN'], { error: 'Application attendue : LSU ou LSUN.' }),
);
export type ArticleApplication = z.infer<typeof ArticleApplication>;

/** An article's id: a number given by the store, stable for life (public URLs and feed ids keep it). */
export const ArticleId = declared(() =>
  z.string().regex(/^[1-9][0-9]{0,9}$/, { error: "Identifiant d'article invalide." }),
);
export type ArticleId = z.infer<typeof ArticleId>;

const text = (label: string, max = MAX_ARTICLE_TEXT) =>
  z
    .string({ error: `${label} attendu.` })
    .trim()
    .min(1, { error: `${label} ne peut pas être vide.` })
    .max(max, { error: `${label} est trop long (${max.toLocaleString('fr-FR')} caractères au plus).` });

/** A tag: trimmed, lower case, single spaces; « Bulletin  Périodique » is `bulletin périodique`. */
export const ArticleTag = declared(() =>
  z
    .string({ error: 'Étiquette attendue.' })
    .transform((tag) => tag.trim().replace(/\s+/g, ' ').toLocaleLowerCase('fr-FR'))
    .pipe(
      z
        .string()
        .min(1, { error: 'Une étiquette ne peut pas être vide.' })
        .max(MAX_TAG, { error: `Une étiquette a ${MAX_TAG} caractères au plus.` }),
    ),
);

/** An article as staff write it. Texts are Markdown. */
export const ArticleInput = declared(() =>
  z.object({
    title: text('Le titre', MAX_TITLE),
    symptom: text('Le symptôme'),
    cause: z
      .string({ error: 'Cause attendue.' })
      .trim()
      .max(MAX_ARTICLE_TEXT, { error: 'La cause est trop longue (20 000 caractères au plus).' })
      .optional()
      .transform((cause) => (cause === '' ? undefined : cause)),
    solution: text('La solution'),
    tags: z
      .array(ArticleTag, { error: 'Étiquettes attendues.' })
      .max(MAX_TAGS, { error: `Au plus ${MAX_TAGS} étiquettes.` })
      .default([])
      .transform((tags) => [...new Set(tags)]),
    application: ArticleApplication.default('LSUN'),
    visibility: ArticleVisibility,
  }),
);
export type ArticleInput = z.infer<typeof ArticleInput>;

/** The fields an edit can change, in the order the history shows them. */
export const ARTICLE_FIELDS = [
  'title',
  'symptom',
  'cause',
  'solution',
  'tags',
  'application',
  'visibility',
] as const satisfies ReadonlyArray<keyof ArticleInput>;
export type ArticleField = (typeof ARTICLE_FIELDS)[number];

/** The kinds of personal data a draft made from a ticket has replaced. */
export const RedactionKind = declared(() =>
  z.enum(['email', 'phone', 'uai', 'ine', 'ticket', 'person', 'school', 'commune']),
);
export type RedactionKind = z.infer<typeof RedactionKind>;

/**
 * What replaces each kind in the text: a bracketed French word the reviewer sees highlighted in
 * the editor (the console finds them with `REDACTION_PATTERN`).
 */
export const REDACTION_PLACEHOLDERS: Record<RedactionKind, string> = {
  email: '[adresse électronique]',
  phone: '[téléphone]',
  uai: '[UAI]',
  ine: '[INE]',
  ticket: '[n° de ticket]',
  person: '[nom]',
  school: '[école]',
  commune: '[commune]',
};

/** Finds the placeholders in a text. */
export const REDACTION_PATTERN = new RegExp(
  Object.values(REDACTION_PLACEHOLDERS)
    .map((placeholder) => placeholder.replace(/[[\]]/g, '\\$&'))
    .join('|'),
  'g',
);

/** How many of one kind of personal data were replaced in a draft made from a ticket. */
export const RedactionCount = declared(() =>
  z.object({
    kind: RedactionKind,
    count: z.number().int().positive(),
  }),
);
export type RedactionCount = z.infer<typeof RedactionCount>;

/**
 * A capitalised word after « élève », « enfant », « Mme », « M. »: maybe a name, left in place
 * for the reviewer to check.
 */
export const RedactionFlag = declared(() =>
  z.object({
    field: z.enum(['title', 'symptom', 'solution']),
    word: z.string(),
    /** The word that announced it (« élève », « Mme »…). */
    after: z.string(),
  }),
);
export type RedactionFlag = z.infer<typeof RedactionFlag>;

/** An article. `version` increases with every change; an edit names the version it read. */
export const Article = declared(() =>
  z.object({
    id: ArticleId,
    title: z.string(),
    symptom: z.string(),
    cause: z.string().optional(),
    solution: z.string(),
    tags: z.array(z.string()),
    application: ArticleApplication,
    visibility: ArticleVisibility,
    status: ArticleStatus,
    version: z.number().int().positive(),
    createdAt: z.string(),
    createdBy: z.string(),
    updatedAt: z.string(),
    updatedBy: z.string(),
    /** When it was first published (kept through later edits and archiving). */
    publishedAt: z.string().optional(),
    /** The ticket it was made from. */
    sourceTicket: z.string().optional(),
  }),
);
export type Article = z.infer<typeof Article>;

/** What one history line says changed: the field, before and after. */
export const ArticleChange = declared(() =>
  z.object({
    field: z.enum(ARTICLE_FIELDS),
    before: z.union([z.string(), z.array(z.string())]).optional(),
    after: z.union([z.string(), z.array(z.string())]).optional(),
  }),
);
export type ArticleChange = z.infer<typeof ArticleChange>;

/** One line of an article's history: who did what, when, and what changed. */
export const ArticleHistoryEntry = declared(() =>
  z.object({
    at: z.string(),
    actor: z.string(),
    action: z.enum(['created', 'edited', 'submitted', 'published', 'archived']),
    /** The status before, for a move of the workflow. */
    from: ArticleStatus.optional(),
    /** The version the change made. */
    version: z.number().int().positive(),
    changes: z.array(ArticleChange).default([]),
    /** The ticket a draft was made from. */
    sourceTicket: z.string().optional(),
  }),
);
export type ArticleHistoryEntry = z.infer<typeof ArticleHistoryEntry>;

/** Who acts, and as what. */
export type ArticleActor = { email: string; groups: readonly StaffGroup[] };

/** A new draft, version 1, and its first history line. */
export function newArticle(
  id: string,
  input: ArticleInput,
  actor: ArticleActor,
  now: string,
  sourceTicket?: string,
): { article: Article; entry: ArticleHistoryEntry } {
  const article: Article = {
    id,
    ...input,
    status: 'draft',
    version: 1,
    createdAt: now,
    createdBy: actor.email,
    updatedAt: now,
    updatedBy: actor.email,
    ...(sourceTicket ? { sourceTicket } : {}),
  };
  const changes = ARTICLE_FIELDS.flatMap((field) =>
    article[field] === undefined ? [] : [{ field, after: article[field] }],
  );
  return {
    article,
    entry: {
      at: now,
      actor: actor.email,
      action: 'created',
      version: 1,
      changes,
      ...(sourceTicket ? { sourceTicket } : {}),
    },
  };
}

/** The workflow's moves: where each may start, and which group may make it. */
export const ARTICLE_MOVES = {
  /** « Soumettre à la relecture ». */
  submitted: { to: 'review', from: ['draft'], group: 'agent' },
  /** « Publier »: a draft or an article in review, or an archived one brought back. */
  published: { to: 'published', from: ['draft', 'review', 'archived'], group: 'admin' },
  /** « Archiver »: out of the search, the suggestions and the public pages; kept with its history. */
  archived: { to: 'archived', from: ['draft', 'review', 'published'], group: 'admin' },
} as const satisfies Record<string, { to: ArticleStatus; from: readonly ArticleStatus[]; group: StaffGroup }>;
export type ArticleMove = keyof typeof ARTICLE_MOVES;

/**
 * Moves an article through the workflow.
 * @throws ArticleForbiddenError when the actor's group may not make the move
 * @throws ArticleStateError when the article's status does not allow it
 */
export function moveArticle(
  article: Article,
  move: ArticleMove,
  actor: ArticleActor,
  now: string,
): { article: Article; entry: ArticleHistoryEntry } {
  const rule = ARTICLE_MOVES[move];
  if (!may(actor, rule.group)) throw new ArticleForbiddenError(move);
  if (!(rule.from as readonly ArticleStatus[]).includes(article.status)) {
    throw new ArticleStateError(article.status, move);
  }
  const version = article.version + 1;
  return {
    article: {
      ...article,
      status: rule.to,
      version,
      updatedAt: now,
      updatedBy: actor.email,
      ...(rule.to === 'published' && !article.publishedAt ? { publishedAt: now } : {}),
    },
    entry: { at: now, actor: actor.email, action: move, from: article.status, version, changes: [] },
  };
}

/**
 * Applies an edit. Agents edit drafts and articles in review; a published article is what
 * directors read, so only an admin edits it (it stays published, and the export follows); an
 * archived article is published again before it is edited.
 * @throws ArticleForbiddenError for an agent editing a published article
 * @throws ArticleStateError for an archived article
 * @returns the article and its history line, or `undefined` when nothing changed
 */
export function editArticle(
  article: Article,
  input: ArticleInput,
  actor: ArticleActor,
  now: string,
): { article: Article; entry: ArticleHistoryEntry } | undefined {
  if (article.status === 'archived') throw new ArticleStateError(article.status, 'edited');
  if (article.status === 'published' && !may(actor, 'admin')) throw new ArticleForbiddenError('edited');
  const changes = changesBetween(article, input);
  if (changes.length === 0) return undefined;
  const version = article.version + 1;
  return {
    article: { ...article, ...input, cause: input.cause, version, updatedAt: now, updatedBy: actor.email },
    entry: { at: now, actor: actor.email, action: 'edited', version, changes },
  };
}

/** The fields whose value differs, before and after. */
export function changesBetween(article: Article, input: ArticleInput): ArticleChange[] {
  return ARTICLE_FIELDS.flatMap((field) => {
    const before = article[field];
    const after = input[field];
    return sameValue(before, after) ? [] : [{ field, before, after }];
  });
}

function sameValue(a: string | string[] | undefined, b: string | string[] | undefined): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => v === b[i]);
  return a === b;
}

/** Whether the article is what directors and PANDA may read. */
export function isPublic(article: Pick<Article, 'status' | 'visibility'>): boolean {
  return article.status === 'published' && article.visibility === 'public';
}

function may(actor: ArticleActor, group: StaffGroup): boolean {
  return group === 'agent' ? actor.groups.length > 0 : actor.groups.includes('admin');
}

/** The public address of an article's page. */
export function articleUrl(publicBaseUrl: string, id: string): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}/kb/articles/${id}.html`;
}

// ---------------------------------------------------------------------------------------------
// Refusals

const MOVE_LABELS: Record<ArticleMove | 'edited', string> = {
  submitted: 'soumettre à la relecture',
  published: 'publier',
  archived: 'archiver',
  edited: 'modifier',
};

const STATUS_LABELS: Record<ArticleStatus, string> = {
  draft: 'un brouillon',
  review: 'en relecture',
  published: 'publié',
  archived: 'archivé',
};

/** No article has this id. */
export class ArticleNotFoundError extends DeskError {
  override name = 'ArticleNotFoundError';
  constructor(readonly articleId: string) {
    super('not_found', 'article_not_found', `L'article ${articleId} n'existe pas.`);
  }
}

/** The article's status does not allow this move. */
export class ArticleStateError extends DeskError {
  override name = 'ArticleStateError';
  constructor(status: ArticleStatus, move: ArticleMove | 'edited') {
    const article =
      status === 'draft' ? "L'article est un brouillon" : `L'article est ${STATUS_LABELS[status]}`;
    super('conflict', 'article_state', `${article} : impossible de le ${MOVE_LABELS[move]}.`);
  }
}

/** Only an admin publishes, archives, or edits a published article. */
export class ArticleForbiddenError extends DeskError {
  override name = 'ArticleForbiddenError';
  constructor(move: ArticleMove | 'edited') {
    super(
      'forbidden',
      'article_forbidden',
      move === 'edited'
        ? 'Seul un administrateur peut modifier un article publié.'
        : `Seul un administrateur peut ${MOVE_LABELS[move]} un article.`,
    );
  }
}

/** Someone changed the article since it was read: the edit would overwrite their change. */
export class ArticleChangedError extends DeskError {
  override name = 'ArticleChangedError';
  constructor(readonly articleId: string) {
    super(
      'conflict',
      'article_changed',
      "L'article a été modifié entre-temps par quelqu'un d'autre : rechargez-le avant de l'enregistrer.",
    );
  }
}

/** A draft is made only from a ticket that has a question and an answer to take. */
export class TicketNotReadyForArticleError extends DeskError {
  override name = 'TicketNotReadyForArticleError';
  constructor(readonly ticketNumber: string) {
    super(
      'unprocessable',
      'ticket_without_answer',
      `Le ticket ${ticketNumber} n'a pas encore de réponse de l'assistance : rien à reprendre dans un article.`,
    );
  }
}
