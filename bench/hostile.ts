/**
 * `npm run bench -- hostile`: the hostile mail campaign of issue 11. Starts the whole local desk
 * in this process (`startDesk`, as `npm start` does, with the demo directory), generates the
 * hostile corpus (test/support/hostile-corpus.ts: 10,000 mutated mails by default, then the
 * extreme ones) one mail at a time, pushes it through the SMTP port, waits for every intake entry
 * and prints: mails, SMTP refusals by code, outcomes by code, mails accepted without an outcome,
 * send errors, uncaught errors (a crash on Lambda), dead letters, peak memory and time. A benchmark,
 * not a test: it exits 0 whatever the figures (1 only when it could not run at all).
 *
 *   npm run bench -- hostile                    # 10,000 mails and the extremes
 *   npm run bench -- hostile --mails 500        # a quick look
 *   npm run bench -- hostile --help
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { makeLocalClients } from '#local/emulators.ts';
import { queueDepths } from '#local/queue-depths.ts';
import { type RunningDesk, startDesk } from '#local/stack.ts';
import { EXTREMES, hostileCorpus } from '#test/support/hostile-corpus.ts';
import { runHostileCorpus, summarise } from '#test/support/hostile-run.ts';
import { findDynamoDbLocalPid, statusBytes } from './lib/machine.ts';
import { waitForIdleQueues } from './lib/queues.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MIB = 1024 * 1024;

const usage = `Campagne de courriels hostiles (issue 11) : le desk local complet, un corpus de courriels cassés.

  npm run bench -- hostile [options]

Options :
  --mails N         courriels mutés (défaut 10000), suivis des extrêmes (1 000 parties, 50 niveaux,
                    30 Mo, vide, plus de 40 Mo)
  --seed N          graine du corpus (défaut 1)
  --connections N   connexions SMTP simultanées (défaut 4)
  --no-extremes     sans les courriels extrêmes
  --port-base P     ports P..P+4 (défaut 18560)
`;

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== 'hostile'),
  options: {
    mails: { type: 'string', default: '10000' },
    seed: { type: 'string', default: '1' },
    connections: { type: 'string', default: '4' },
    'no-extremes': { type: 'boolean', default: false },
    'port-base': { type: 'string', default: '18560' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const mails = Number(values.mails);
const seed = Number(values.seed);
const connections = Number(values.connections);
const portBase = Number(values['port-base']);

/** The commit the figures were measured at, with `+` when the tree has changes. */
function commit(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: root,
      encoding: 'utf8',
    }).trim();
    const dirty =
      execFileSync('git', ['status', '--porcelain'], { cwd: root, encoding: 'utf8' }).trim() !== '';
    return dirty ? `${head}+` : head;
  } catch {
    return 'inconnu';
  }
}

function log(line: string): void {
  console.log(`[hostile] ${line}`);
}

let desk: RunningDesk | undefined;
const keyDir = mkdtempSync(path.join(tmpdir(), 'lsun-hostile-'));
try {
  const p = portBase;
  desk = await startDesk({
    ports: { smtp: p, http: p + 1, ses: p + 2, dynamodb: p + 3, sqs: p + 4 },
    dataDir: undefined,
    seedDirectory: path.join(root, 'data', 'annuaire-demo.csv'),
    jwtKeyPath: path.join(keyDir, 'key.json'),
    env: { POWERTOOLS_LOG_LEVEL: 'CRITICAL' },
  });
  const running = desk;
  const javaPid = findDynamoDbLocalPid(p + 3);
  log(
    `desk démarré ; ${mails} courriels mutés (graine ${seed})${values['no-extremes'] ? '' : ' puis les extrêmes'}`,
  );

  const started = performance.now();
  const rssTrend: string[] = [];
  let acceptedBytes = 0;
  const corpus = hostileCorpus({ seed, count: mails, extremes: values['no-extremes'] ? [] : EXTREMES });
  const counted = (function* () {
    for (const mail of corpus) {
      acceptedBytes += mail.raw.length;
      yield mail;
    }
  })();
  const run = await runHostileCorpus(running, counted, {
    connections,
    stallMs: 60_000,
    onSent: (count) => {
      if (count % 1000 !== 0) return;
      const rss = process.memoryUsage.rss() / MIB;
      rssTrend.push(`${count}: ${rss.toFixed(0)}`);
      log(
        `${count} envoyés en ${((performance.now() - started) / 1000).toFixed(0)} s, RSS ${rss.toFixed(0)} Mio`,
      );
    },
  });
  const seconds = (performance.now() - started) / 1000;
  const figures = summarise(run);
  const clients = makeLocalClients(running.endpoints);
  // What follows an outcome (a ticket, an answer) is queued after it: let the chain finish first.
  const chain = {
    intake: running.resources.queueUrls.intake,
    tickets: running.resources.queueUrls.tickets,
    outbox: running.resources.queueUrls.outbox,
  };
  await waitForIdleQueues(clients.sqs, chain).catch(() => undefined);
  const deadLetters = await queueDepths(clients.sqs, running.resources.deadLetterQueueUrls).catch(() => ({}));
  const backlog = await queueDepths(clients.sqs, running.resources.queueUrls).catch(() => ({}));
  for (const client of Object.values(clients)) client.destroy();

  const refusedByKind = run.fates
    .filter((fate) => fate.refused)
    .map((fate) => `${fate.kinds.join('+')} → ${fate.refused?.code} « ${fate.refused?.text.slice(0, 120)} »`);
  const extremes = run.fates
    .filter((fate) => fate.kinds.some((kind) => (EXTREMES as readonly string[]).includes(kind)))
    .map(
      (fate) =>
        `${fate.kinds[0]} (${(fate.bytes / 1_000_000).toFixed(1)} Mo) → ${fate.outcome ?? (fate.refused ? `refusé ${fate.refused.code}` : 'AUCUN')}`,
    );

  console.log(`
Courriels hostiles — graine ${seed}, ${figures.mails} courriels, commit ${commit()}
  machine : ${cpus().length} cœurs, charge moyenne ${loadavg()
    .map((load) => load.toFixed(1))
    .join(' / ')}
  durée totale (génération, SMTP, issues) : ${seconds.toFixed(0)} s
  acceptés (250) : ${figures.accepted} ; refusés en SMTP : ${JSON.stringify(figures.refusals)}
${refusedByKind.map((line) => `    ${line}`).join('\n')}
  issues : ${JSON.stringify(figures.outcomes)}
  acceptés sans issue : ${figures.withoutOutcome.length}${figures.withoutOutcome
    .slice(0, 10)
    .map((fate) => `\n    #${fate.index} ${fate.kinds.join('+')}`)
    .join('')}
  erreurs d'envoi : ${figures.sendErrors.length} ; erreurs non rattrapées (plantages) : ${figures.uncaught.length}${figures.uncaught
    .slice(0, 5)
    .map((error) => `\n    ${error}`)
    .join('')}
  files de lettres mortes : ${JSON.stringify(deadLetters)} ; files restantes : ${JSON.stringify(backlog)}
  extrêmes : ${extremes.join(' ; ') || '(aucun)'}
  mémoire de pointe (VmHWM) : Node ${(statusBytes('self', 'VmHWM') / MIB).toFixed(0)} Mio, DynamoDB Local ${javaPid === undefined ? '?' : (statusBytes(javaPid, 'VmHWM') / MIB).toFixed(0)} Mio
  RSS de Node tous les 1 000 courriels (Mio) : ${rssTrend.join(', ') || '(moins de 1 000)'}
  octets envoyés : ${(acceptedBytes / MIB).toFixed(1)} Mio (le S3 local, fauxqs, garde en mémoire de ce processus ceux qui ont été acceptés)
`);
  process.exitCode = 0;
} catch (error) {
  console.error('[hostile] la campagne n’a pas pu tourner :', error);
  process.exitCode = 1;
} finally {
  await desk?.stop().catch(() => undefined);
  rmSync(keyDir, { recursive: true, force: true });
}
