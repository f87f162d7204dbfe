/**
 * `npm run bench`: the intake benchmark of issue 2. Starts the whole local desk in a process of
 * its own (`startDeskProcess`, as `npm start` does; this process is the load generator), pushes a corpus of realistic French mails through its SMTP
 * port, waits for every outcome and prints: mails per second sustained, latency from the SMTP
 * 250 to the acknowledgment in the outbox, DynamoDB and SES requests per mail by outcome, and
 * the peak memory of the whole desk, against the targets. A benchmark, not a test: it exits 0
 * whatever the numbers (1 only when it could not run at all).
 *
 *   npm run bench                      # ~1,500 mails, about three minutes
 *   npm run bench -- --mails 200       # smoke check, under a minute
 *   npm run bench -- --help
 */
import './lib/quiet.ts';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as z from 'zod';
import { type DeskProcess, startDeskProcess } from '#local/desk-process.ts';
import { makeLocalClients } from '#local/emulators.ts';
import { queueDepths } from '#local/queue-depths.ts';
import { ArticleInput } from '#shared/domain/article.ts';
import { parisDay } from '#shared/domain/paris-day.ts';
import { generateArticles } from './kb.ts';
import { measuredCommit } from './lib/commit.ts';
import { type CorpusMail, CorpusWriter, SenderPool } from './lib/corpus.ts';
import { DESK_AGENT, probeDesk } from './lib/desk-probes.ts';
import { generateDirectory } from './lib/directory.ts';
import { readIntakeOutcomes } from './lib/intake-log.ts';
import { intOption } from './lib/options.ts';
import { planCorpus } from './lib/plan.ts';
import { waitForDrainedQueue, waitForIdleQueues } from './lib/queues.ts';
import { seededRandom } from './lib/random.ts';
import {
  type AttributionRow,
  type BenchReport,
  formatReport,
  perMail,
  type RunReport,
  verdicts,
} from './lib/report.ts';
import { accountCpu, BenchRules, machineLoad, RESULTS_DIR, withoutRuleFlags } from './lib/rules.ts';
import {
  countOutcomes,
  followUpPicker,
  pushAndComplete,
  runReport,
  sortKeys,
  withoutDurations,
} from './lib/runs.ts';
import { SmtpSender } from './lib/sender.ts';

const DAILY_REQUEST_CAP = 10;
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const usage = `Banc d'essai de l'intake (issue 2) : le desk local complet, un corpus de courriels réalistes.

  npm run bench [-- options]

Options :
  --mails N          courriels de la passe principale, au débit maximal (défaut 1500)
  --connections N    connexions SMTP simultanées (défaut 4)
  --paced-rate R     cadence de la passe de latence, courriels/s (défaut 35 ; 0 : pas de passe)
  --paced-mails N    courriels de la passe de latence (défaut mails/3)
  --phase-mails N    courriels par phase d'attribution des requêtes (défaut mails/15, entre 10 et 100 ; 0 : aucune)
  --pollers N        pollers du runner par étape (défaut : celui de npm start, 4)
  --schools N        écoles de l'annuaire généré (défaut 1600)
  --seed N           graine du corpus (défaut 1)
  --profile          profil CPU du processus du desk, pour chaque passe (bench/results/*.cpuprofile) ; fausse un peu les chiffres
  --kb-articles N    articles publiés dans la base de connaissances au démarrage (défaut 0 ; 2000 pour
                     mesurer ce que les suggestions ajoutent à l'accusé, à comparer avec une passe sans)
  --log-level L      POWERTOOLS_LOG_LEVEL des handlers (défaut WARN, comme npm start)
  --port-base P      ports P..P+4 (défaut 18520)
  --out FICHIER      copie des résultats JSON (toujours écrits dans bench/results/intake-<date>.json et intake-latest.json)
  --machine-occupee  montre les chiffres même si d'autres processus ont pris plus de 0,1 cœur (« non publiables »)
  --keep             garde le dossier temporaire (corpus .eml, données DynamoDB)
`;

type Options = {
  mails: number;
  connections: number;
  pacedRate: number;
  pacedMails: number;
  phaseMails: number;
  pollers: number | undefined;
  schools: number;
  seed: number;
  profile: boolean;
  kbArticles: number;
  logLevel: string;
  portBase: number;
  out: string | undefined;
  keep: boolean;
};

function readOptions(argv: string[]): Options | undefined {
  const { values } = parseArgs({
    args: argv,
    options: {
      mails: { type: 'string', default: '1500' },
      connections: { type: 'string', default: '4' },
      'paced-rate': { type: 'string', default: '35' },
      'paced-mails': { type: 'string' },
      'phase-mails': { type: 'string' },
      pollers: { type: 'string' },
      schools: { type: 'string', default: '1600' },
      seed: { type: 'string', default: '1' },
      profile: { type: 'boolean', default: false },
      'kb-articles': { type: 'string', default: '0' },
      'log-level': { type: 'string', default: 'WARN' },
      'port-base': { type: 'string', default: '18520' },
      out: { type: 'string' },
      keep: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return undefined;
  const mails = intOption('mails', values.mails, 60);
  return {
    mails,
    connections: intOption('connections', values.connections, 1),
    pacedRate: intOption('paced-rate', values['paced-rate'], 0),
    pacedMails:
      values['paced-mails'] === undefined
        ? Math.round(mails / 3)
        : intOption('paced-mails', values['paced-mails'], 0),
    phaseMails:
      values['phase-mails'] === undefined
        ? Math.min(100, Math.max(10, Math.round(mails / 15)))
        : intOption('phase-mails', values['phase-mails'], 0),
    pollers: values.pollers === undefined ? undefined : intOption('pollers', values.pollers, 1),
    schools: intOption('schools', values.schools, 200),
    seed: intOption('seed', values.seed, 0),
    profile: values.profile,
    kbArticles: intOption('kb-articles', values['kb-articles'], 0),
    logLevel: values['log-level'],
    portBase: intOption('port-base', values['port-base'], 1024),
    out: values.out === undefined ? undefined : path.resolve(values.out),
    keep: values.keep,
  };
}

async function main(): Promise<void> {
  // As npm start does: Lambda runs Node 22, the SDK's notice about Node 20 is noise here.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const options = readOptions(withoutRuleFlags(process.argv.slice(2)));
  if (!options) {
    console.log(usage);
    return;
  }
  const rules = new BenchRules('intake');
  const startedAt = rules.startedAt;
  const notes: string[] = [];
  // Two seconds of the machine alone: how busy other people's work keeps it before we start.
  const idle = accountCpu();
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  const busyBefore = idle.stop().othersCores;
  if (busyBefore > 0.25) {
    notes.push(
      `machine déjà occupée au départ (${busyBefore.toFixed(2)} cœur pris par d'autres processus) : chiffres à prendre avec prudence`,
    );
  }
  const work = mkdtempSync(path.join(tmpdir(), 'lsun-bench-'));
  const corpusFolder = path.join(work, 'corpus');
  mkdirSync(corpusFolder);
  let desk: DeskProcess | undefined;
  let sender: SmtpSender | undefined;
  let ownClients: ReturnType<typeof makeLocalClients> | undefined;
  let cleaning: Promise<void> | undefined;
  // Called from the end of the run and from Ctrl-C, maybe both: one clean-up only.
  const cleanUp = () => {
    cleaning ??= (async () => {
      sender?.close();
      for (const client of Object.values(ownClients ?? {})) client.destroy();
      await desk?.stop().catch(() => undefined);
      if (options.keep) console.error(`[bench] dossier gardé : ${work}`);
      else rmSync(work, { recursive: true, force: true });
    })();
    return cleaning;
  };
  process.once('SIGINT', () => {
    console.error('\nInterrompu : arrêt du desk et nettoyage…');
    void cleanUp().then(() => process.exit(130));
  });

  try {
    // 1. The directory and the corpus, before anything is timed.
    const log = (line: string) => console.error(`[bench] ${line}`);
    const corpusStart = performance.now();
    const random = seededRandom(options.seed);
    const directory = generateDirectory(random, options.schools);
    const directoryFile = path.join(work, 'annuaire-bench.csv');
    writeFileSync(directoryFile, directory.csv);
    const senders = new SenderPool(random, directory);
    const writer = new CorpusWriter({ random, directory, folder: corpusFolder, senders, label: 'm' });
    log(`annuaire : ${directory.directors.length} directeurs ; composition du corpus…`);
    const { warmUp, main, paced, phases } = await planCorpus(writer, {
      mails: options.mails,
      pacedMails: options.pacedRate > 0 ? options.pacedMails : 0,
      phaseMails: options.phaseMails,
      cap: DAILY_REQUEST_CAP,
    });
    const k = options.phaseMails;
    const corpusFiles = await readdir(corpusFolder);
    const corpusBytes = corpusFiles.reduce(
      (total, file) => total + statSync(path.join(corpusFolder, file)).size,
      0,
    );
    const corpusSeconds = (performance.now() - corpusStart) / 1000;
    log(
      `corpus : ${corpusFiles.length} courriels (${(corpusBytes / 1024 / 1024).toFixed(1)} MiB) en ${corpusSeconds.toFixed(1)} s`,
    );

    // 2. The desk, as npm start runs it, on a fresh data folder loaded with the generated directory.
    // The knowledge base, if asked: generated articles (bench/kb.ts), published on the desk's first start.
    let seedArticles: string | undefined;
    if (options.kbArticles > 0) {
      const demo = z
        .array(ArticleInput)
        .parse(JSON.parse(readFileSync(path.join(root, 'data', 'kb-demo.json'), 'utf8')));
      seedArticles = path.join(work, 'kb-articles.json');
      writeFileSync(
        seedArticles,
        JSON.stringify(generateArticles(demo, options.kbArticles, seededRandom(options.seed))),
      );
      log(`base de connaissances : ${options.kbArticles} articles à publier au démarrage`);
    }
    const startStart = performance.now();
    const p = options.portBase;
    const jwtKeyPath = path.join(work, 'jwt-key.json');
    desk = await startDeskProcess(
      {
        ports: { smtp: p, http: p + 1, ses: p + 2, dynamodb: p + 3, sqs: p + 4 },
        dataDir: path.join(work, 'data'),
        seedDirectory: directoryFile,
        jwtKeyPath,
        ...(seedArticles === undefined ? {} : { seedArticles }),
        env: { POWERTOOLS_LOG_LEVEL: options.logLevel },
        ...(options.pollers === undefined ? {} : { pollersPerStage: options.pollers }),
      },
      { entry: DESK_AGENT },
    );
    const startSeconds = (performance.now() - startStart) / 1000;
    log(`desk démarré en ${startSeconds.toFixed(1)} s`);
    const clients = makeLocalClients(desk.endpoints);
    ownClients = clients;
    if (seedArticles !== undefined) {
      // The seeded articles' export (every page, then the search index) runs in the desk after its
      // start. Nothing is measured before it ends: running on, it took the desk's CPU during the
      // runs, and its index reached the ticket function in the middle of one (a reload, then
      // suggestions from then on), which made the suggestions' latency vary from run to run.
      const exportStart = performance.now();
      await waitForDrainedQueue(clients.sqs, desk.resources.queueUrls['kb-export'], 600_000);
      log(
        `export de la base de connaissances terminé en ${((performance.now() - exportStart) / 1000).toFixed(1)} s`,
      );
    }

    // 3. The probes: the handlers' own clients (probed inside the desk's process), the outbox, the machine.
    const probes = await probeDesk(desk, p, rules, clients.sqs);
    const { tracker } = probes;
    sender = new SmtpSender(desk.smtpPort, options.connections);
    const smtpSender = sender;

    // Follow-ups answer tickets opened since the current run started, each at most three times.
    let ticketsFrom = 0;
    const ticketForFollowUp = followUpPicker(tracker, random, () => ticketsFrom);

    const push = (mails: CorpusMail[], rate?: number) =>
      pushAndComplete(smtpSender, writer, tracker, mails, {
        connections: options.connections,
        ...(rate === undefined ? {} : { rate }),
        ticketForFollowUp,
      });

    // 4. Warm-up (JIT, connections, caches), not counted.
    log(`mise en route : ${warmUp.length} courriels`);
    await push(warmUp);
    await waitForIdleQueues(clients.sqs, desk.resources.queueUrls);
    await probes.take();

    /** Runs one timed stream and reports it. */
    const timedRun = async (name: string, mails: CorpusMail[], rate?: number): Promise<RunReport> => {
      log(`${name} : ${mails.length} courriels${rate ? ` à ${rate}/s` : ''}…`);
      ticketsFrom = tracker.openTickets.length;
      const profile = options.profile ? await probes.startProfile() : undefined;
      const window = await probes.openWindow(name);
      const result = await push(mails, rate);
      const { snapshot, ...figures } = await window.close();
      const summary = profile
        ? await profile.stop(RESULTS_DIR, `intake-${name.replace(/\W+/g, '-')}`)
        : undefined;
      await waitForIdleQueues(clients.sqs, (desk as DeskProcess).resources.queueUrls);
      return runReport(name, mails, result.sent, result.failed.length, result.missing, tracker, snapshot, {
        ...figures,
        ...(rate === undefined ? {} : { targetRate: rate }),
        ...(summary ? { profile: summary } : {}),
      });
    };

    const runs: RunReport[] = [];
    runs.push(await timedRun('max rate', main));
    if (paced.length > 0) runs.push(await timedRun(`paced ${options.pacedRate}/s`, paced, options.pacedRate));

    // 5. Requests per mail by outcome: each outcome alone, counted, divided.
    const attribution: AttributionRow[] = [];
    for (const phase of phases) {
      if (phase.warmUp) {
        log(`${phase.label} : ${phase.warmUp.length} demandes pour atteindre le plafond (non comptées)`);
        await push(phase.warmUp);
        await waitForIdleQueues(clients.sqs, desk.resources.queueUrls);
      }
      log(`phase ${phase.label} : ${phase.mails.length} courriels`);
      ticketsFrom =
        phase.outcome === 'follow_up'
          ? Math.max(0, tracker.openTickets.length - k)
          : tracker.openTickets.length;
      await probes.take();
      const result = await push(phase.mails);
      await waitForIdleQueues(clients.sqs, desk.resources.queueUrls);
      const snapshot = await probes.take();
      const got = countOutcomes(result.sent.map((s) => tracker.traces.get(s.sesMessageId)?.outcome));
      if ((got[phase.outcome] ?? 0) !== result.sent.length) {
        notes.push(
          `phase ${phase.outcome} : résultats ${JSON.stringify(got)} (attendu ${result.sent.length} × ${phase.outcome})`,
        );
      }
      attribution.push({
        label: phase.label,
        outcome: phase.outcome,
        mails: result.sent.length,
        perMail: perMail(snapshot, result.sent.length),
        counters: withoutDurations(snapshot),
      });
    }
    await probes.stopCounting();

    // 6. Verification through the staff API (after counting: the API's reads are the handlers' client).
    const fromApi = await readIntakeOutcomes(desk.httpUrl, jwtKeyPath);
    const outcomesFromApi = countOutcomes(fromApi);
    const outcomesTracked = countOutcomes([...tracker.traces.values()].map((t) => t.outcome));
    const deadLetters = await queueDepths(clients.sqs, desk.resources.deadLetterQueueUrls);
    const memoryPeaks = probes.stop();
    if (parisDay(startedAt) !== parisDay(new Date())) {
      notes.push(
        'la journée de Paris a changé pendant la mesure : les plafonds journaliers ont été remis à zéro',
      );
    }

    const report: BenchReport = {
      startedAt: startedAt.toISOString(),
      commit: measuredCommit(),
      options: { ...options, pollers: options.pollers ?? 4 },
      machine: {
        cores: cpus().length,
        loadBefore: rules.loadBefore,
        loadAfter: machineLoad(),
        busyCoresBefore: busyBefore,
        node: process.version,
        memoryTotalMiB: Math.round(totalmem() / 1024 / 1024),
      },
      setup: {
        directoryDirectors: directory.directors.length,
        directorySchools: options.schools,
        corpusSeconds,
        startSeconds,
        corpusMiB: corpusBytes / 1024 / 1024,
      },
      runs,
      attribution,
      memory: memoryPeaks,
      verification: {
        intakeEntriesFromApi: fromApi.length,
        outcomesFromApi,
        matchesTracker:
          JSON.stringify(sortKeys(outcomesFromApi)) === JSON.stringify(sortKeys(outcomesTracked)),
        deadLetters,
        outboxHookSaw: tracker.outbox.length,
        outboxStored: probes.storedCount(),
      },
      verdicts: [],
      notes,
    };
    report.verdicts = verdicts(report);
    rules.finish(report, formatReport, options.out);
  } finally {
    await cleanUp();
  }
}

main().catch((error: unknown) => {
  console.error('Le banc d’essai n’a pas pu aller au bout :', error);
  process.exitCode = 1;
});
