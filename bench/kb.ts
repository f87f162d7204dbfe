/**
 * The knowledge base's search benchmark (issue 10): 2,000 articles generated from the demo
 * articles (`data/kb-demo.json`) with varied vocabulary (synonyms, the situations directors
 * describe, classes, periods, places, extra advice), indexed with `ArticleIndex`. Measures,
 * against the targets:
 *
 * 1. the staff and public search: p95 of `search()` over realistic queries (typos and missing
 *    accents included), with and without a filter (≤ 20 ms);
 * 2. the cost the acknowledgment step adds: p95 of `suggest()` on realistic directors' mails, the
 *    labelled set's and generated ones with greetings and signatures (≤ 30 ms);
 * 3. `ArticleIndex.load` of the saved 2,000-article index, as a Lambda container does on its
 *    first suggestion (≤ 200 ms), and the index's size in bytes (and gzipped, as served).
 *
 * A benchmark, not a test: exits 0 whatever the numbers, 2 when the machine was too busy for them
 * to mean anything (bench/lib/rules.ts; `--machine-occupee` shows them, « non publiables »), 1 when
 * it could not run. Its JSON goes to bench/results/kb-<date>.json.
 *
 * What it does not measure: suggest() is timed alone, as the cost the acknowledgment step adds
 * to its own work; the acknowledgment latency of the desk with and without the 2,000 articles
 * (the end-to-end « adds ≤ 30 ms p95 to the acknowledgment ») is not measured here.
 *
 *   npx tsx bench/kb.ts                    # 2,000 articles, about half a minute
 *   npx tsx bench/kb.ts --articles 500     # smoke check
 *   npx tsx bench/kb.ts --help
 */
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import * as z from 'zod';
import { ArticleInput } from '#shared/domain/article.ts';
import { ArticleIndex, type SearchableArticle } from '#shared/kb/search.ts';
import { measuredCommit } from './lib/commit.ts';
import { COMMUNES, FIRST_NAMES, LAST_NAMES, requestBody, requestSubject, schoolName } from './lib/french.ts';
import { BenchOptionError, intOption } from './lib/options.ts';
import { type Random, seededRandom } from './lib/random.ts';
import { BenchRules, machineLoad, withoutRuleFlags } from './lib/rules.ts';
import { type Distribution, distribution } from './lib/stats.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');

const TARGETS = { searchP95Ms: 20, suggestP95Ms: 30, loadMs: 200 } as const;

const usage = `Banc d'essai de la base de connaissances (issue 10) : recherche, suggestions, chargement de l'index.

  npx tsx bench/kb.ts [options]

Options :
  --articles N   articles générés à partir des articles de démonstration (défaut 2000)
  --mails N      courriels générés pour suggest(), en plus des questions étiquetées (défaut 400)
  --rounds N     passes sur les requêtes de recherche (défaut 20)
  --loads N      chargements de l'index mesurés (défaut 15)
  --seed N       graine (défaut 1)
  --out FICHIER  résultats JSON (défaut bench/results/kb.json)
`;

type Options = { articles: number; mails: number; rounds: number; loads: number; seed: number; out: string };

function readOptions(argv: string[]): Options | undefined {
  const { values } = parseArgs({
    args: argv,
    options: {
      articles: { type: 'string', default: '2000' },
      mails: { type: 'string', default: '400' },
      rounds: { type: 'string', default: '20' },
      loads: { type: 'string', default: '15' },
      seed: { type: 'string', default: '1' },
      out: { type: 'string', default: path.join(here, 'results', 'kb.json') },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return undefined;
  return {
    articles: intOption('articles', values.articles, 20),
    mails: intOption('mails', values.mails, 0),
    rounds: intOption('rounds', values.rounds, 1),
    loads: intOption('loads', values.loads, 1),
    seed: intOption('seed', values.seed, 0),
    out: path.resolve(values.out),
  };
}

// ---------------------------------------------------------------------------------------------
// The generated catalogue

/** Words staff write one way or another; each occurrence may take one of the others. */
const SYNONYMS: ReadonlyArray<readonly string[]> = [
  ['élève', 'enfant'],
  ['élèves', 'enfants', 'écoliers'],
  ['enseignant', 'professeur des écoles', 'maître'],
  ['enseignants', 'professeurs des écoles', 'maîtres', 'collègues'],
  ['directeur', 'directeur ou directrice', 'chef d’école'],
  ['saisir', 'renseigner', 'compléter', 'remplir'],
  ['ouvrez', 'allez dans', 'rendez-vous dans'],
  ['vérifiez', 'contrôlez'],
  ['enregistrez', 'sauvegardez'],
  ['livret', 'livret scolaire'],
  ['bilans', 'bulletins'],
  ['familles', 'parents', 'responsables légaux'],
  ['le lendemain', 'le jour suivant', 'après la nuit'],
  ['apparaît', 's’affiche', 'figure'],
  ['modifier', 'corriger', 'changer'],
  ['imprimer', 'éditer', 'sortir sur papier'],
  ['rapidement', 'au plus vite', 'sans tarder'],
  ['problème', 'difficulté', 'souci'],
];

const SYNONYM_OF = new Map<string, readonly string[]>(
  SYNONYMS.flatMap((group) => group.map((word) => [word, group])),
);
const SYNONYM_PATTERN = new RegExp(
  `(?<![\\p{L}'’])(${[...SYNONYM_OF.keys()].sort((a, b) => b.length - a.length).join('|')})(?![\\p{L}])`,
  'gu',
);

const CLASSES = ['CP', 'CE1', 'CE2', 'CM1', 'CM2', 'CP-CE1', 'CE1-CE2', 'CM1-CM2', 'classe unique'];
const PERIODS = [
  'premier trimestre',
  'deuxième trimestre',
  'troisième trimestre',
  'premier semestre',
  'second semestre',
];
const TITLE_FORMS: Array<(title: string, r: Random) => string> = [
  (t) => t,
  (t, r) => `${t} (${r.pick(CLASSES)})`,
  (t) => `Cas fréquent : ${lowerFirst(t)}`,
  (t, r) => `${t} – ${r.pick(PERIODS)}`,
  (t) => `Question de directeur : ${lowerFirst(t)}`,
  (t) => `${t} : la marche à suivre`,
  (t, r) => `${t} en ${r.pick(CLASSES)}`,
  (t) => `Fiche pratique – ${lowerFirst(t)}`,
];
const SITUATIONS: Array<(r: Random, place: string) => string> = [
  (r, place) => `Signalé par une école de ${r.int(2, 14)} classes à ${place}.`,
  (r) => `Constaté en ${r.pick(CLASSES)} à la fin du ${r.pick(PERIODS)}.`,
  (_r, place) => `Plusieurs directeurs du secteur de ${place} nous ont écrit à ce sujet la même semaine.`,
  (r) =>
    `Cela arrive surtout en ${r.pick(['septembre', 'décembre', 'mars', 'juin'])}, quand les saisies se concentrent.`,
  () => 'Le cas se présente aussi après un changement de direction en cours d’année.',
  (r) => `Situation rencontrée dans une classe de ${r.pick(CLASSES)} avec un remplaçant.`,
  () => 'Le message s’affiche parfois seulement sur le poste de la direction.',
  (_r, place) => `Une enseignante de ${place} l’a constaté juste avant le conseil d’école.`,
];
const ADVICE = [
  'Notez la date et l’heure de l’incident : elles nous aident à le retrouver.',
  'Une capture d’écran du message évite bien des allers-retours.',
  'Prévenez vos collègues avant toute manipulation qui touche toute l’école.',
  'Évitez de lancer la même opération plusieurs fois de suite : elle est déjà en file d’attente.',
  'En fin de période, les serveurs sont chargés : préférez le début de matinée.',
  'Gardez une trace écrite des corrections faites à la demande des familles.',
  'Si le problème touche plusieurs écoles, une information globale est envoyée aux directeurs.',
  'Pour un élève à besoins particuliers, pensez à mentionner le PAP ou le PPS dans les modalités d’accompagnement.',
  'Le guide académique du livret scolaire est disponible dans l’espace direction de l’ENT.',
  'Les conseillers pédagogiques numériques de circonscription peuvent vous accompagner sur place.',
  'La même manipulation vaut pour les classes de cycle 2 et de cycle 3.',
  'Pensez à vous déconnecter d’ARENA sur les postes partagés de la salle des maîtres.',
];
const EXTRA_TAGS = [
  'rentrée',
  'fin de période',
  'conseil des maîtres',
  'cycle 2',
  'cycle 3',
  'remplacement',
  'familles',
  'direction',
  'poste partagé',
  'urgence',
];

function lowerFirst(text: string): string {
  return text.charAt(0).toLocaleLowerCase('fr-FR') + text.slice(1);
}

/** A text with some of its words swapped for a synonym (the casing of the first letter kept). */
function vary(text: string, r: Random): string {
  return text.replace(SYNONYM_PATTERN, (word) => {
    if (!r.chance(0.5)) return word;
    return r.pick(SYNONYM_OF.get(word) ?? [word]);
  });
}

/** `count` articles: each a demo article rewritten with other words, a situation and advice. */
export function generateArticles(
  demo: readonly ArticleInput[],
  count: number,
  r: Random,
): SearchableArticle[] {
  const places = Object.values(COMMUNES).flatMap((communes) => communes.map(([commune]) => commune));
  return Array.from({ length: count }, (_, i) => {
    const base = demo[i % demo.length] as ArticleInput;
    const place = r.pick(places);
    const advice = r.shuffle(ADVICE).slice(0, r.int(1, 3));
    const tags = [
      ...r.shuffle(base.tags).slice(0, r.int(2, base.tags.length)),
      ...r.shuffle(EXTRA_TAGS).slice(0, r.int(0, 2)),
    ];
    const publicArticle = r.chance(0.85);
    return {
      id: String(i + 1),
      title: r.pick(TITLE_FORMS)(vary(base.title, r), r),
      symptom: `${vary(base.symptom, r)}\n\n${r.pick(SITUATIONS)(r, place)}`,
      ...(base.cause ? { cause: vary(base.cause, r) } : {}),
      solution: `${vary(base.solution, r)}\n\n${advice.map((line) => `- ${line}`).join('\n')}`,
      tags: [...new Set(tags)],
      application: r.chance(0.8) ? base.application : base.application === 'LSU' ? 'LSUN' : 'LSU',
      visibility: publicArticle ? 'public' : 'internal',
      status: r.chance(0.9) ? 'published' : r.pick(['draft', 'review', 'archived'] as const),
      updatedAt: new Date(Date.UTC(2026, r.int(0, 10), r.int(1, 28), r.int(7, 19))).toISOString(),
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Queries and mails

/** What staff and directors type in a search box: short, often without accents, sometimes misspelt. */
const QUERIES = [
  'bulletin periodique',
  'bulletins périodiques',
  'exporter',
  'export pdf',
  'imprimer livrets classe',
  'eleve arrive en cours d annee',
  'radiation transfert livret',
  'mot de passe arena',
  'code otp',
  'connexion',
  'aucun eleve',
  'synchro onde',
  'synchronisation',
  'enseignant ne voit pas sa classe',
  'remplacante acces',
  'trimestre semestre',
  'periodes dates',
  'appreciations',
  'apreciation generale',
  'elements du programme',
  'copier periode precedente',
  'bilan fin de cycle',
  'socle composantes',
  'positionnement',
  'parents educonnect',
  'scolarite services',
  'consultation familles',
  'multiniveaux',
  'cours double ce1 ce2',
  'nouveau directeur droits',
  'interim direction',
  'deverrouiller bilan',
  'validation',
  'savoir nager',
  'ASSN',
  'aper attestation',
  'passage en 6e',
  'college',
  'page blanche',
  'navigateur firefox',
  'pdf ne s ouvre pas',
  'édition en cours',
  'livret',
  'élève',
  'classe',
  'procedure onde',
  'syncronisation',
  'bulltin',
  'deverouiller',
  'educonect',
];

type Mail = { subject: string; text: string };

/** The labelled questions (real-looking mails) and generated requests with greetings and signatures. */
function realisticMails(count: number, r: Random): Mail[] {
  const labelled = z
    .array(z.object({ subject: z.string(), text: z.string() }))
    .parse(JSON.parse(readFileSync(path.join(root, 'test', 'fixtures', 'kb', 'questions.json'), 'utf8')));
  const communes = Object.values(COMMUNES).flat();
  const generated = Array.from({ length: count }, () => {
    const [commune] = r.pick(communes);
    const signer = {
      firstName: r.pick(FIRST_NAMES),
      lastName: r.pick(LAST_NAMES),
      school: schoolName(r),
      commune,
      uai: `0${r.int(21, 89)}${r.int(1000, 9999)}${String.fromCharCode(65 + r.int(0, 25))}`,
      civility: r.chance(0.7) ? 'Mme' : 'M.',
    };
    return { subject: requestSubject(r), text: requestBody(r, signer) };
  });
  return [...labelled, ...generated];
}

// ---------------------------------------------------------------------------------------------
// The run

/**
 * How long `run` took: wall time, and this process's CPU time (user + system), which a machine
 * shared with other work does not inflate as much (what a Lambda with its own core would see).
 */
function timed<T>(run: () => T): { ms: number; cpuMs: number; value: T } {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const value = run();
  const ms = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { ms, cpuMs: (used.user + used.system) / 1000, value };
}

const fmt = (n: number, digits = 1) => n.toFixed(digits);
const verdict = (met: boolean) => (met ? 'atteint / met' : 'MANQUÉ / MISSED');
const line = (d: Distribution) =>
  `p50 ${fmt(d.p50, 2)} ms, p95 ${fmt(d.p95, 2)} ms, p99 ${fmt(d.p99, 2)} ms, max ${fmt(d.max, 2)} ms (${d.count} mesures)`;

function main(): void {
  const options = readOptions(withoutRuleFlags(process.argv.slice(2)));
  if (!options) {
    console.log(usage);
    return;
  }
  const rules = new BenchRules('kb');
  const startedAt = rules.startedAt;
  const ranOn = measuredCommit();
  const loadBefore = rules.loadBefore;
  const r = seededRandom(options.seed);

  // The catalogue, its index, its saved form.
  const demo = z
    .array(ArticleInput)
    .parse(JSON.parse(readFileSync(path.join(root, 'data', 'kb-demo.json'), 'utf8')));
  const articles = generateArticles(demo, options.articles, r);
  const build = timed(() => ArticleIndex.build(articles));
  const index = build.value;
  const json = index.toJSON();
  const bytes = Buffer.byteLength(json);
  const gzipBytes = gzipSync(json).length;
  const publicIndex = ArticleIndex.build(
    articles.filter((a) => a.visibility === 'public' && a.status === 'published'),
  );
  const publicJson = publicIndex.toJSON();

  const cpu = rules.run('recherche, suggestions, chargement');
  // 1. Search: every query, `rounds` times, with and without a filter (after one warm-up pass).
  for (const query of QUERIES) index.search(query);
  const searchMs: number[] = [];
  const searchCpuMs: number[] = [];
  const filteredMs: number[] = [];
  let found = 0;
  for (let round = 0; round < options.rounds; round++) {
    for (const query of QUERIES) {
      const plain = timed(() => index.search(query));
      searchMs.push(plain.ms);
      searchCpuMs.push(plain.cpuMs);
      if (plain.value.length > 0) found += 1;
      filteredMs.push(timed(() => index.search(query, { filter: (hit) => hit.status === 'published' })).ms);
    }
  }
  const search = distribution(searchMs);
  const searchCpu = distribution(searchCpuMs);
  const filtered = distribution(filteredMs);

  // 2. Suggestions: each mail once on the public index, as the acknowledgment step does (after a warm-up).
  const mails = realisticMails(options.mails, r);
  for (const mail of mails.slice(0, 20)) publicIndex.suggest(`${mail.subject}\n${mail.text}`);
  const suggestMs: number[] = [];
  const suggestCpuMs: number[] = [];
  let suggested = 0;
  for (const mail of mails) {
    const { ms, cpuMs, value } = timed(() => publicIndex.suggest(`${mail.subject}\n${mail.text}`));
    suggestMs.push(ms);
    suggestCpuMs.push(cpuMs);
    if (value.length > 0) suggested += 1;
  }
  const suggest = distribution(suggestMs);
  const suggestCpu = distribution(suggestCpuMs);

  // 3. Loading the saved index (the full one, and the public one the suggester reads).
  const loads = Array.from({ length: options.loads }, () => timed(() => ArticleIndex.load(json)));
  const loadMs = loads.map((run) => run.ms);
  const load = distribution(loadMs);
  const loadCpu = distribution(loads.map((run) => run.cpuMs));
  const publicLoad = distribution(
    Array.from({ length: options.loads }, () => timed(() => ArticleIndex.load(publicJson)).ms),
  );
  const firstLoad = loadMs[0] ?? Number.NaN;

  const cpuShare = cpu.stop();
  const loadAfter = machineLoad();
  const report = {
    benchmark: 'kb',
    commit: ranOn,
    startedAt: startedAt.toISOString(),
    machine: { cores: cpus().length, loadBefore, loadAfter, node: process.version, cpu: cpuShare },
    options,
    articles: {
      count: articles.length,
      public: publicIndex.size,
      buildMs: build.ms,
      indexBytes: bytes,
      indexGzipBytes: gzipBytes,
      publicIndexBytes: Buffer.byteLength(publicJson),
    },
    search: {
      ...search,
      filtered,
      queries: QUERIES.length,
      withResults: found / (QUERIES.length * options.rounds),
    },
    suggest: { ...suggest, cpu: suggestCpu, mails: mails.length, withSuggestions: suggested },
    load: { ...load, cpu: loadCpu, first: firstLoad, public: publicLoad },
    targets: TARGETS,
    met: {
      search: search.p95 <= TARGETS.searchP95Ms && filtered.p95 <= TARGETS.searchP95Ms,
      suggest: suggest.p95 <= TARGETS.suggestP95Ms,
      load: load.p95 <= TARGETS.loadMs && firstLoad <= TARGETS.loadMs,
    },
  };

  const kib = (n: number) => `${fmt(n / 1024)} Kio`;
  const text = () =>
    [
      `Banc d'essai de la base de connaissances / Knowledge base benchmark — commit ${ranOn}, ${startedAt.toISOString()}`,
      `Machine : ${cpus().length} cœurs partagés (les temps « wall » comptent l'attente du CPU quand la charge dépasse le nombre de cœurs), charge avant ${loadBefore.map((l) => l.toFixed(2)).join(' ')}, après ${loadAfter.map((l) => l.toFixed(2)).join(' ')} ; Node ${process.version}`,
      `Articles : ${articles.length} générés depuis ${demo.length} articles de démonstration (${publicIndex.size} publics publiés) ; index construit en ${fmt(build.ms)} ms`,
      `Taille de l'index / index size : ${bytes} octets (${kib(bytes)}), ${gzipBytes} octets compressé gzip (${kib(gzipBytes)}) ; index public ${Buffer.byteLength(publicJson)} octets`,
      '',
      `■ search() : ${QUERIES.length} requêtes × ${options.rounds} passes, ${fmt((found / (QUERIES.length * options.rounds)) * 100, 0)} % avec résultats`,
      `  sans filtre / no filter : ${line(search)} (cible p95 ≤ ${TARGETS.searchP95Ms} ms) — ${verdict(search.p95 <= TARGETS.searchP95Ms)}`,
      `  avec filtre / filtered  : ${line(filtered)} — ${verdict(filtered.p95 <= TARGETS.searchP95Ms)}`,
      `  temps CPU du processus / process CPU time : p50 ${fmt(searchCpu.p50, 2)} ms, p95 ${fmt(searchCpu.p95, 2)} ms`,
      `■ suggest() : ${mails.length} courriels réalistes (questions étiquetées et demandes générées avec salutations et signature), ${suggested} avec au moins une suggestion`,
      `  ${line(suggest)} (cible p95 ≤ ${TARGETS.suggestP95Ms} ms) — ${verdict(suggest.p95 <= TARGETS.suggestP95Ms)}`,
      `  temps CPU du processus / process CPU time : p50 ${fmt(suggestCpu.p50, 2)} ms, p95 ${fmt(suggestCpu.p95, 2)} ms`,
      `■ ArticleIndex.load (${articles.length} articles, ${kib(bytes)}) : premier ${fmt(firstLoad)} ms ; ${line(load)} (cible ≤ ${TARGETS.loadMs} ms) — ${verdict(report.met.load)}`,
      `  temps CPU du processus / process CPU time : p50 ${fmt(loadCpu.p50)} ms, p95 ${fmt(loadCpu.p95)} ms`,
      `  index public (${publicIndex.size} articles) : ${line(publicLoad)}`,
      `CPU pendant les mesures : ce processus ${fmt(cpuShare.treeCores, 2)} cœur, autres processus ${fmt(cpuShare.othersCores, 2)} cœur`,
      'Non mesuré ici : la latence de l’accusé de réception du desk avec et sans les 2 000 articles (suggest() est chronométré seul).',
    ].join('\n');
  rules.finish(report, text, options.out);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    main();
  } catch (error) {
    console.error(error instanceof BenchOptionError ? error.message : error);
    process.exitCode = 1;
  }
}
