/**
 * The quality of the suggestions, measured on the labelled set (`test/fixtures/kb/questions.json`)
 * against the demo articles (`data/kb-demo.json`), as the acknowledgment sees them: the public
 * published articles only. Used by `test/unit/kb-quality.test.ts` (which asserts the targets at
 * `SUGGESTION_THRESHOLD`) and `scripts/kb-quality.ts` (which prints the threshold sweep).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as z from 'zod';
import { ArticleInput } from '#shared/domain/article.ts';
import { type ArticleHit, ArticleIndex, type SearchableArticle } from '#shared/kb/search.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The targets of issue 10. */
export const QUALITY_TARGETS = { hitAt3: 0.8, precisionAt3: 0.6 } as const;

/** One labelled question: a director's mail and the article that answers it (its id), or none. */
export const LabelledQuestion = z.object({
  subject: z.string(),
  text: z.string(),
  expected: z
    .string()
    .regex(/^[1-9][0-9]*$/)
    .nullable(),
});
export type LabelledQuestion = z.infer<typeof LabelledQuestion>;

/** The demo articles as the first start publishes them: ids "1", "2"… in file order. */
export function demoArticles(): SearchableArticle[] {
  const inputs = z
    .array(ArticleInput)
    .parse(JSON.parse(readFileSync(path.join(root, 'data', 'kb-demo.json'), 'utf8')));
  return inputs.map((input, index) => ({
    ...input,
    id: String(index + 1),
    status: 'published',
    updatedAt: '2026-09-01T08:00:00.000Z',
  }));
}

/** The labelled set. */
export function labelledQuestions(): LabelledQuestion[] {
  return z
    .array(LabelledQuestion)
    .parse(JSON.parse(readFileSync(path.join(root, 'test', 'fixtures', 'kb', 'questions.json'), 'utf8')));
}

/** The mail as `suggest` receives it: the subject, then the body. */
export function mailOf(question: Pick<LabelledQuestion, 'subject' | 'text'>): string {
  return `${question.subject}\n${question.text}`;
}

/** The public index of the acknowledgment: the public published demo articles. */
export function publicDemoIndex(articles = demoArticles()): ArticleIndex {
  return ArticleIndex.build(articles.filter((a) => a.visibility === 'public' && a.status === 'published'));
}

/** What one threshold gives on the set. */
export type QualityReport = {
  threshold: number;
  /** Questions with a (public) expected article that get it among their suggestions. */
  hitAt3: number;
  /** Over the questions that got suggestions: the share of suggestions that are the expected article. */
  precisionAt3: number;
  /** Questions expecting nothing that get nothing. */
  noneRight: number;
  questions: number;
  answerable: number;
  suggestionsMade: number;
  misses: Array<{ question: LabelledQuestion; suggested: string[] }>;
};

/** Every question's suggestions with no threshold (scores kept), computed once for a sweep. */
export type ScoredQuestion = { question: LabelledQuestion; expected: string | null; hits: ArticleHit[] };

/**
 * Runs `suggest` on every question with the threshold at 0. A question expecting an article that
 * is not public counts as expecting none: the acknowledgment only suggests public articles.
 */
export function scoreQuestions(
  index: ArticleIndex,
  questions: readonly LabelledQuestion[],
  publicIds: ReadonlySet<string>,
): ScoredQuestion[] {
  return questions.map((question) => ({
    question,
    expected: question.expected !== null && publicIds.has(question.expected) ? question.expected : null,
    hits: index.suggest(mailOf(question), { threshold: 0 }),
  }));
}

/**
 * The measures at one threshold. `suggest` keeps a hit only at or above the threshold, and the
 * others' cut-off is relative to the first, so filtering the unthresholded hits by score is the
 * same as suggesting with that threshold.
 */
export function qualityAt(scored: readonly ScoredQuestion[], threshold: number): QualityReport {
  let answerable = 0;
  let hits = 0;
  let suggestionsMade = 0;
  let rightSuggestions = 0;
  let nulls = 0;
  let nullsRight = 0;
  const misses: QualityReport['misses'] = [];
  for (const { question, expected, hits: all } of scored) {
    const suggested = all.filter((hit) => hit.score >= threshold).map((hit) => hit.id);
    suggestionsMade += suggested.length;
    if (expected === null) {
      nulls += 1;
      if (suggested.length === 0) nullsRight += 1;
      else misses.push({ question, suggested });
      continue;
    }
    answerable += 1;
    const found = suggested.includes(expected);
    if (found) {
      hits += 1;
      rightSuggestions += 1;
    }
    if (!found || suggested.length > 1) misses.push({ question, suggested });
  }
  return {
    threshold,
    hitAt3: answerable ? hits / answerable : 0,
    precisionAt3: suggestionsMade ? rightSuggestions / suggestionsMade : 0,
    noneRight: nulls ? nullsRight / nulls : 0,
    questions: scored.length,
    answerable,
    suggestionsMade,
    misses,
  };
}

/** The measures over the labelled set and the demo articles at one threshold. */
export function measureQuality(threshold: number): QualityReport {
  const articles = demoArticles();
  const publicIds = new Set(articles.filter((a) => a.visibility === 'public').map((a) => a.id));
  return qualityAt(scoreQuestions(publicDemoIndex(articles), labelledQuestions(), publicIds), threshold);
}
