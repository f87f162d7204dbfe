/**
 * The machine's processes as Linux shows them in /proc: one process's figures, the whole table,
 * a process's descendants, whether a process still lives. For the crash campaign (which kills a
 * desk with all its processes) and the benchmarks (which measure a desk's whole process tree).
 * Every reader takes the /proc root, so that tests can hand it a fixture laid out like it.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** One process as /proc/<pid>/stat shows it. */
export type ProcEntry = {
  pid: number;
  ppid: number;
  name: string;
  /** user + system + the reaped children's user + system, in clock ticks. */
  cpuTicks: number;
  rssBytes: number;
};

let sysconf: { ticks: number; page: number } | undefined;
/** USER_HZ and the page size, which /proc/<pid>/stat counts in. */
export function kernelUnits(): { ticks: number; page: number } {
  if (sysconf === undefined) {
    const read = (name: string, fallback: number) => {
      try {
        return Number(execFileSync('getconf', [name], { encoding: 'utf8' }).trim()) || fallback;
      } catch {
        return fallback;
      }
    };
    sysconf = { ticks: read('CLK_TCK', 100), page: read('PAGESIZE', 4096) };
  }
  return sysconf;
}

/**
 * Parses one /proc/<pid>/stat line. The CPU includes `cutime`/`cstime`: a child that exits is
 * reaped into its parent's, so a tree's CPU summed over its live processes stays whole when a
 * process of the tree ends during the run.
 */
export function parseStat(pid: number, stat: string, pageBytes = 4096): ProcEntry | undefined {
  const open = stat.indexOf('(');
  const close = stat.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  // The command name may hold spaces and parentheses: count fields after its last ')'.
  const fields = stat.slice(close + 2).split(' ');
  const num = (i: number) => Number(fields[i] ?? 0);
  return {
    pid,
    ppid: num(1),
    name: stat.slice(open + 1, close),
    cpuTicks: num(11) + num(12) + num(13) + num(14),
    rssBytes: num(21) * pageBytes,
  };
}

/** One process read from /proc, or undefined if it has gone. */
export function readEntry(procRoot: string, pid: number): ProcEntry | undefined {
  try {
    return parseStat(pid, readFileSync(`${procRoot}/${pid}/stat`, 'utf8'), kernelUnits().page);
  } catch {
    return undefined;
  }
}

/** Every process of the machine, from /proc (or a fixture laid out like it). */
export function processTable(procRoot = '/proc'): ProcEntry[] {
  const entries: ProcEntry[] = [];
  for (const name of readdirSync(procRoot)) {
    if (!/^\d+$/.test(name)) continue;
    const entry = readEntry(procRoot, Number(name));
    if (entry) entries.push(entry);
  }
  return entries;
}

/** The pids of `root` and of all its descendants (children, their children...), root first. */
export function descendantsOf(table: ReadonlyArray<Pick<ProcEntry, 'pid' | 'ppid'>>, root: number): number[] {
  const children = new Map<number, number[]>();
  for (const { pid, ppid } of table) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  const tree: number[] = [];
  const seen = new Set<number>();
  const stack = [root];
  while (stack.length > 0) {
    const pid = stack.shift() as number;
    if (seen.has(pid)) continue;
    seen.add(pid);
    tree.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return table.some((p) => p.pid === root) ? tree : [];
}

/** Whether `pid` is a live process (a zombie, dead but not yet reaped, counts as gone). */
export function alive(pid: number, procRoot = '/proc'): boolean {
  try {
    const stat = readFileSync(`${procRoot}/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/**
 * The first live process whose command line (its arguments, the program first) passes `test`:
 * how the benchmarks and the crash campaign find the DynamoDB Local a desk started.
 */
export function findProcess(test: (args: string[]) => boolean, procRoot = '/proc'): number | undefined {
  for (const name of readdirSync(procRoot)) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (test(readFileSync(`${procRoot}/${name}/cmdline`, 'utf8').split('\0'))) return Number(name);
    } catch {
      // The process ended while we looked.
    }
  }
  return undefined;
}
