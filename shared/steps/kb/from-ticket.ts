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
  RedactionKind,
  TicketNotReadyForArticleError,
} from '#shared/domain/article.ts';
import type { DirectoryState, School } from '#shared/domain/directory.ts';
import { TicketNotFoundError } from '#shared/domain/errors.ts';
import { type KnownNames, type NameMatcher, nameMatcher, redactDraft } from '#shared/domain/redaction.ts';
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
  // Two passes: the ticket's own names, then the directory's, whose matcher is compiled once
  // per directory generation (thousands of names: a quarter of a second each time otherwise).
  const own = redactDraft(taken, nameMatcher(ticketNames(record)));
  const { draft, redactions, flags } = redactDraft(own.draft, directoryMatcher(deps.directory, state));
  const input = ArticleInput.parse({
    title: clip(draft.title, MAX_TITLE) || UNTITLED,
    symptom: clip(draft.symptom, MAX_ARTICLE_TEXT) || clip(draft.title, MAX_ARTICLE_TEXT) || UNTITLED,
    solution: clip(draft.solution, MAX_ARTICLE_TEXT),
    tags: [],
    visibility: 'internal',
  });
  const article = await createArticle(input, actor, deps, number);
  // The flags are the second pass's: they are read on the final text.
  return { ...article, redactions: sumCounts(own.redactions, redactions), flags };
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
 * The names of the ticket's own people (the requester, who wrote, who signed; by their addresses
 * too, whose local part often is a name), schools and communes.
 */
export function ticketNames(record: Pick<TicketRecord, 'ticket' | 'messages'>): KnownNames {
  const people = [
    record.ticket.requester.name,
    record.ticket.requester.email,
    ...record.ticket.participants,
    ...record.messages.flatMap((message) => [message.fromName, message.authorName]),
  ];
  return namesOf(people, record.ticket.schools);
}

/** The directory's directors, schools and communes. */
export function directoryNames(state: Pick<DirectoryState, 'directors' | 'schools'>): KnownNames {
  return namesOf(
    state.directors.map((director) => `${director.firstName} ${director.lastName}`),
    state.schools,
  );
}

/** The directory's matcher, per directory port (one per container) and generation. */
const directoryMatchers = new WeakMap<object, { generation: number; matcher: NameMatcher }>();

function directoryMatcher(port: object, state: DirectoryState): NameMatcher {
  const cached = directoryMatchers.get(port);
  if (cached?.generation === state.generation) return cached.matcher;
  const matcher = nameMatcher(directoryNames(state));
  directoryMatchers.set(port, { generation: state.generation, matcher });
  return matcher;
}

function namesOf(
  people: ReadonlyArray<string | undefined>,
  schools: ReadonlyArray<Pick<School, 'name' | 'commune'>>,
): KnownNames {
  const distinct = (values: ReadonlyArray<string | undefined>) => [
    ...new Set(values.flatMap((value) => (value?.trim() ? [value.trim()] : []))),
  ];
  return {
    people: distinct(people),
    schools: distinct(schools.map((school) => school.name)),
    communes: distinct(schools.map((school) => school.commune)),
  };
}

/** The counts of both passes, kind by kind, in the placeholders' order. */
function sumCounts(a: readonly RedactionCount[], b: readonly RedactionCount[]): RedactionCount[] {
  return RedactionKind.options.flatMap((kind) => {
    const count = [...a, ...b]
      .filter((entry) => entry.kind === kind)
      .reduce((sum, entry) => sum + entry.count, 0);
    return count > 0 ? [{ kind, count }] : [];
  });
}

function clip(text: string, max: number): string {
  const trimmed = text.trim();
  return trimmed.length <= max ? trimmed : `${trimmed.slice(0, max - 1).trimEnd()}…`;
}
