/**
 * A draft article made from a solved ticket (« Créer un article »): its subject becomes the title,
 * the director's first mail the symptom, the desk's last reply the solution, with every personal
 * datum the desk can recognise replaced by a placeholder in brackets (addresses, phone numbers,
 * UAI, INE, ticket numbers, the names of the ticket's people and of the directory's directors,
 * schools and communes). The reviewer gets the counts of what was replaced and the words to check.
 */
import {
  type ArticleActor,
  ArticleInput,
  MAX_ARTICLE_TEXT,
  MAX_TITLE,
  type RedactionCount,
  type RedactionFlag,
  TicketNotReadyForArticleError,
} from '#shared/domain/article.ts';
import type { DirectoryState } from '#shared/domain/directory.ts';
import { TicketNotFoundError } from '#shared/domain/errors.ts';
import { type KnownNames, nameMatcher, redactDraft } from '#shared/domain/redaction.ts';
import type { TicketRecord } from '#shared/domain/ticket-actions.ts';
import type { KbDeps } from './deps.ts';
import { type ArticleDetail, createArticle } from './manage.ts';
import { ticketTitle } from './search.ts';

/** The title when a ticket's subject holds nothing but its tag. */
const UNTITLED = "Demande d'assistance";

/** A draft made from a ticket, and what its redaction did. */
export type ArticleFromTicket = ArticleDetail & { redactions: RedactionCount[]; flags: RedactionFlag[] };

/**
 * Creates an `internal` draft from a ticket, its personal data redacted, `sourceTicket` set.
 * @throws TicketNotFoundError
 * @throws TicketNotReadyForArticleError when the desk has not answered the ticket yet
 */
export async function draftFromTicket(
  number: string,
  actor: ArticleActor,
  deps: KbDeps,
): Promise<ArticleFromTicket> {
  const record = await deps.tickets.readTicket(number, deps.now());
  if (record === undefined) throw new TicketNotFoundError(number);
  const taken = takenFrom(record);
  if (taken === undefined) throw new TicketNotReadyForArticleError(number);
  const { state } = await deps.directory.current();
  const { draft, redactions, flags } = redactDraft(taken, nameMatcher(knownNames(record, state)));
  const input = ArticleInput.parse({
    title: clip(draft.title, MAX_TITLE) || UNTITLED,
    symptom: clip(draft.symptom, MAX_ARTICLE_TEXT) || clip(draft.title, MAX_ARTICLE_TEXT) || UNTITLED,
    solution: clip(draft.solution, MAX_ARTICLE_TEXT),
    tags: [],
    visibility: 'internal',
  });
  const article = await createArticle(input, actor, deps, number);
  return { ...article, redactions, flags };
}

/**
 * What a draft takes from the conversation: the subject, the director's first mail, the desk's
 * last reply (the one that solved it); undefined while the desk has not replied.
 */
export function takenFrom(
  record: Pick<TicketRecord, 'ticket' | 'messages'>,
): { title: string; symptom: string; solution: string } | undefined {
  const replies = record.messages.filter(
    (message) =>
      message.direction === 'out' && message.purpose === 'staff_reply' && message.text.trim() !== '',
  );
  const solution = replies.at(-1)?.text.trim();
  if (!solution) return undefined;
  const first = record.messages.find((message) => message.direction === 'in');
  return {
    title: ticketTitle(record.ticket.subject),
    symptom: first?.text.trim() ?? '',
    solution,
  };
}

/**
 * The names a draft must not keep: the ticket's people (the requester, who wrote, who signed),
 * the directory's directors, and its schools and communes.
 */
export function knownNames(
  record: Pick<TicketRecord, 'ticket' | 'messages'>,
  state: Pick<DirectoryState, 'directors' | 'schools'>,
): KnownNames {
  const people = new Set<string>();
  const add = (name: string | undefined) => {
    const trimmed = name?.trim();
    if (trimmed) people.add(trimmed);
  };
  add(record.ticket.requester.name);
  for (const message of record.messages) {
    add(message.fromName);
    add(message.authorName);
  }
  for (const director of state.directors) add(`${director.firstName} ${director.lastName}`);
  const schools = new Set([...record.ticket.schools, ...state.schools].map((school) => school.name.trim()));
  const communes = new Set(
    [...record.ticket.schools, ...state.schools].map((school) => school.commune.trim()),
  );
  return {
    people: [...people],
    schools: [...schools].filter(Boolean),
    communes: [...communes].filter(Boolean),
  };
}

function clip(text: string, max: number): string {
  const trimmed = text.trim();
  return trimmed.length <= max ? trimmed : `${trimmed.slice(0, max - 1).trimEnd()}…`;
}
