/**
 * The suggestions' quality report: the labelled set (`test/fixtures/kb/questions.json`) against
 * the public demo articles, for a sweep of thresholds, then the misses at the chosen one
 * (`SUGGESTION_THRESHOLD`). How the threshold was chosen; `test/unit/kb-quality.test.ts` holds it.
 *
 *   npx tsx scripts/kb-quality.ts            # the sweep and the misses
 *   npx tsx scripts/kb-quality.ts --quiet    # the sweep only
 */
import { SUGGESTION_RELATIVE_CUTOFF, SUGGESTION_THRESHOLD } from '#shared/kb/search.ts';
import {
  demoArticles,
  labelledQuestions,
  publicDemoIndex,
  QUALITY_TARGETS,
  qualityAt,
  scoreQuestions,
} from '#test/support/kb-quality.ts';

const quiet = process.argv.includes('--quiet');
const articles = demoArticles();
const questions = labelledQuestions();
const publicIds = new Set(articles.filter((a) => a.visibility === 'public').map((a) => a.id));
const scored = scoreQuestions(publicDemoIndex(articles), questions, publicIds);
const pct = (n: number) => `${(n * 100).toFixed(1).padStart(5)} %`;
const meets = (r: { hitAt3: number; precisionAt3: number }) =>
  r.hitAt3 >= QUALITY_TARGETS.hitAt3 && r.precisionAt3 >= QUALITY_TARGETS.precisionAt3;

const lines = [
  `Qualité des suggestions : ${questions.length} questions (${scored.filter((s) => s.expected === null).length} sans article attendu), ${publicIds.size} articles publics`,
  `Cibles : hit@3 ≥ ${QUALITY_TARGETS.hitAt3}, précision@3 ≥ ${QUALITY_TARGETS.precisionAt3} ; coupure relative au premier : ${SUGGESTION_RELATIVE_CUTOFF}`,
  '',
  'seuil    hit@3   précision@3   « aucune » juste   suggestions',
];
for (let t = 0; t <= 0.601; t += 0.02) {
  const threshold = Math.round(t * 1000) / 1000;
  const r = qualityAt(scored, threshold);
  const mark = threshold === SUGGESTION_THRESHOLD ? ' ◀ SUGGESTION_THRESHOLD' : meets(r) ? ' ✓' : '';
  lines.push(
    `${threshold.toFixed(3)}  ${pct(r.hitAt3)}   ${pct(r.precisionAt3)}       ${pct(r.noneRight)}          ${String(r.suggestionsMade).padStart(4)}${mark}`,
  );
}
const chosen = qualityAt(scored, SUGGESTION_THRESHOLD);
lines.push(
  '',
  `Au seuil ${SUGGESTION_THRESHOLD} : hit@3 ${pct(chosen.hitAt3)}, précision@3 ${pct(chosen.precisionAt3)}, « aucune » juste ${pct(chosen.noneRight)} — ${meets(chosen) ? 'cibles atteintes' : 'CIBLES MANQUÉES'}`,
);
if (!quiet) {
  lines.push('', 'Écarts au seuil choisi (attendu → suggéré, score) :');
  for (const { question, suggested } of chosen.misses) {
    const all = scored.find((s) => s.question === question)?.hits ?? [];
    const scores = all.map((h) => `${h.id}:${h.score.toFixed(3)}`).join(' ');
    lines.push(
      `  ${question.expected ?? '∅'} → [${suggested.join(', ')}]  « ${question.subject} »  (${scores})`,
    );
  }
}
process.stdout.write(`${lines.join('\n')}\n`);
