/**
 * The intake benchmark's results (the gateway benchmark's too): their shape (also written as
 * JSON), the targets of issue 12, and the tables printed at the end of a run.
 */
import type { Outcome } from '#shared/domain/outcome.ts';
import type { PollerReport } from './gateway-poller.ts';
import type { NodeMemory } from './machine.ts';
import { type CounterSnapshot, DYNAMODB_READS, DYNAMODB_WRITES, type OpStats } from './probes.ts';
import type { ProfileSummary } from './profile.ts';
import type { TreeCpu, TreeMemory } from './rules.ts';
import { type Distribution, distribution } from './stats.ts';

/** The intake benchmark's targets on this 2-core machine (issue 12, « Targets »). */
export const TARGETS = {
  mailsPerSecond: 50,
  /** At `pacedRate` mails/s offered. */
  ackP95Ms: 300,
  pacedRate: 35,
  writesPerAccepted: 3,
  readsPerAccepted: 2,
  /** The whole local desk: the bench process and all its descendants (DynamoDB Local included). */
  memoryMiB: 450,
} as const;

/** Requests of one phase, per mail. */
export type PerMail = {
  reads: number;
  writes: number;
  /** TransactWriteItems requests, and the actions they carried. */
  transactions: number;
  transactionItems: number;
  /** Write requests refused (a condition, a conflict): retries and the store's own checks. */
  refusedWrites: number;
  /** Mean number of tickets opened by one transaction of the ticket step (its batch), if any opened. */
  ticketsPerTransaction: number;
  sesSends: number;
  sqsRequests: number;
  s3Requests: number;
};

/** One phase of a single outcome (or the mix), its requests per mail. */
export type AttributionRow = {
  label: string;
  outcome: Outcome | 'mix';
  mails: number;
  perMail: PerMail;
  counters: CounterSnapshot;
};

/** A timed stream of mails and what it measured. */
export type RunReport = {
  name: string;
  mails: number;
  failedSends: number;
  /** Mails whose outcome (and what follows it) never came. */
  incomplete: number;
  /** First 250 to last outcome recorded. */
  windowSeconds: number;
  mailsPerSecond: number;
  /** First 250 to last 250: the rate SMTP took mail in. */
  smtpMailsPerSecond: number;
  /** First 250 to the last acknowledgment, reply or ticket write. */
  completedSeconds: number;
  targetRate?: number;
  outcomes: Partial<Record<Outcome, number>>;
  expectedOutcomes: Partial<Record<Outcome, number>>;
  latency: {
    /** SMTP accepted (250) → acknowledgment in the outbox, ticket_created mails. */
    ack: Distribution;
    /** The SMTP exchange itself, from the sender's side (DATA → 250 includes the verdicts and `receive`). */
    smtp: Distribution;
    /** 250 → outcome recorded (intake queue + screen). */
    toRecorded: Distribution;
    /** Outcome recorded → ticket written (tickets queue + ticket). */
    recordedToTicket: Distribution;
    /** Ticket written → acknowledgment in the outbox (outbox queue + mailer + SES). */
    ticketToAck: Distribution;
  };
  perMail: PerMail;
  dynamodbLatency: Record<string, Distribution>;
  refusals: CounterSnapshot['refusals'];
  ticketsOpened: number;
  /** The bench's process tree (the desk) and the other processes of the machine, in cores. */
  cpu: TreeCpu;
  eventLoopUtilization: number;
  eventLoopDelayP99Ms: number;
  backlogPeak: Record<string, number>;
  /** Every HTTP request this process made during the run (all clients), by service and operation. */
  httpRequests: Record<string, number>;
  /** Memory peaks of the tree during this run, and this process's memory by kind at its end. */
  memory: TreeMemory;
  nodeMemoryAtEnd: NodeMemory;
  /** The desk's garbage collector during the run: pauses and their summed duration on its thread. */
  gc?: { pauses: number; ms: number };
  profile?: ProfileSummary;
  /** The gateway-shaped load's own measures (bench/gateway.ts). */
  gateway?: GatewayMeasures;
};

/** What the gateway benchmark adds to a run: its connections, its corpus's shape, its poller. */
export type GatewayMeasures = {
  /** TCP connections the sender opened (one per SMTP session, retries included). */
  connectionsOpened: number;
  inFlight: number;
  /** Share of the mails carrying an attachment, and their sizes (bytes before encoding). */
  attachmentShare: number;
  attachmentBytes: { min: number; max: number };
  followUpShare: number;
  /** Mails offered per second (first send started → last started), for a paced run. */
  offeredPerSecond: number;
  poller: PollerReport;
};

/** The gateway-shaped load's targets (issue 12). */
export const GATEWAY_TARGETS = { mailsPerSecond: 35, ackP95Ms: 300, pacedRate: 20, memoryMiB: 450 } as const;

/** Everything a run of the benchmark produced, as written to bench/results/<bench>-<date>.json. */
export type BenchReport = {
  startedAt: string;
  /** `git rev-parse --short HEAD`, with the count of modified tracked files if any. */
  commit: string;
  options: Record<string, unknown>;
  machine: {
    cores: number;
    loadBefore: number[];
    loadAfter: number[];
    /** Cores other processes kept busy during the two seconds before the start. */
    busyCoresBefore: number;
    node: string;
    memoryTotalMiB: number;
  };
  setup: {
    directoryDirectors: number;
    directorySchools: number;
    corpusSeconds: number;
    startSeconds: number;
    corpusMiB: number;
  };
  runs: RunReport[];
  attribution: AttributionRow[];
  memory: TreeMemory;
  verification: {
    intakeEntriesFromApi: number;
    outcomesFromApi: Partial<Record<Outcome, number>>;
    matchesTracker: boolean;
    deadLetters: Record<string, number>;
    outboxHookSaw: number;
    outboxStored: number;
  };
  verdicts: Array<{ target: string; measured: string; goal: string; met: boolean }>;
  notes: string[];
};

const sum = (
  stats: Record<string, OpStats>,
  keep: (op: string) => boolean,
  field: 'requests' | 'failed' | 'items' = 'requests',
) =>
  Object.entries(stats)
    .filter(([op]) => keep(op))
    .reduce((total, [, s]) => total + s[field], 0);

/** Requests per mail from a phase's counters. */
export function perMail(counters: CounterSnapshot, mails: number): PerMail {
  const n = Math.max(1, mails);
  const { dynamodb } = counters;
  return {
    reads: sum(dynamodb, (op) => DYNAMODB_READS.has(op)) / n,
    writes: sum(dynamodb, (op) => DYNAMODB_WRITES.has(op)) / n,
    transactions: sum(dynamodb, (op) => op === 'TransactWriteItems') / n,
    transactionItems: sum(dynamodb, (op) => op === 'TransactWriteItems', 'items') / n,
    refusedWrites: sum(dynamodb, (op) => DYNAMODB_WRITES.has(op), 'failed') / n,
    ticketsPerTransaction:
      counters.ticketsPerTransaction.reduce((total, n) => total + n, 0) /
      Math.max(1, counters.ticketsPerTransaction.length),
    sesSends: sum(counters.ses, (op) => op.startsWith('SendEmail') || op.startsWith('SendBulkEmail')) / n,
    sqsRequests: sum(counters.sqs, () => true) / n,
    s3Requests: sum(counters.s3, () => true) / n,
  };
}

/** DynamoDB request durations by operation. */
export function dynamodbLatency(counters: CounterSnapshot): Record<string, Distribution> {
  return Object.fromEntries(
    Object.entries(counters.dynamodb).map(([op, s]) => [op, distribution(s.durationsMs)]),
  );
}

const fmt = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : '—');
const ms = (value: number) => (Number.isFinite(value) ? `${Math.round(value)}` : '—');

function table(headers: string[], rows: string[][], alignLeft = 1): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i < alignLeft ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join('  ');
  return [line(headers), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** The verdict on each target. */
export function verdicts(
  report: Pick<BenchReport, 'runs' | 'attribution' | 'memory'>,
): BenchReport['verdicts'] {
  const main = report.runs.find((run) => run.name === 'max rate');
  const paced = report.runs.find((run) => run.name.startsWith('paced'));
  const accepted = report.attribution.find((row) => row.outcome === 'ticket_created');
  const out: BenchReport['verdicts'] = [];
  if (main) {
    out.push({
      target: 'Débit au maximum (courriels/s, 1er 250 → dernier résultat)',
      measured: fmt(main.mailsPerSecond),
      goal: `≥ ${TARGETS.mailsPerSecond}`,
      met: main.mailsPerSecond >= TARGETS.mailsPerSecond,
    });
  }
  if (paced) {
    out.push({
      target: `Latence 250 → accusé, p95 (ms), à ${paced.targetRate}/s offerts`,
      measured: ms(paced.latency.ack.p95),
      goal:
        paced.targetRate === TARGETS.pacedRate
          ? `≤ ${TARGETS.ackP95Ms}`
          : `≤ ${TARGETS.ackP95Ms} (cible fixée à ${TARGETS.pacedRate}/s)`,
      met: paced.latency.ack.p95 <= TARGETS.ackP95Ms && (paced.targetRate ?? 0) >= TARGETS.pacedRate,
    });
  }
  if (accepted) {
    out.push({
      target: 'Écritures DynamoDB par courriel accepté',
      measured: fmt(accepted.perMail.writes, 2),
      goal: `≤ ${TARGETS.writesPerAccepted}`,
      met: accepted.perMail.writes <= TARGETS.writesPerAccepted,
    });
    out.push({
      target: 'Lectures DynamoDB par courriel accepté',
      measured: fmt(accepted.perMail.reads, 2),
      goal: `≤ ${TARGETS.readsPerAccepted}`,
      met: accepted.perMail.reads <= TARGETS.readsPerAccepted,
    });
  }
  out.push({
    target: 'Mémoire de pointe du desk local (tous ses processus, MiB)',
    measured: fmt(report.memory.peakTotalMiB, 0),
    goal: `≤ ${TARGETS.memoryMiB}`,
    met: report.memory.peakTotalMiB <= TARGETS.memoryMiB,
  });
  return out;
}

/** `14.2 (DynamoDB Local 3.1, SQS 7.0, S3 2.0, SES 0.8)`: HTTP round trips per mail, by service. */
function httpSummary(requests: Record<string, number>, mails: number): string {
  const byService = new Map<string, number>();
  for (const [name, count] of Object.entries(requests)) {
    const service = name.startsWith('DynamoDB Local') ? 'DynamoDB Local' : (name.split(' ')[0] ?? name);
    byService.set(service, (byService.get(service) ?? 0) + count);
  }
  const total = [...byService.values()].reduce((sum, n) => sum + n, 0);
  const parts = [...byService].map(([service, n]) => `${service} ${fmt(n / Math.max(1, mails), 1)}`);
  return `${fmt(total / Math.max(1, mails), 1)} (${parts.join(', ')})`;
}

/** `12345 node 0.95, 12399 java 0.52`: the tree's processes that worked, busiest first. */
export function cpuSplit(cpu: TreeCpu): string {
  return Object.entries(cpu.byProcess)
    .filter(([, cores]) => cores >= 0.005)
    .sort(([, a], [, b]) => b - a)
    .map(([name, cores]) => `${name} ${fmt(cores, 2)}`)
    .join(', ');
}

/** `12345 node 310, 12399 java 290` (MiB): each process's own peak. */
export function memorySplit(memory: TreeMemory): string {
  return Object.entries(memory.peakByProcessMiB)
    .filter(([, mib]) => mib >= 1)
    .sort(([, a], [, b]) => b - a)
    .map(([name, mib]) => `${name} ${fmt(mib, 0)}`)
    .join(', ');
}

/** ` ; hors desk : 12345 node 180` (MiB): the processes sampled apart (the load generator). */
export function apartSplit(memory: TreeMemory): string {
  const apart = Object.entries(memory.apartPeakMiB ?? {});
  if (apart.length === 0) return '';
  return ` ; hors desk (générateur de charge, non compté) : ${apart.map(([name, mib]) => `${name} ${fmt(mib, 0)}`).join(', ')}`;
}

/** The verdicts of the gateway-shaped load (issue 12): sustained rate, paced p95, memory. */
export function gatewayVerdicts(report: Pick<BenchReport, 'runs' | 'memory'>): BenchReport['verdicts'] {
  const main = report.runs.find((run) => run.name === 'max rate');
  const paced = report.runs.find((run) => run.name.startsWith('paced'));
  const out: BenchReport['verdicts'] = [];
  if (main) {
    out.push({
      target: 'Débit soutenu, charge de passerelle (courriels/s)',
      measured: fmt(main.mailsPerSecond),
      goal: `≥ ${GATEWAY_TARGETS.mailsPerSecond}`,
      met: main.mailsPerSecond >= GATEWAY_TARGETS.mailsPerSecond,
    });
  }
  if (paced) {
    out.push({
      target: `Latence 250 → accusé, p95 (ms), à ${paced.targetRate}/s offerts`,
      measured: ms(paced.latency.ack.p95),
      goal: `≤ ${GATEWAY_TARGETS.ackP95Ms}`,
      met:
        paced.latency.ack.p95 <= GATEWAY_TARGETS.ackP95Ms &&
        (paced.targetRate ?? 0) >= GATEWAY_TARGETS.pacedRate,
    });
  }
  out.push({
    target: 'Mémoire de pointe du desk local (tous ses processus, MiB)',
    measured: fmt(report.memory.peakTotalMiB, 0),
    goal: `≤ ${GATEWAY_TARGETS.memoryMiB}`,
    met: report.memory.peakTotalMiB <= GATEWAY_TARGETS.memoryMiB,
  });
  return out;
}

/** The gateway's lines of a run: connections, corpus shape, the poller. */
function gatewayLines(run: RunReport): string[] {
  const g = run.gateway;
  if (!g) return [];
  return [
    `  passerelle : ${g.connectionsOpened} connexions SMTP ouvertes pour ${run.mails} courriels (une par courriel${g.connectionsOpened > run.mails ? ', plus les reprises' : ''}), ${g.inFlight} en vol ; offerts ${fmt(g.offeredPerSecond)}/s`,
    `  corpus : ${fmt(g.attachmentShare * 100, 1)} % avec pièce jointe (${fmt(g.attachmentBytes.min / 1024, 0)}–${fmt(g.attachmentBytes.max / 1024, 0)} Kio), ${fmt(g.followUpShare * 100, 1)} % de relances`,
    `  poller de l'API : ${g.poller.requests} requêtes (${fmt(g.poller.perSecond, 1)}/s), ${g.poller.failed} en échec ; latence p50 ${ms(g.poller.latency.p50)} ms, p95 ${ms(g.poller.latency.p95)} ms, p99 ${ms(g.poller.latency.p99)} ms, max ${ms(g.poller.latency.max)} ms (${Object.entries(
      g.poller.byRoute,
    )
      .map(([route, d]) => `${route.split('?')[0]} p95 ${ms(d.p95)}`)
      .join(', ')})`,
  ];
}

/** The tables printed at the end of a run; `title` replaces the intake benchmark's first line. */
export function formatReport(report: BenchReport, title?: string): string {
  const parts: string[] = [];
  const o = report.options;
  parts.push(
    title ??
      `Banc d'essai de l'intake — ${o.mails} courriels, ${o.connections} connexions SMTP, ${o.pollers} pollers par étape, ${o.kbArticles ? `${o.kbArticles} articles dans la base de connaissances` : 'base de connaissances vide'}, graine ${o.seed} ; commit ${report.commit}, ${report.startedAt}`,
    `Machine : ${report.machine.cores} cœurs, ${fmt(report.machine.busyCoresBefore, 2)} cœur pris par d'autres avant le départ ; charge avant ${report.machine.loadBefore.map((l) => l.toFixed(2)).join(' ')}, après ${report.machine.loadAfter.map((l) => l.toFixed(2)).join(' ')} ; Node ${report.machine.node}`,
    `Annuaire : ${report.setup.directoryDirectors} directeurs, ${report.setup.directorySchools} écoles ; corpus composé en ${fmt(report.setup.corpusSeconds)} s (${fmt(report.setup.corpusMiB)} MiB) ; desk démarré en ${fmt(report.setup.startSeconds)} s`,
    '',
    table(
      ['Objectif', 'Mesuré', 'Cible', ''],
      report.verdicts.map((v) => [v.target, v.measured, v.goal, v.met ? 'atteint' : 'MANQUÉ']),
    ),
  );

  for (const run of report.runs) {
    parts.push(
      '',
      `■ ${run.name} : ${run.mails} courriels${run.targetRate ? ` (cadence visée ${run.targetRate}/s)` : ''}`,
      `  débit ${fmt(run.mailsPerSecond)} courriels/s (fenêtre ${fmt(run.windowSeconds)} s) ; SMTP a pris ${fmt(run.smtpMailsPerSecond)}/s ; tout terminé en ${fmt(run.completedSeconds)} s`,
      `  CPU : desk ${fmt(run.cpu.treeCores, 2)} cœur (${cpuSplit(run.cpu)}), autres processus ${fmt(run.cpu.othersCores, 2)} cœur ; boucle d'événements du desk occupée ${fmt(run.eventLoopUtilization * 100, 0)} %, retard p99 ${fmt(run.eventLoopDelayP99Ms)} ms${run.gc ? ` ; ramasse-miettes du desk ${run.gc.pauses} pauses, ${fmt(run.gc.ms, 0)} ms` : ''}`,
      `  mémoire au plus haut pendant la passe : ${fmt(run.memory.peakTotalMiB, 0)} MiB (pics par processus : ${memorySplit(run.memory)}${apartSplit(run.memory)}) ; Node du desk à la fin : tas V8 ${fmt(run.nodeMemoryAtEnd.heapUsed, 0)}/${fmt(run.nodeMemoryAtEnd.heapTotal, 0)} MiB, tampons ${fmt(run.nodeMemoryAtEnd.arrayBuffers, 0)} MiB`,
      `  file d'attente au plus haut : ${Object.entries(run.backlogPeak)
        .map(([q, n]) => `${q} ${n}`)
        .join(', ')}`,
      `  requêtes par courriel (tout le mélange) : DynamoDB ${fmt(run.perMail.reads, 2)} lectures, ${fmt(run.perMail.writes, 2)} écritures (dont ${fmt(run.perMail.refusedWrites, 2)} refusées), SES ${fmt(run.perMail.sesSends, 2)} ; tickets ouverts par transaction du step ticket : ${fmt(run.perMail.ticketsPerTransaction, 2)} en moyenne`,
      `  requêtes HTTP de ce processus par courriel (tous clients : handlers et runner) : ${httpSummary(run.httpRequests, run.mails)}`,
      `  échecs d'envoi ${run.failedSends}, courriels sans résultat complet ${run.incomplete}`,
      ...gatewayLines(run),
    );
    const lat = run.latency;
    parts.push(
      '',
      table(
        ['Latence (ms)', 'n', 'p50', 'p95', 'p99', 'max'],
        [
          ['250 → accusé dans la boîte d’envoi', lat.ack],
          ['échange SMTP (côté expéditeur)', lat.smtp],
          ['250 → résultat enregistré (screen)', lat.toRecorded],
          ['résultat → ticket écrit (ticket)', lat.recordedToTicket],
          ['ticket → accusé (mailer, SES)', lat.ticketToAck],
        ].map(([label, d]) => {
          const dist = d as Distribution;
          return [
            label as string,
            String(dist.count),
            ms(dist.p50),
            ms(dist.p95),
            ms(dist.p99),
            ms(dist.max),
          ];
        }),
      ),
    );
    const outcomes = new Set([
      ...Object.keys(run.outcomes),
      ...Object.keys(run.expectedOutcomes),
    ]) as Set<Outcome>;
    parts.push(
      '',
      table(
        ['Résultat', 'obtenu', 'attendu'],
        [...outcomes].map((outcome) => [
          outcome,
          String(run.outcomes[outcome] ?? 0),
          String(run.expectedOutcomes[outcome] ?? 0),
        ]),
      ),
    );
    const dl = Object.entries(run.dynamodbLatency);
    if (dl.length > 0) {
      parts.push(
        '',
        table(
          ['DynamoDB (durée des requêtes, ms)', 'n', 'p50', 'p95', 'p99'],
          dl.map(([op, d]) => [op, String(d.count), fmt(d.p50), fmt(d.p95), fmt(d.p99)]),
        ),
      );
    }
    const refusals = Object.entries(run.refusals).flatMap(([kind, codes]) =>
      Object.entries(codes).map(([code, n]) => [
        kind,
        code,
        String(n),
        fmt((100 * n) / Math.max(1, run.ticketsOpened)),
      ]),
    );
    if (refusals.length > 0) {
      parts.push(
        '',
        table(['Action de transaction refusée', 'raison', 'n', 'pour 100 tickets'], refusals, 2),
      );
    }
    if (run.profile) {
      parts.push(
        '',
        `  Profil CPU (Node) : ${run.profile.file}`,
        table(
          ['Temps CPU propre par famille (Node)', '%', 'ms par courriel'],
          run.profile.byFamily.map((s) => [s.where, fmt(s.percent), fmt(s.ms / run.mails, 2)]),
        ),
        '',
        table(
          ['Temps propre par origine', '%', 'ms par courriel'],
          run.profile.byOrigin.slice(0, 15).map((s) => [s.where, fmt(s.percent), fmt(s.ms / run.mails, 2)]),
        ),
        '',
        table(
          ['Temps propre par fonction', '%', 'ms par courriel'],
          run.profile.byFunction.slice(0, 15).map((s) => [s.where, fmt(s.percent), fmt(s.ms / run.mails, 2)]),
        ),
        '',
        table(
          ['Temps inclusif par étape', '%', 'ms/courriel'],
          run.profile.inclusive.map((s) => [s.where, fmt(s.percent), fmt(s.ms / run.mails, 2)]),
        ),
      );
    }
  }

  if (report.attribution.length > 0) {
    parts.push(
      '',
      '■ Requêtes par courriel, par résultat (phases séparées)',
      table(
        [
          'Phase',
          'n',
          'DDB lect.',
          'DDB écr.',
          'dont refusées',
          'TransactWrite',
          'actions',
          'SES',
          'SQS*',
          'S3*',
          'tickets/transaction',
        ],
        report.attribution.map((row) => [
          row.label,
          String(row.mails),
          fmt(row.perMail.reads, 2),
          fmt(row.perMail.writes, 2),
          fmt(row.perMail.refusedWrites, 2),
          fmt(row.perMail.transactions, 2),
          fmt(row.perMail.transactionItems, 2),
          fmt(row.perMail.sesSends, 2),
          fmt(row.perMail.sqsRequests, 2),
          fmt(row.perMail.s3Requests, 2),
          row.perMail.ticketsPerTransaction > 0 ? fmt(row.perMail.ticketsPerTransaction, 2) : '',
        ]),
      ),
      '  * SQS et S3 : requêtes des handlers seulement (le runner local a ses propres clients).',
    );
  }

  const m = report.memory;
  parts.push(
    '',
    `Mémoire du desk (son processus et tous ses descendants, RSS échantillonnée toutes les 100 ms) : pointe ${fmt(m.peakTotalMiB, 0)} MiB ; pics par processus : ${memorySplit(m)}${apartSplit(m)}`,
  );
  const v = report.verification;
  parts.push(
    `Vérification : ${v.intakeEntriesFromApi} entrées lues par l'API (${v.matchesTracker ? 'identiques aux résultats suivis' : 'DIFFÉRENTES des résultats suivis'}) ; lettres mortes ${JSON.stringify(v.deadLetters)} ; boîte d'envoi ${v.outboxHookSaw} vus / ${v.outboxStored} stockés`,
  );
  for (const note of report.notes) parts.push(`Note : ${note}`);
  return parts.join('\n');
}
