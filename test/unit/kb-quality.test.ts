import { describe, expect, it } from 'vitest';
import { SUGGESTION_THRESHOLD } from '#shared/kb/search.ts';
import {
  demoArticles,
  labelledQuestions,
  measureQuality,
  publicDemoIndex,
  QUALITY_TARGETS,
} from '#test/support/kb-quality.ts';

describe('the suggestions on the labelled set (npx tsx scripts/kb-quality.ts for the report)', () => {
  it('has a labelled set worth measuring: 110 questions or more, a fifth or more expecting no article, each expected article a public demo article', () => {
    // Prepare
    const questions = labelledQuestions();
    const publicIds = new Set(
      demoArticles()
        .filter((a) => a.visibility === 'public')
        .map((a) => a.id),
    );

    // Assess
    expect(questions.length).toBeGreaterThanOrEqual(110);
    expect(questions.filter((q) => q.expected === null).length / questions.length).toBeGreaterThanOrEqual(
      0.2,
    );
    expect(questions.filter((q) => q.expected !== null && !publicIds.has(q.expected))).toEqual([]);
    // Every public article is expected by a few questions.
    for (const id of publicIds)
      expect(questions.filter((q) => q.expected === id).length).toBeGreaterThanOrEqual(3);
  });

  it(`reaches hit@3 ≥ ${QUALITY_TARGETS.hitAt3} with precision@3 ≥ ${QUALITY_TARGETS.precisionAt3} at SUGGESTION_THRESHOLD`, () => {
    // Act
    const report = measureQuality(SUGGESTION_THRESHOLD);

    // Assess
    expect(report.hitAt3).toBeGreaterThanOrEqual(QUALITY_TARGETS.hitAt3);
    expect(report.precisionAt3).toBeGreaterThanOrEqual(QUALITY_TARGETS.precisionAt3);
  });

  it('answers nothing to most of the questions no article covers', () => {
    const report = measureQuality(SUGGESTION_THRESHOLD);

    expect(report.noneRight).toBeGreaterThanOrEqual(0.8);
  });

  it('suggests only public articles, the internal ones being left out of the index', () => {
    // Prepare
    const internalIds = new Set(
      demoArticles()
        .filter((a) => a.visibility === 'internal')
        .map((a) => a.id),
    );
    const index = publicDemoIndex();

    // Act
    const suggested = labelledQuestions().flatMap((q) => index.suggest(`${q.subject}\n${q.text}`));

    // Assess
    expect(internalIds.size).toBeGreaterThan(0);
    expect(suggested.filter((hit) => internalIds.has(hit.id))).toEqual([]);
  });
});
