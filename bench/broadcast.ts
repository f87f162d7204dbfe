/**
 * The broadcast benchmark of issue 9 (« Information globale »): a generated directory of 2,000
 * directors over the four départements, loaded into DynamoDB Local; one broadcast to the académie
 * sent now, its chunks consumed by the real `broadcast-send` handler through the local event
 * source mapping (`local/runner.ts`), SES played by aws-ses-v2-local. Measures:
 *
 * 1. SES `SendBulkEmail` calls (target ≤ 40), duplicates and missing recipients in the SES
 *    stand-in's store (target 0 / 0), wall time against the rate bound, recipients ÷ the
 *    broadcasts' configured rate (`BROADCAST_MAX_SEND_RATE` × `BROADCAST_RATE_SHARE`; within 10 %);
 * 2. a second broadcast where one chunk is delivered three times and a worker is killed in the
 *    middle of another chunk (after SES took the call, before any result was recorded): still
 *    one mail per director.
 *
 * A benchmark, not a test: exits 0 whatever the numbers, 2 when the machine was too busy for them
 * to mean anything (bench/lib/rules.ts; `--machine-occupee` shows them, « non publiables »), 1 when
 * it could not run. Its JSON goes to bench/results/broadcast-<date>.json.
 *
 *   npx tsx bench/broadcast.ts                  # 2,000 directors, about two minutes
 *   npx tsx bench/broadcast.ts --directors 300  # smoke check
 *   npx tsx bench/broadcast.ts --help
 */
import './lib/quiet.ts';
import { randomUUID } from 'node:crypto';
import diagnostics from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import {
  ChangeMessageVisibilityCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import {
  type LocalClients,
  makeLocalClients,
  type RunningEmulator,
  startDynamoDbLocal,
  startFauxqs,
  startSesLocal,
} from '#local/emulators.ts';
import { deskEnvironment, ensureDeskResources } from '#local/resources.ts';
import { type QueueConsumer, startQueueRunner } from '#local/runner.ts';
import { makeBroadcastStore } from '#shared/adapters/broadcast-store.ts';
import { makeBulkSender } from '#shared/adapters/bulk-sender.ts';
import { documentClient } from '#shared/adapters/clients/dynamodb.ts';
import { makeDirectoryStore } from '#shared/adapters/directory-store.ts';
import { makeQueue } from '#shared/adapters/queue.ts';
import { importDirectoryFile } from '#shared/directory/import.ts';
import type { BulkSender } from '#shared/domain/broadcast-ports.ts';
import { BroadcastChunk } from '#shared/domain/messages.ts';
import { ACADEMIE_ZONE } from '#shared/domain/zones.ts';
import { allStages } from '#shared/pipeline.ts';
import type { BroadcastDeps } from '#shared/steps/broadcast/deps.ts';
import { sendChunk } from '#shared/steps/broadcast/fan-out.ts';
import { createBroadcast, sendBroadcast } from '#shared/steps/broadcast/manage.ts';
import { generate, toCsv } from '#test/fixtures/directory/generate-annuaire.ts';
import { measuredCommit } from './lib/commit.ts';
import { BenchOptionError } from './lib/options.ts';
import { cpuSplit } from './lib/report.ts';
import { BenchRules, withoutRuleFlags } from './lib/rules.ts';

const BULK_PATH = '/v2/email/outbound-bulk-emails';

const usage = `Banc d'essai des diffusions (issue 9) / Broadcast benchmark: the real broadcast-send
handler on the local stand-ins, one broadcast to the académie.

  npx tsx bench/broadcast.ts [options]

Options :
  --directors N       directeurs de l'annuaire généré, sur les quatre départements (défaut 2000)
  --max-send-rate R   BROADCAST_MAX_SEND_RATE, courriels/s du compte (défaut 100)
  --rate-share S      BROADCAST_RATE_SHARE, part du débit pour les diffusions (défaut 0.5)
  --seed N            graine de l'annuaire (défaut 1)
  --port-base P       ports P..P+2 des stand-ins (défaut 18640)
  --no-faults         sans le second scénario (livraison triple, worker tué)
`;

type Options = {
  directors: number;
  maxSendRate: number;
  rateShare: number;
  seed: number;
  portBase: number;
  faults: boolean;
};

/** Raised by the stand-in worker that "dies" in the middle of a chunk. */
class WorkerKilledError extends Error {
  override name = 'WorkerKilledError';
}

function readOptions(argv: string[]): Options | undefined {
  const { values } = parseArgs({
    args: argv,
    options: {
      directors: { type: 'string', default: '2000' },
      'max-send-rate': { type: 'string', default: '100' },
      'rate-share': { type: 'string', default: '0.5' },
      seed: { type: 'string', default: '1' },
      'port-base': { type: 'string', default: '18640' },
      'no-faults': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return undefined;
  const num = (name: string, value: string | undefined, min: number, integer = true): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < min || (integer && !Number.isInteger(n)))
      throw new BenchOptionError(`--${name} : nombre ≥ ${min} attendu, reçu « ${value} »`);
    return n;
  };
  const rateShare = num('rate-share', values['rate-share'], 0, false);
  if (rateShare <= 0 || rateShare > 1) throw new BenchOptionError('--rate-share : entre 0 (exclu) et 1');
  return {
    directors: num('directors', values.directors, 100),
    maxSendRate: num('max-send-rate', values['max-send-rate'], 1, false),
    rateShare,
    seed: num('seed', values.seed, 0),
    portBase: num('port-base', values['port-base'], 1024),
    faults: !values['no-faults'],
  };
}

/** Counts the SendBulkEmail requests that reach the SES stand-in, and when the last one ended. */
function watchBulkCalls(sesPort: number): {
  calls(): number;
  firstStartedAfter(t: number): number;
  lastEndedAt(): number;
  stop(): void;
} {
  let calls = 0;
  let last = 0;
  const starts: number[] = [];
  const isBulk = (request: ClientRequest) =>
    Number(String(request.getHeader('host') ?? '').split(':')[1]) === sesPort &&
    request.path.startsWith(BULK_PATH);
  const onStart = (message: unknown) => {
    if (!isBulk((message as { request: ClientRequest }).request)) return;
    calls += 1;
    starts.push(performance.now());
  };
  const onEnd = (message: unknown) => {
    if (isBulk((message as { request: ClientRequest }).request)) last = performance.now();
  };
  diagnostics.subscribe('http.client.request.start', onStart);
  diagnostics.subscribe('http.client.response.finish', onEnd);
  return {
    calls: () => calls,
    firstStartedAfter: (t) => starts.find((start) => start >= t) ?? Number.NaN,
    lastEndedAt: () => last,
    stop() {
      diagnostics.unsubscribe('http.client.request.start', onStart);
      diagnostics.unsubscribe('http.client.response.finish', onEnd);
    },
  };
}

type OutboxCheck = { mails: number; duplicates: number; missing: number; unexpected: number };

/** Compares the SES stand-in's store with the expected recipients: one mail each, no one else. */
async function checkOutbox(
  sesEndpoint: string,
  expected: Set<string>,
  subject: string,
): Promise<OutboxCheck> {
  const response = await fetch(`${sesEndpoint}/store`);
  const { emails } = (await response.json()) as {
    emails: { subject: string; destination: { to: string[] } }[];
  };
  const perAddress = new Map<string, number>();
  let mails = 0;
  for (const email of emails) {
    if (email.subject !== subject) continue;
    mails += 1;
    for (const to of email.destination.to) {
      const address = to.toLowerCase();
      perAddress.set(address, (perAddress.get(address) ?? 0) + 1);
    }
  }
  let duplicates = 0;
  let unexpected = 0;
  for (const [address, count] of perAddress) {
    if (!expected.has(address)) unexpected += count;
    else duplicates += count - 1;
  }
  const missing = [...expected].filter((address) => !perAddress.has(address)).length;
  return { mails, duplicates, missing, unexpected };
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, everyMs = 100): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  return false;
}

const fmt = (n: number, digits = 1) => n.toFixed(digits);
const verdict = (met: boolean) => (met ? 'atteint / met' : 'MANQUÉ / MISSED');

async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const options = readOptions(withoutRuleFlags(process.argv.slice(2)));
  if (!options) {
    console.log(usage);
    return;
  }
  const log = (line: string) => console.error(`[bench:broadcast] ${line}`);
  const rules = new BenchRules('broadcast');
  const startedAt = rules.startedAt;
  // Read now: the tree may move on while the benchmark runs.
  const ranOn = measuredCommit();
  const emulators: RunningEmulator[] = [];
  let clients: LocalClients | undefined;
  let runner: { stop(): Promise<void> } | undefined;
  const watch = watchBulkCalls(options.portBase);
  const cleanUp = async () => {
    watch.stop();
    await runner?.stop().catch(() => undefined);
    for (const client of Object.values(clients ?? {})) client.destroy();
    for (const emulator of emulators.reverse()) await emulator.stop().catch(() => undefined);
  };

  try {
    // 1. The stand-ins and the desk's resources on them.
    const p = options.portBase;
    emulators.push(
      ...(await Promise.all([
        startSesLocal({ port: p }),
        startDynamoDbLocal({ port: p + 1 }),
        startFauxqs({ port: p + 2 }),
      ])),
    );
    const [ses, dynamodb, fauxqs] = emulators as [RunningEmulator, RunningEmulator, RunningEmulator];
    const endpoints = {
      ses: ses.endpoint,
      dynamodb: dynamodb.endpoint,
      sqs: fauxqs.endpoint,
      s3: fauxqs.endpoint,
    };
    clients = makeLocalClients(endpoints);
    const resources = await ensureDeskResources(clients, {
      tableName: 'assistance-lsun-bench-broadcast',
      bucket: 'assistance-lsun-bench-raw-mail',
      queuePrefix: 'assistance-lsun-bench-',
    });
    const queueUrl = resources.queueUrls.broadcast;
    if (queueUrl === undefined) throw new Error('no broadcast queue in the local resources');
    const env = {
      ...deskEnvironment(resources, endpoints),
      BROADCAST_MAX_SEND_RATE: String(options.maxSendRate),
      BROADCAST_RATE_SHARE: String(options.rateShare),
      POWERTOOLS_LOG_LEVEL: 'WARN',
    };
    Object.assign(process.env, env);

    // 2. The directory: N directors over the four départements, imported as staff would.
    const table = { client: documentClient(clients.dynamodb), tableName: resources.tableName };
    const directory = makeDirectoryStore({ ...table, academicDomain: 'ac-dijon.fr' });
    const rows = generate(options.directors, options.seed);
    const expected = new Set(rows.map((row) => row.email.toLowerCase()));
    const perDepartement = new Map<string, number>();
    const counted = new Set<string>();
    for (const row of rows) {
      if (counted.has(row.email)) continue;
      counted.add(row.email);
      perDepartement.set(row.dept, (perDepartement.get(row.dept) ?? 0) + 1);
    }
    const importStart = performance.now();
    await importDirectoryFile(toCsv(rows), directory, {
      apply: true,
      now: new Date(),
      actor: 'bench',
    });
    log(
      `annuaire : ${expected.size} directeurs (${[...perDepartement].map(([d, n]) => `${d}: ${n}`).join(', ')}), importé en ${fmt((performance.now() - importStart) / 1000)} s`,
    );

    // 3. The real handler, imported once the environment is set (it reads its configuration at import).
    const { handler } = await import('#functions/broadcast-send.ts');
    const sendStage = allStages.find((stage) => stage.queue === 'broadcast');
    if (!sendStage) throw new Error('no broadcast stage in shared/pipeline.ts');
    const store = makeBroadcastStore(table);
    const bulkSender = makeBulkSender({
      client: clients.ses,
      configurationSet: undefined,
      maxSendRate: options.maxSendRate,
    });
    const deps: BroadcastDeps = {
      store,
      directory,
      chunks: makeQueue({ client: clients.sqs, queueUrl, schema: BroadcastChunk }),
      sender: bulkSender,
      config: {
        deskAddress: 'assistance1d@ac-dijon.fr',
        deskDisplayName: 'Assistance LSUN – Académie de Dijon',
        rateShare: options.rateShare,
      },
      now: () => new Date(),
      newId: randomUUID,
    };
    const startRunner = () =>
      startQueueRunner({
        sqs: clients?.sqs as LocalClients['sqs'],
        stages: [sendStage],
        queueUrls: { broadcast: queueUrl },
        handlers: { 'broadcast-send': handler as unknown as QueueConsumer },
        waitTimeSeconds: 1,
        maxPollersPerStage: sendStage.maxConcurrency,
      });
    const statusOf = async (id: string) => (await store.get(id))?.broadcast.status;

    // Scenario 1: one broadcast to the académie, sent now.
    const rate = options.maxSendRate * options.rateShare;
    const bound = expected.size / rate;
    log(`scénario 1 : diffusion à l'académie, débit configuré ${fmt(rate)}/s, borne ${fmt(bound)} s…`);
    runner = startRunner();
    const subject1 = `Bench diffusion ${randomUUID().slice(0, 8)}`;
    const cpu = rules.run('scénario 1');
    const callsBefore = watch.calls();
    const draft = await createBroadcast(
      {
        subject: subject1,
        text: 'LSU est indisponible ce matin.\n\nMerci de ne pas ouvrir de demande : nous vous tiendrons informés.',
        zones: [{ type: 'academie', code: ACADEMIE_ZONE.code }],
      },
      'admin@ac-dijon.fr',
      deps,
    );
    const t0 = performance.now();
    await sendBroadcast(draft.id, undefined, 'admin@ac-dijon.fr', deps);
    const queuedAt = performance.now();
    const finished = await waitFor(async () => (await statusOf(draft.id)) === 'sent', bound * 3_000 + 60_000);
    const sentAt = performance.now();
    const cpuShare = cpu.stop();
    const lastMailAt = watch.lastEndedAt();
    const calls1 = watch.calls() - callsBefore;
    const outbox1 = await checkOutbox(ses.endpoint, expected, subject1);
    const counts1 = await store.counts(draft.id);
    const wall = (lastMailAt - t0) / 1000;
    const fromFirstChunk = (lastMailAt - watch.firstStartedAfter(t0)) / 1000;
    const toSent = (sentAt - t0) / 1000;
    const deviation = (wall - bound) / bound;
    await runner.stop();
    runner = undefined;

    // Scenario 2: one chunk delivered three times, a worker killed in the middle of another.
    let faults:
      | {
          outbox: OutboxCheck;
          calls: number;
          counts: Record<string, number>;
          finished: boolean;
          afterLease: Record<string, number>;
        }
      | undefined;
    if (options.faults) {
      log('scénario 2 : un lot livré trois fois, un worker tué au milieu d’un lot…');
      const subject2 = `Bench pannes ${randomUUID().slice(0, 8)}`;
      const callsBefore2 = watch.calls();
      const second = await createBroadcast(
        {
          subject: subject2,
          text: 'Retour à la normale : LSU fonctionne de nouveau.',
          zones: [{ type: 'academie', code: ACADEMIE_ZONE.code }],
        },
        'admin@ac-dijon.fr',
        deps,
      );
      await sendBroadcast(second.id, undefined, 'admin@ac-dijon.fr', deps);
      // Two chunks taken off the queue before any worker runs.
      const taken: Message[] = [];
      await waitFor(async () => {
        const { Messages = [] } = await (clients as LocalClients).sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: 2 - taken.length,
            WaitTimeSeconds: 1,
          }),
        );
        taken.push(...Messages);
        return taken.length >= 2;
      }, 10_000);
      const [tripled, killed] = taken;
      if (!tripled?.Body || !killed?.Body)
        throw new Error('the second broadcast queued fewer than two chunks');
      // The first chunk: back on the queue, and two more copies of it (three deliveries).
      await (clients as LocalClients).sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: queueUrl,
          ReceiptHandle: tripled.ReceiptHandle,
          VisibilityTimeout: 0,
        }),
      );
      for (let copy = 0; copy < 2; copy++)
        await (clients as LocalClients).sqs.send(
          new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: tripled.Body }),
        );
      // The second chunk: a worker claims it, SES takes the call, and the worker dies before
      // recording anything. SQS then hands the same chunk to another worker.
      const dying: BulkSender = {
        maxSendRate: () => bulkSender.maxSendRate(),
        async sendBulk(request) {
          await bulkSender.sendBulk(request);
          throw new WorkerKilledError('worker killed after SendBulkEmail, before recording');
        },
      };
      const killedChunk = BroadcastChunk.parse(JSON.parse(killed.Body));
      await sendChunk(killedChunk, { ...deps, sender: dying }).catch((error: unknown) => {
        if (!(error instanceof WorkerKilledError)) throw error;
      });
      await (clients as LocalClients).sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: queueUrl,
          ReceiptHandle: killed.ReceiptHandle,
          VisibilityTimeout: 0,
        }),
      );
      runner = startRunner();
      // Done when nothing is queued any more (the killed chunk's claims stay `sending` until the lease ends).
      const done = await waitFor(
        async () => {
          const counts = await store.counts(second.id);
          return (counts.queued ?? 0) === 0 && (await statusOf(second.id)) !== undefined;
        },
        bound * 3_000 + 60_000,
        250,
      );
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      await runner.stop();
      runner = undefined;
      const counts2 = await store.counts(second.id);
      // The lease runs out (default 600 s): the killed worker's claims are settled without a resend.
      const later = new Date(Date.now() + 11 * 60_000);
      await sendChunk(killedChunk, { ...deps, now: () => later });
      faults = {
        outbox: await checkOutbox(ses.endpoint, expected, subject2),
        calls: watch.calls() - callsBefore2,
        counts: counts2,
        finished: done,
        afterLease: await store.counts(second.id),
      };
    }

    // The report.
    const lines: string[] = [];
    const chunksBound = Math.ceil(expected.size / 50);
    lines.push(
      `Banc d'essai des diffusions / Broadcast benchmark — commit ${ranOn}, ${startedAt.toISOString()}`,
      `Machine : ${cpus().length} cœurs ; Node ${process.version}`,
      `Annuaire / directory : ${expected.size} directeurs, ${rows.length} écoles ; BROADCAST_MAX_SEND_RATE=${options.maxSendRate}, BROADCAST_RATE_SHARE=${options.rateShare} → ${fmt(rate)} courriels/s ; ${sendStage.maxConcurrency} workers`,
      '',
      '■ Scénario 1 : une diffusion à l’académie, envoyée maintenant / one broadcast to the académie, sent now',
      `  appels SES SendBulkEmail / SES SendBulkEmail calls : ${calls1} (cible ≤ 40 ; minimum ${chunksBound}) — ${verdict(calls1 <= 40)}`,
      `  courriels dans la boîte d’envoi / mails in the outbox : ${outbox1.mails} ; doublons / duplicates ${outbox1.duplicates}, manquants / missing ${outbox1.missing}, inattendus / unexpected ${outbox1.unexpected} (cible 0 / 0) — ${verdict(outbox1.duplicates === 0 && outbox1.missing === 0)}`,
      `  durée / wall time : ${fmt(wall)} s jusqu’au dernier appel SES (${fmt(toSent)} s jusqu’au statut « sent ») ; borne / rate bound ${fmt(bound)} s ; écart / deviation ${fmt(deviation * 100)} % (cible ± 10 %) — ${verdict(Math.abs(deviation) <= 0.1)}`,
      `  du premier appel SES au dernier / first to last SES call : ${fmt(fromFirstChunk)} s (${fmt(((fromFirstChunk - bound) / bound) * 100)} % de la borne) : le reste est le gel des destinataires et la mise en file`,
      `  fin ${finished ? 'atteinte' : 'NON atteinte (délai dépassé)'} ; lots mis en file en ${fmt((queuedAt - t0) / 1000, 2)} s ; statuts / statuses ${JSON.stringify(counts1)}`,
      `  CPU : le banc et ses processus ${fmt(cpuShare.treeCores, 2)} cœur (${cpuSplit(cpuShare)}), autres processus ${fmt(cpuShare.othersCores, 2)} cœur`,
    );
    if (faults) {
      const { outbox } = faults;
      lines.push(
        '',
        '■ Scénario 2 : un lot livré trois fois, un worker tué au milieu d’un lot / one chunk delivered three times, a worker killed mid-chunk',
        `  appels SES SendBulkEmail / calls : ${faults.calls} (dont celui du worker tué / including the killed worker's)`,
        `  courriels / mails : ${outbox.mails} ; doublons / duplicates ${outbox.duplicates}, manquants / missing ${outbox.missing}, inattendus / unexpected ${outbox.unexpected} (cible : un courriel par directeur) — ${verdict(outbox.duplicates === 0 && outbox.missing === 0)}`,
        `  file vidée / queue drained : ${faults.finished ? 'oui' : 'NON'} ; statuts avant la fin du bail / statuses before the lease ends ${JSON.stringify(faults.counts)}`,
        `  après le bail (600 s) / after the lease : ${JSON.stringify(faults.afterLease)} — les destinataires du worker tué passent en « failed » (issue inconnue), sans nouvel envoi`,
      );
    }
    const report = {
      startedAt: startedAt.toISOString(),
      commit: ranOn,
      options,
      directors: expected.size,
      rate,
      scenario1: {
        sesCalls: calls1,
        outbox: outbox1,
        wallSeconds: wall,
        boundSeconds: bound,
        deviation,
        finished,
        statuses: counts1,
        cpu: cpuShare,
      },
      ...(faults ? { scenario2: faults } : {}),
      targets: {
        sesCalls: { goal: '≤ 40', met: calls1 <= 40 },
        duplicates: { goal: '0', met: outbox1.duplicates === 0 && outbox1.missing === 0 },
        wallTime: { goal: '± 10 % de la borne', met: Math.abs(deviation) <= 0.1 },
      },
    };
    rules.finish(report, () => lines.join('\n'));
  } finally {
    await cleanUp();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof BenchOptionError ? error.message : error);
  process.exitCode = 1;
});
