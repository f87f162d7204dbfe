/**
 * The rules every benchmark follows (issue 12, « Rules »), in one place so that intake,
 * gateway, broadcast, kb and the others measure the same way:
 *
 * - the machine's load (1/5/15 min) is printed before and after;
 * - each timed run counts the CPU of the bench's own process tree (the bench and all its
 *   descendants, found through /proc: DynamoDB Local's Java, and the desk's processes once it
 *   runs over several) apart from everyone else's, and a run where other processes used more than
 *   10 % of a core is refused: no figures presented as results, a French message, exit code 1,
 *   the JSON kept with `refused: true` and why. `--machine-occupee` prints them anyway, labelled
 *   « non publiables »;
 * - the memory of the desk is the sum of the RSS of the tree, sampled, with its peak and the
 *   split per process;
 * - each run's JSON goes to `bench/results/<bench>-<timestamp>.json` (never overwritten), and a
 *   copy to `bench/results/<bench>-latest.json`.
 *
 * Linux only (/proc), as the machines the figures are taken on.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { descendantsOf, kernelUnits, type ProcEntry, processTable, readEntry } from '#local/processes.ts';

const MIB = 1024 * 1024;

/** Where every run's JSON goes (git-ignored by bench/.gitignore). */
export const RESULTS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'results');

/** Cores other processes may use during a timed run before its figures stop meaning anything. */
export const OTHERS_LIMIT_CORES = 0.1;

/** The development override: figures printed, but labelled « non publiables ». */
export const BUSY_FLAG = '--machine-occupee';

/** The whole machine's busy CPU seconds, from /proc/stat. */
function machineBusySeconds(procRoot = '/proc'): number {
  const line = readFileSync(`${procRoot}/stat`, 'utf8').split('\n')[0] ?? '';
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = line
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  return (user + nice + system + irq + softirq + steal) / kernelUnits().ticks;
}

/** `1234 java`: how a process of the tree is named in the JSON. */
const label = (entry: ProcEntry) => `${entry.pid} ${entry.name}`;

/** Where the CPU went during a timed run, in cores (1.0 = one core busy all along). */
export type TreeCpu = {
  seconds: number;
  /** The bench and all its descendants: the desk, whatever processes it is split over. */
  treeCores: number;
  /** Everything else on the machine (other people's work): must stay ≤ OTHERS_LIMIT_CORES. */
  othersCores: number;
  machineCores: number;
  /** Each process of the tree (`pid name`), cores. */
  byProcess: Record<string, number>;
};

/**
 * Starts counting the CPU of the tree under `root` (this process by default) and of the rest of
 * the machine. The tree is read again at `stop()`, so processes started during the run count.
 */
export function accountCpu(root = process.pid, procRoot = '/proc'): { stop(): TreeCpu } {
  const ticks = kernelUnits().ticks;
  const treeAt = () => {
    const table = processTable(procRoot);
    const pids = new Set(descendantsOf(table, root));
    return table.filter((p) => pids.has(p.pid));
  };
  const before = new Map(treeAt().map((p) => [p.pid, p.cpuTicks]));
  const machineBefore = machineBusySeconds(procRoot);
  const wall = performance.now();
  return {
    stop() {
      const seconds = Math.max(1e-3, (performance.now() - wall) / 1000);
      const after = treeAt();
      const machineUsed = machineBusySeconds(procRoot) - machineBefore;
      const byProcess: Record<string, number> = {};
      for (const entry of after)
        byProcess[label(entry)] = (entry.cpuTicks - (before.get(entry.pid) ?? 0)) / ticks / seconds;
      // Sums, not per-process differences: a process of the tree that ended during the run was
      // reaped into its parent's cutime, so its ticks moved within the tree, not out of it.
      const sumTicks = (values: Iterable<number>) => [...values].reduce((total, n) => total + n, 0);
      const treeUsed = (sumTicks(after.map((p) => p.cpuTicks)) - sumTicks(before.values())) / ticks;
      return {
        seconds,
        treeCores: treeUsed / seconds,
        othersCores: Math.max(0, machineUsed - treeUsed) / seconds,
        machineCores: machineUsed / seconds,
        byProcess,
      };
    },
  };
}

/** Memory peaks of the tree since the sampler started (or since the last `window()`), MiB. */
export type TreeMemory = {
  samples: number;
  /** Highest sum of the tree's RSS seen by one sample. */
  peakTotalMiB: number;
  /** Each process's own highest RSS (`pid name`): their peaks need not coincide. */
  peakByProcessMiB: Record<string, number>;
  /** Processes sampled apart, not counted in the total (the bench's load generator), peak RSS. */
  apartPeakMiB?: Record<string, number>;
};

/**
 * Samples the RSS of every process of the tree under `root` every `intervalMs` and keeps the peak
 * of their sum. The tree is looked up again every second (a scan of /proc), its members read
 * every sample, so that sampling costs the desk little.
 */
export function sampleTreeMemory(
  root = process.pid,
  intervalMs = 100,
  procRoot = '/proc',
  apart: number[] = [],
): { window(): TreeMemory; stop(): TreeMemory } {
  const fresh = (): TreeMemory => ({
    samples: 0,
    peakTotalMiB: 0,
    peakByProcessMiB: {},
    ...(apart.length > 0 ? { apartPeakMiB: {} } : {}),
  });
  const whole = fresh();
  let current = fresh();
  let members: number[] = [];
  let lookedUp = Number.NEGATIVE_INFINITY;
  const sample = () => {
    if (performance.now() - lookedUp > 1_000) {
      members = descendantsOf(processTable(procRoot), root);
      lookedUp = performance.now();
    }
    let total = 0;
    const seen: Array<[string, number]> = [];
    for (const pid of members) {
      const entry = readEntry(procRoot, pid);
      if (!entry) continue;
      total += entry.rssBytes / MIB;
      seen.push([label(entry), entry.rssBytes / MIB]);
    }
    const outside: Array<[string, number]> = [];
    for (const pid of apart) {
      const entry = readEntry(procRoot, pid);
      if (entry) outside.push([label(entry), entry.rssBytes / MIB]);
    }
    for (const peaks of [whole, current]) {
      peaks.samples++;
      peaks.peakTotalMiB = Math.max(peaks.peakTotalMiB, total);
      for (const [name, mib] of seen)
        peaks.peakByProcessMiB[name] = Math.max(peaks.peakByProcessMiB[name] ?? 0, mib);
      const peaksApart = peaks.apartPeakMiB;
      if (peaksApart === undefined) continue;
      for (const [name, mib] of outside) peaksApart[name] = Math.max(peaksApart[name] ?? 0, mib);
    }
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  timer.unref();
  return {
    window() {
      sample();
      const peaks = current;
      current = fresh();
      return peaks;
    },
    stop() {
      clearInterval(timer);
      sample();
      return whole;
    },
  };
}

/** Whether a bench's figures may be presented as results. */
export type Publication = {
  /** true: figures withheld (other processes too busy, no override). */
  refused: boolean;
  /** false when refused, or shown only through the override. */
  publishable: boolean;
  /** Why, one French sentence per run over the limit. */
  reasons: string[];
};

/**
 * The decision of the rules from what other processes used during each timed run: over
 * OTHERS_LIMIT_CORES in any run, refused, unless `busyOverride` (then shown, not publishable).
 */
export function judgeRuns(
  runs: ReadonlyArray<{ name: string; othersCores: number }>,
  busyOverride: boolean,
  limit = OTHERS_LIMIT_CORES,
): Publication {
  const reasons = runs
    .filter((run) => !(run.othersCores <= limit))
    .map(
      (run) =>
        `${run.name} : d'autres processus ont pris ${run.othersCores.toFixed(2)} cœur pendant la mesure (limite ${limit.toFixed(2)})`,
    );
  if (reasons.length === 0) return { refused: false, publishable: true, reasons };
  return { refused: !busyOverride, publishable: false, reasons };
}

/** `intake-2026-12-07T11-22-36-123Z.json`: one file per run, in time order, never overwritten. */
export function resultFileName(bench: string, startedAt: Date): string {
  return `${bench}-${startedAt.toISOString().replaceAll(':', '-').replace('.', '-')}.json`;
}

/** The machine's load averages (1, 5, 15 min), as printed before and after a bench. */
export function machineLoad(): [number, number, number] {
  const [one = 0, five = 0, fifteen = 0] = loadavg();
  return [one, five, fifteen];
}

const loadText = (load: readonly number[]) => load.map((l) => l.toFixed(2)).join(' / ');

/**
 * One bench's session of the rules: prints the load at the start, measures runs, then at the end
 * prints the load again, decides, writes the JSON and says whether the figures may be shown.
 */
export class BenchRules {
  readonly bench: string;
  readonly startedAt = new Date();
  readonly loadBefore = machineLoad();
  readonly busyOverride: boolean;
  readonly #runs: Array<{ name: string; othersCores: number }> = [];

  /** `argv` is read for BUSY_FLAG only; each bench removes it before its own parsing. */
  constructor(bench: string, argv: readonly string[] = process.argv) {
    this.bench = bench;
    this.busyOverride = argv.includes(BUSY_FLAG);
    console.error(`[${bench}] charge de la machine avant (1/5/15 min) : ${loadText(this.loadBefore)}`);
  }

  /** Starts one timed run; `stop()` gives its CPU split and keeps it for the decision. */
  run(name: string): { stop(): TreeCpu } {
    const cpu = accountCpu();
    return {
      stop: () => {
        const share = cpu.stop();
        this.#runs.push({ name, othersCores: share.othersCores });
        return share;
      },
    };
  }

  /**
   * Ends the session: decides, writes `{ ...report, rules }` under bench/results/ (a new file,
   * plus `<bench>-latest.json`, plus `extraOut` if given), then prints `format()` (unless refused)
   * and the verdict. Sets a non-zero exit code when refused.
   */
  finish<T extends object>(report: T, format: (report: T) => string, extraOut?: string): Publication {
    const loadAfter = machineLoad();
    const publication = judgeRuns(this.#runs, this.busyOverride);
    const rules = {
      bench: this.bench,
      loadBefore: this.loadBefore,
      loadAfter,
      othersLimitCores: OTHERS_LIMIT_CORES,
      runs: this.#runs,
      ...publication,
      ...(publication.publishable ? {} : { label: 'non publiables' }),
    };
    const json = `${JSON.stringify({ ...report, rules }, null, 2)}\n`;
    mkdirSync(RESULTS_DIR, { recursive: true });
    const file = path.join(RESULTS_DIR, resultFileName(this.bench, this.startedAt));
    writeFileSync(file, json);
    writeFileSync(path.join(RESULTS_DIR, `${this.bench}-latest.json`), json);
    if (extraOut !== undefined && path.resolve(extraOut) !== file) {
      mkdirSync(path.dirname(extraOut), { recursive: true });
      writeFileSync(extraOut, json);
    }
    if (!publication.refused) {
      if (!publication.publishable)
        console.log(
          `CHIFFRES NON PUBLIABLES (${BUSY_FLAG}) : machine occupée par d'autres processus pendant la mesure.`,
        );
      console.log(format(report));
    }
    console.log(
      `\nCharge de la machine (1/5/15 min) : avant ${loadText(this.loadBefore)}, après ${loadText(loadAfter)}`,
    );
    if (publication.refused) {
      console.log(
        `\nRÉSULTATS REFUSÉS : la machine n'était pas calme, les chiffres ne valent rien.\n${publication.reasons.map((r) => `  - ${r}`).join('\n')}\nRelancer quand la machine est calme (ou ${BUSY_FLAG} pour les voir, non publiables).`,
      );
      process.exitCode = 2;
    } else if (!publication.publishable) {
      console.log(`Non publiables :\n${publication.reasons.map((r) => `  - ${r}`).join('\n')}`);
    }
    console.log(`Résultats JSON : ${path.relative(process.cwd(), file)}`);
    return publication;
  }
}

/** The arguments without BUSY_FLAG, for a bench's own parseArgs. */
export function withoutRuleFlags(argv: readonly string[]): string[] {
  return argv.filter((arg) => arg !== BUSY_FLAG);
}
