/**
 * Searching the knowledge base in French: the staff search of the console, the public search of
 * `/kb/`, and the articles suggested for a director's mail (the acknowledgment, each ticket page).
 *
 * MiniSearch over the title and tags (boosted), the symptom, the cause and the solution. Every
 * term goes through the same chain, at indexing and at querying: accents folded and lower case
 * (the desk's `normalizeText`), French stop words dropped (`@orama/stopwords/french`), then
 * stemmed (`@orama/stemmers/french`), so « bulletin periodique » finds « Bulletins périodiques »
 * and « exporter » finds « export ». Folding comes before stemming so that a word typed without
 * its accents stems like the accented one.
 *
 * `suggest` answers a whole mail (greetings, signature, quoted replies, school names): it keeps
 * the question's words, scores each article by how much of the question it answers, and returns
 * nothing rather than a wrong article (`SUGGESTION_THRESHOLD`, chosen on the labelled set of
 * `test/fixtures/kb/questions.json`; `npx tsx scripts/kb-quality.ts` prints the sweep).
 */
import { stemmer } from '@orama/stemmers/french';
import { stopwords } from '@orama/stopwords/french';
import MiniSearch, { type Options, type SearchOptions, type SearchResult } from 'minisearch';
import type { Article } from '../domain/article.ts';
import { normalizeText } from '../domain/text.ts';

/** What the index is built from. */
export type SearchableArticle = Pick<
  Article,
  | 'id'
  | 'title'
  | 'symptom'
  | 'cause'
  | 'solution'
  | 'tags'
  | 'application'
  | 'visibility'
  | 'status'
  | 'updatedAt'
>;

/** What a search returns of an article (stored fields) and how well it matched. */
export type ArticleHit = Pick<
  Article,
  'id' | 'title' | 'tags' | 'application' | 'visibility' | 'status' | 'updatedAt'
> & { score: number };

/** A search's or a suggestion's options: how many at most, and which hits may be returned. */
export type SearchQueryOptions = { limit?: number; filter?: (hit: ArticleHit) => boolean };

/**
 * The least a suggestion must score (`suggest`'s measure, between 0 and 1: how much of the best
 * possible answer to the question the article is, see `suggestionScore`). Chosen on the labelled
 * set (`npx tsx scripts/kb-quality.ts`): hit@3 0.84, precision@3 0.88, and nine mails in ten
 * about something else get nothing; at 0.30 the precision is 0.96 but hit@3 falls below 0.8.
 */
export const SUGGESTION_THRESHOLD = 0.26;

/**
 * A suggestion after the first must score at least this share of the first one's: one good
 * article rather than one good and two vague ones.
 */
export const SUGGESTION_RELATIVE_CUTOFF = 0.85;

/** How much more the subject's words weigh than the body's: the subject says it in few words. */
const SUBJECT_BOOST = 2;

/**
 * How much the share of the question's words the index knows weighs on the suggestion's score
 * (1: in proportion). Measured: 0 lets mails about other things through, 1.5 and 2 lose hits.
 */
const FAMILIARITY_EXPONENT = 1;

/** A stored index that cannot be read (not JSON, not an index, another format's version). */
export class KbIndexError extends Error {
  override name = 'KbIndexError';
}

const FORMAT = 'assistance-lsun/kb-index';
const FORMAT_VERSION = 1;
const DEFAULT_SEARCH_LIMIT = 50;
const DEFAULT_SUGGESTIONS = 3;
/** Words of a mail beyond this many are not read: the question is at the start. */
const MAX_QUESTION_TERMS = 30;
/** The terms whose best score `suggest` remembers, at most (a few hundred kilobytes). */
const MAX_REMEMBERED_TERMS = 20_000;

const STORED_FIELDS = ['id', 'title', 'tags', 'application', 'visibility', 'status', 'updatedAt'] as const;
const FIELDS = ['title', 'tags', 'symptom', 'cause', 'solution'] as const;

const STOP_WORDS = new Set(stopwords.map((word) => normalizeText(word)));

/**
 * One term of an article or a query: folded, stop words and one-letter words out, stemmed.
 * `undefined` drops it.
 */
function processTerm(term: string): string | undefined {
  const folded = normalizeText(term);
  if (folded.length < 2 || STOP_WORDS.has(folded)) return undefined;
  return stemmer(folded);
}

/** The tags are one field, stored as a list; a tag of several words is searched by each of them. */
function stringifyField(value: unknown): string {
  if (Array.isArray(value)) return value.join(' ');
  return typeof value === 'string' ? value : '';
}

/**
 * How queries are matched. Prefixes from four letters (« synchro » finds « synchronisation »),
 * one typo from six letters; both weigh less than an exact match.
 */
const SEARCH_OPTIONS: SearchOptions = {
  boost: { title: 3, tags: 2, symptom: 1.2, cause: 0.8, solution: 1 },
  prefix: (term) => term.length >= 4,
  fuzzy: (term) => (term.length >= 5 ? 1 : false),
  maxFuzzy: 1,
  weights: { prefix: 0.4, fuzzy: 0.3 },
  combineWith: 'OR',
};

/**
 * How a mail is matched: as a search (`SEARCH_OPTIONS`, the index's defaults, which MiniSearch
 * applies under these), prefixes and one typo included. Turning typos off was measured and not
 * kept: on the labelled set hit@3 fell from 84.4 to 82.2 % (precision@3 88.4 → 90.2 %), and
 * `suggest()`'s p50 moved only from 10.0 to 9.6 ms (`npx tsx scripts/kb-quality.ts`,
 * `npm run bench -- kb`, at `ea94cf5`).
 */
const SUGGEST_OPTIONS: SearchOptions = {};

/**
 * Every option MiniSearch needs, at build and at load alike (`loadJS` must be given the same
 * field list and term processing the index was built with): kept here only.
 */
const INDEX_OPTIONS: Options<SearchableArticle> = {
  idField: 'id',
  fields: [...FIELDS],
  storeFields: [...STORED_FIELDS],
  stringifyField,
  processTerm: (term) => processTerm(term),
  searchOptions: SEARCH_OPTIONS,
};

/**
 * Words of a mail that say nothing of its question: greetings and courtesy, the school and its
 * director, the application's own name (every article is about LSU), time words, and the verbs
 * of asking. Folded, unstemmed.
 */
const MAIL_BOILERPLATE = new Set(
  [
    'bonjour bonsoir salut madame monsieur mesdames messieurs cordialement cordiales salutations',
    'merci remercie remerciant remerciements avance aide aider aidez assistance urgent urgence svp stp',
    'ecole ecoles elementaire maternelle primaire groupe scolaire rpi directeur directrice direction',
    'adjoint adjointe lsu lsun livret livrets application logiciel site',
    'probleme problemes souci soucis question questions besoin bien faire fait peux pouvez pourriez',
    'comment pourquoi quoi encore toujours depuis matin soir hier demain aujourd aujourdhui semaine',
    'lundi mardi mercredi jeudi vendredi samedi dimanche janvier fevrier mars avril mai juin juillet',
    'aout septembre octobre novembre decembre bonne journee soiree fin tres beaucoup vraiment',
    'collegue collegues equipe mme mlle rue tel telephone portable mail courriel',
    'ac dijon fr academie cote or nievre saone loire yonne circonscription ien',
    'donc alors car comme aussi deja puis ensuite avoir etre veux voudrais souhaite souhaiterais',
    'savoir sais pense crois semble arrive narrive peut dois doit faut voila ok oui non rien tout tous',
    'cela ceci chose choses quelque quelqu personne plus moins trop peu',
  ]
    .join(' ')
    .split(' '),
);

/** Where a mail's own text ends: the quoted message it answers, or the signature. */
const QUOTE_START = [
  /^\s*>/,
  /^\s*(le|on)\s.{0,120}\s(a écrit|a ecrit|wrote)\s*:?\s*$/i,
  /^\s*-{2,}\s*(message d['’]origine|original message|message transféré|message transfere)/i,
  /^\s*(de|from)\s*:\s.+@/i,
];
const SIGNATURE_START = [
  /^\s*--\s*$/,
  /^\s*(bien |très |tres )?(cordialement|amicalement|sincèrement)\b/i,
  /^\s*(bien à vous|bien a vous|salutations|respectueusement)\b/i,
  /^\s*(bonne|belle) (journée|journee|soirée|soiree|fin de journée|fin de journee|semaine)\b/i,
  /^\s*(merci|je vous remercie)( d['’]avance| par avance| beaucoup| pour (votre|vos|ton|ta) .{0,40})?\s*[.!,]*\s*$/i,
];

/**
 * The question of a director's mail, as the words that carry it: the subject (the first line)
 * and the body up to the signature or the quoted reply, without greetings, courtesy, school names'
 * common words or the application's name. Lower case, folded, unstemmed; each word once, in
 * order; and the terms (stemmed) of the subject, which says in a few words what the body tells.
 */
export function readQuestion(mail: string): { words: string[]; subjectTerms: Set<string> } {
  const [subject = '', ...body] = mail.split(/\r?\n/);
  const kept: string[] = [];
  for (const line of body) {
    if (QUOTE_START.some((re) => re.test(line)) || SIGNATURE_START.some((re) => re.test(line))) break;
    kept.push(line);
  }
  const subjectWords = wordsOf(subject.replace(/^\s*((re|tr|fwd?|réf|ref)\s*:\s*)+/gi, ''));
  const words = [...new Set([...subjectWords, ...wordsOf(kept.join('\n'))])].slice(0, MAX_QUESTION_TERMS);
  const subjectTerms = new Set(
    subjectWords.map(processTerm).filter((term): term is string => term !== undefined),
  );
  return { words, subjectTerms };
}

function wordsOf(text: string): string[] {
  return text
    .split(/[\n\r\p{Z}\p{P}\p{S}]+/u)
    .map(normalizeText)
    .filter(
      (word) => word.length >= 3 && !/\d/.test(word) && !MAIL_BOILERPLATE.has(word) && !STOP_WORDS.has(word),
    );
}

/** The search index of the knowledge base: built from articles, saved as JSON, loaded again. */
export class ArticleIndex {
  readonly #index: MiniSearch<SearchableArticle>;
  readonly #bestByTerm = new Map<string, number>();

  private constructor(index: MiniSearch<SearchableArticle>) {
    this.#index = index;
  }

  /** An index of these articles (all of them: callers choose which, e.g. the public published ones). */
  static build(articles: readonly SearchableArticle[]): ArticleIndex {
    const index = new MiniSearch<SearchableArticle>(INDEX_OPTIONS);
    index.addAll(articles);
    return new ArticleIndex(index);
  }

  /**
   * The index saved by `toJSON`.
   * @throws KbIndexError when the text is not a saved index of this format (it keeps the cause)
   */
  static load(json: string): ArticleIndex {
    let saved: unknown;
    try {
      saved = JSON.parse(json);
    } catch (cause) {
      throw new KbIndexError("L'index de recherche n'est pas du JSON lisible.", { cause });
    }
    const envelope = saved as { format?: unknown; version?: unknown; index?: unknown } | null;
    if (
      envelope?.format !== FORMAT ||
      envelope.version !== FORMAT_VERSION ||
      typeof envelope.index !== 'object'
    ) {
      throw new KbIndexError(`L'index de recherche n'est pas au format ${FORMAT} v${FORMAT_VERSION}.`);
    }
    try {
      return new ArticleIndex(
        MiniSearch.loadJS(envelope.index as Parameters<typeof MiniSearch.loadJS>[0], INDEX_OPTIONS),
      );
    } catch (cause) {
      throw new KbIndexError("L'index de recherche est corrompu.", { cause });
    }
  }

  /** The index as `load` reads it: MiniSearch's own form, in an envelope naming its format. */
  toJSON(): string {
    return JSON.stringify({ format: FORMAT, version: FORMAT_VERSION, index: this.#index.toJSON() });
  }

  /** How many articles the index holds. */
  get size(): number {
    return this.#index.documentCount;
  }

  /** The articles matching a query typed by staff or on `/kb/`, best first; a blank query finds nothing. */
  search(query: string, options: SearchQueryOptions = {}): ArticleHit[] {
    if (query.trim() === '') return [];
    const { filter, limit = DEFAULT_SEARCH_LIMIT } = options;
    const results = this.#index.search(query, {
      ...(filter ? { filter: (result) => filter(toHit(result, result.score)) } : {}),
    });
    return results.slice(0, limit).map((result) => toHit(result, result.score));
  }

  /**
   * Up to `limit` (3) articles that answer a director's mail (subject and body), best first, each
   * scored by `suggestionScore`; only those at `SUGGESTION_THRESHOLD` or above, and, after the
   * first, within `SUGGESTION_RELATIVE_CUTOFF` of it. None rather than a wrong one.
   * `threshold` is for the quality report's sweep only.
   */
  suggest(question: string, options: SearchQueryOptions & { threshold?: number } = {}): ArticleHit[] {
    const { filter, limit = DEFAULT_SUGGESTIONS, threshold = SUGGESTION_THRESHOLD } = options;
    if (this.size === 0) return [];
    const { words, subjectTerms } = readQuestion(question);
    const boostOf = (term: string) => (subjectTerms.has(term) ? SUBJECT_BOOST : 1);
    // One word per stem: « bulletin » and « bulletins » are one term of the question.
    const byStem = new Map<string, string>();
    for (const word of words) {
      const term = processTerm(word);
      if (term !== undefined && !byStem.has(term)) byStem.set(term, word);
    }
    let best = 0;
    let known = 0;
    for (const [term, word] of byStem) {
      const termBest = this.#bestFor(term, word);
      if (termBest === 0) continue;
      known += 1;
      best += termBest * boostOf(term);
    }
    if (best === 0) return [];
    const match: QuestionMatch = { best, known, terms: byStem.size };
    // The measure is MiniSearch's score over a constant of the question: its order is MiniSearch's.
    const scored = this.#index
      .search([...byStem.values()].join(' '), {
        ...SUGGEST_OPTIONS,
        boostTerm: boostOf,
        ...(filter ? { filter: (result) => filter(toHit(result, result.score)) } : {}),
      })
      .slice(0, limit)
      .map((result) => ({ result, score: suggestionScore(result, match) }));
    const top = scored[0]?.score ?? 0;
    return scored
      .filter(({ score }) => score >= threshold && score >= top * SUGGESTION_RELATIVE_CUTOFF)
      .map(({ result, score }) => toHit(result, score));
  }

  /**
   * The best score an article gets for this term alone (0 when the index does not know it). A
   * property of the index, which does not change once built: remembered, so that a container
   * answering mail after mail searches each word of the directors' vocabulary once.
   */
  #bestFor(term: string, word: string): number {
    let best = this.#bestByTerm.get(term);
    if (best === undefined) {
      best = this.#index.search(word, SUGGEST_OPTIONS)[0]?.score ?? 0;
      if (this.#bestByTerm.size >= MAX_REMEMBERED_TERMS) this.#bestByTerm.clear();
      this.#bestByTerm.set(term, best);
    }
    return best;
  }
}

/**
 * What the question could score at best (for each of its distinct terms, the best score an article
 * gets for it, the subject's boosted), how many of its distinct terms the index knows, of how many.
 */
type QuestionMatch = { best: number; known: number; terms: number };

/**
 * The suggestion's measure, between 0 and 1, so that one threshold holds for a one-line mail and a
 * long one: the share of the best possible score the article reaches, times the share of the
 * question's known terms it matches, times the share of the question's terms the index knows
 * (to the power `FAMILIARITY_EXPONENT`: a mail about a printer shares a few words with the
 * catalogue, but most of its words are foreign to it).
 */
function suggestionScore(result: SearchResult, question: QuestionMatch): number {
  const matched = result.queryTerms.length;
  // MiniSearch multiplies an OR query's summed score by the number of query terms matched.
  const reached = result.score / Math.max(1, matched) / question.best;
  return reached * (matched / question.known) * (question.known / question.terms) ** FAMILIARITY_EXPONENT;
}

function toHit(result: SearchResult, score: number): ArticleHit {
  return {
    id: String(result.id),
    title: result.title as string,
    tags: result.tags as string[],
    application: result.application as ArticleHit['application'],
    visibility: result.visibility as ArticleHit['visibility'],
    status: result.status as ArticleHit['status'],
    updatedAt: result.updatedAt as string,
    score,
  };
}
