/**
 * `npm run bench -- gateway`: the desk fed the way a mail gateway feeds a help desk (issue 12).
 * An MTA relaying to the desk opens a new SMTP connection per mail (connect, EHLO, MAIL, RCPT,
 * DATA, QUIT), keeps 4 deliveries in flight, and relays what directors send: 20 % of mails with
 * an 8–64 KiB attachment, 25 % follow-ups on tickets opened earlier in the run, the rest new
 * requests and every kind of rejection (bench/lib/corpus.ts). Meanwhile the console stays open:
 * an API poller reads the mail log and the ticket list at 4 requests/s for the whole run.
 *
 * Two runs, each against its target: the maximum sustained rate (≥ 35 mails/s), then 20 mails/s
 * offered (acknowledgment p95 ≤ 300 ms). Same probes, report and rules as the intake benchmark
 * (bench/lib/rules.ts: a run on a busy machine is refused). Exits 0 with figures, 2 when
 * refused, 1 when it could not run.
 *
 *   npm run bench -- gateway                   # 900 + 600 mails, about three minutes on a quiet machine
 *   npx tsx bench/gateway.ts --mails 120 --paced-mails 60 --machine-occupee   # smoke check
 */
import './lib/quiet.ts';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { type DeskProcess, startDeskProcess } from '#local/desk-process.ts';
import { makeLocalClients } from '#local/emulators.ts';
import { queueDepths } from '#local/queue-depths.ts';
import { measuredCommit } from './lib/commit.ts';
import { type CorpusMail, CorpusWriter, SenderPool } from './lib/corpus.ts';
import { DESK_AGENT, probeDesk } from './lib/desk-probes.ts';
import { generateDirectory } from './lib/directory.ts';
import { startPoller } from './lib/gateway-poller.ts';
import { GatewaySender } from './lib/gateway-sender.ts';
import { readIntakeOutcomes } from './lib/intake-log.ts';
import { BenchOptionError, intOption } from './lib/options.ts';
import { waitForIdleQueues } from './lib/queues.ts';
import { seededRandom } from './lib/random.ts';
import { type BenchReport, formatReport, gatewayVerdicts, type RunReport } from './lib/report.ts';
import { accountCpu, BenchRules, machineLoad, withoutRuleFlags } from './lib/rules.ts';
import { countOutcomes, followUpPicker, pushAndComplete, runReport, sortKeys } from './lib/runs.ts';
import type { SentMail } from './lib/sender.ts';

const DAILY_REQUEST_CAP = 10;
/** The gateway's stream (issue 12): follow-ups and attachments, each a share of all mails. */
const SHAPE = { followUps: 0.25, attachments: 0.2 } as const;

const usage = `Banc d'essai « passerelle » (issue 12) : le desk local nourri comme par un relais de messagerie.

  npm run bench -- gateway [options]
  npx tsx bench/gateway.ts [options]

Options :
  --mails N          courriels de la passe au débit maximal (défaut 900)
  --paced-mails N    courriels de la passe cadencée (défaut 600 ; 0 : pas de passe)
  --rate R           cadence offerte de la passe cadencée, courriels/s (défaut 20)
  --in-flight N      livraisons simultanées, une connexion SMTP chacune (défaut 4)
  --poll-rate R      requêtes/s du poller de l'API (défaut 4)
  --schools N        écoles de l'annuaire généré (défaut 1600)
  --seed N           graine du corpus (défaut 1)
  --port-base P      ports P..P+4 (défaut 18540)
  --keep             garde le dossier temporaire
  --machine-occupee  montre les chiffres même si d'autres processus ont pris plus de 0,1 cœur (« non publiables »)
`;

function readOptions(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      mails: { type: 'string', default: '900' },
      'paced-mails': { type: 'string', default: '600' },
      rate: { type: 'string', default: '20' },
      'in-flight': { type: 'string', default: '4' },
      'poll-rate': { type: 'string', default: '4' },
      schools: { type: 'string', default: '1600' },
      seed: { type: 'string', default: '1' },
      'port-base': { type: 'string', default: '18540' },
      keep: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return undefined;
  const pacedMails = intOption('paced-mails', values['paced-mails'], 0);
  if (pacedMails > 0 && pacedMails < 60) throw new BenchOptionError('--paced-mails : 0, ou au moins 60');
  return {
    mails: intOption('mails', values.mails, 60),
    pacedMails,
    rate: intOption('rate', values.rate, 1),
    inFlight: intOption('in-flight', values['in-flight'], 1),
    pollRate: intOption('poll-rate', values['poll-rate'], 1),
    schools: intOption('schools', values.schools, 200),
    seed: intOption('seed', values.seed, 0),
    portBase: intOption('port-base', values['port-base'], 1024),
    keep: values.keep,
  };
}

async function main(): Promise<void> {
  const options = readOptions(withoutRuleFlags(process.argv.slice(2)));
  if (!options) {
    console.log(usage);
    return;
  }
  const rules = new BenchRules('gateway');
  const notes: string[] = [];
  const idle = accountCpu();
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  const busyBefore = idle.stop().othersCores;
  const work = mkdtempSync(path.join(tmpdir(), 'lsun-gateway-'));
  const corpusFolder = path.join(work, 'corpus');
  mkdirSync(corpusFolder);
  const log = (line: string) => console.error(`[gateway] ${line}`);
  let desk: DeskProcess | undefined;
  let sender: GatewaySender | undefined;
  let ownClients: ReturnType<typeof makeLocalClients> | undefined;
  let cleaning: Promise<void> | undefined;
  const cleanUp = () => {
    cleaning ??= (async () => {
      sender?.close();
      for (const client of Object.values(ownClients ?? {})) client.destroy();
      await desk?.stop().catch(() => undefined);
      if (options.keep) console.error(`[gateway] dossier gardé : ${work}`);
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
    const corpusStart = performance.now();
    const random = seededRandom(options.seed);
    const directory = generateDirectory(random, options.schools);
    const directoryFile = path.join(work, 'annuaire-bench.csv');
    writeFileSync(directoryFile, directory.csv);
    const senders = new SenderPool(random, directory);
    const writer = new CorpusWriter({ random, directory, folder: corpusFolder, senders, label: 'g' });
    log(`annuaire : ${directory.directors.length} directeurs ; composition du corpus…`);
    const warmUp = await writer.only('new_request', 20);
    const main = await writer.mix(options.mails, DAILY_REQUEST_CAP, SHAPE);
    const paced =
      options.pacedMails > 0 ? await writer.mix(options.pacedMails, DAILY_REQUEST_CAP, SHAPE) : [];
    const corpusFiles = await readdir(corpusFolder);
    const corpusBytes = corpusFiles.reduce(
      (total, f) => total + statSync(path.join(corpusFolder, f)).size,
      0,
    );
    const corpusSeconds = (performance.now() - corpusStart) / 1000;

    // 2. The desk, as npm start runs it: in a process of its own (this one is the load generator).
    const startStart = performance.now();
    const p = options.portBase;
    const jwtKeyPath = path.join(work, 'jwt-key.json');
    desk = await startDeskProcess(
      {
        ports: { smtp: p, http: p + 1, ses: p + 2, dynamodb: p + 3, sqs: p + 4 },
        dataDir: path.join(work, 'data'),
        seedDirectory: directoryFile,
        jwtKeyPath,
      },
      { entry: DESK_AGENT },
    );
    const running = desk;
    const startSeconds = (performance.now() - startStart) / 1000;
    log(`desk démarré en ${startSeconds.toFixed(1)} s`);
    const clients = makeLocalClients(desk.endpoints);
    ownClients = clients;

    // 3. The intake benchmark's probes.
    const probes = await probeDesk(desk, p, rules, clients.sqs);
    const { tracker } = probes;
    sender = new GatewaySender(desk.smtpPort);
    const gateway = sender;
    let ticketsFrom = 0;
    const ticketForFollowUp = followUpPicker(tracker, random, () => ticketsFrom);

    const push = (mails: CorpusMail[], rate?: number) =>
      pushAndComplete(gateway, writer, tracker, mails, {
        connections: options.inFlight,
        workers: options.inFlight,
        ...(rate === undefined ? {} : { rate }),
        ticketForFollowUp,
      });

    log(`mise en route : ${warmUp.length} courriels`);
    await push(warmUp);
    await waitForIdleQueues(clients.sqs, desk.resources.queueUrls);

    const timedRun = async (name: string, mails: CorpusMail[], rate?: number): Promise<RunReport> => {
      log(
        `${name} : ${mails.length} courriels${rate ? ` à ${rate}/s offerts` : ''}, ${options.inFlight} en vol…`,
      );
      ticketsFrom = tracker.openTickets.length;
      const poller = await startPoller(running.httpUrl, jwtKeyPath, options.pollRate);
      const connectionsBefore = gateway.connections;
      const window = await probes.openWindow(name);
      const result = await push(mails, rate);
      const { snapshot, ...figures } = await window.close();
      const polled = await poller.stop();
      await waitForIdleQueues(clients.sqs, running.resources.queueUrls);
      const sentMails = result.sent.map((s: SentMail) => s.mail);
      // The gateway's attachments; EICAR on a spam mail is that mail's payload, not one of them.
      const withAttachment = sentMails.filter(
        (m) => m.kind !== 'spam_or_virus' && (m.attachmentBytes ?? 0) > 0,
      );
      const sizes = withAttachment.map((m) => m.attachmentBytes ?? 0);
      const starts = result.sent.map((s) => s.startedAt);
      return runReport(name, mails, result.sent, result.failed.length, result.missing, tracker, snapshot, {
        ...figures,
        ...(rate === undefined ? {} : { targetRate: rate }),
        gateway: {
          connectionsOpened: gateway.connections - connectionsBefore,
          inFlight: options.inFlight,
          attachmentShare: withAttachment.length / Math.max(1, sentMails.length),
          attachmentBytes: { min: Math.min(...sizes), max: Math.max(...sizes) },
          followUpShare:
            sentMails.filter((m) => m.kind === 'follow_up').length / Math.max(1, sentMails.length),
          offeredPerSecond:
            (result.sent.length - 1) / Math.max(1e-3, (Math.max(...starts) - Math.min(...starts)) / 1000),
          poller: polled,
        },
      });
    };

    const runs: RunReport[] = [];
    runs.push(await timedRun('max rate', main));
    if (paced.length > 0) runs.push(await timedRun(`paced ${options.rate}/s`, paced, options.rate));
    await probes.stopCounting();

    // 4. Every outcome checked through the staff API, the dead-letter queues and the outbox.
    const fromApi = await readIntakeOutcomes(desk.httpUrl, jwtKeyPath);
    const outcomesFromApi = countOutcomes(fromApi);
    const outcomesTracked = countOutcomes([...tracker.traces.values()].map((t) => t.outcome));
    const deadLetters = await queueDepths(clients.sqs, desk.resources.deadLetterQueueUrls);
    const memoryPeaks = probes.stop();
    for (const run of runs) {
      const wrong = Object.entries(run.expectedOutcomes).filter(
        ([outcome, n]) => (run.outcomes[outcome as keyof typeof run.outcomes] ?? 0) !== n,
      );
      if (wrong.length > 0 || run.incomplete > 0 || run.failedSends > 0)
        notes.push(`${run.name} : résultats différents de ceux attendus, ou incomplets (voir le tableau)`);
    }

    const report: BenchReport = {
      startedAt: rules.startedAt.toISOString(),
      commit: measuredCommit(),
      options: { ...options, shape: SHAPE },
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
      attribution: [],
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
    report.verdicts = gatewayVerdicts(report);
    notes.push(
      "les requêtes DynamoDB par courriel de ce banc comptent aussi celles du poller de l'API (même client) : les requêtes par courriel accepté se lisent dans le banc de l'intake",
    );
    const title = `Banc d'essai « passerelle » — une connexion SMTP par courriel, ${options.inFlight} en vol, ${SHAPE.attachments * 100} % de pièces jointes, ${SHAPE.followUps * 100} % de relances, poller API ${options.pollRate}/s ; graine ${options.seed} ; commit ${report.commit}, ${report.startedAt}`;
    rules.finish(report, (r) => formatReport(r, title));
  } finally {
    await cleanUp();
  }
}

main().catch((error: unknown) => {
  console.error('Le banc d’essai « passerelle » n’a pas pu aller au bout :', error);
  process.exitCode = 1;
});
