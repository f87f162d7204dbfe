/**
 * The benchmarks' rules (bench/lib/rules.ts, issue 12): which processes count as the desk, when a
 * run's figures are refused, and how each run's JSON is named. The figures of
 * docs/PERFORMANCE.md are only as good as these decisions.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { descendantsOf, parseStat, processTable } from '#local/processes.ts';
import { accountCpu, judgeRuns, resultFileName, sampleTreeMemory } from '../../bench/lib/rules.ts';

/** A /proc/<pid>/stat line with the fields the rules read (ppid, utime, stime, cutime, cstime, rss). */
function statLine(pid: number, name: string, ppid: number, ticks = [0, 0, 0, 0], rssPages = 0): string {
  const after = ['S', ppid, 0, 0, 0, 0, 0, 0, 0, 0, 0, ...ticks, 20, 0, 1, 0, 0, 0, rssPages];
  return `${pid} (${name}) ${after.join(' ')}`;
}

describe('the process tree a bench counts as the desk', () => {
  it('reads the parent, the CPU of the process and of its reaped children, and the RSS', () => {
    // Prepare: a command name with a space and a parenthesis, as Java threads can have.
    const line = statLine(42, 'java (x) y', 7, [100, 20, 3, 4], 256);

    // Act
    const entry = parseStat(42, line, 4096);

    // Assess
    expect(entry).toEqual({ pid: 42, ppid: 7, name: 'java (x) y', cpuTicks: 127, rssBytes: 256 * 4096 });
  });

  it('takes the bench, its children and their children, and no one else', () => {
    // Prepare: 10 is the bench; 11 a shell running java 12; 13 a desk worker; 20 someone else's.
    const table = [
      { pid: 1, ppid: 0 },
      { pid: 10, ppid: 1 },
      { pid: 11, ppid: 10 },
      { pid: 12, ppid: 11 },
      { pid: 13, ppid: 10 },
      { pid: 20, ppid: 1 },
      { pid: 21, ppid: 20 },
    ];

    // Act
    const tree = descendantsOf(table, 10);

    // Assess
    expect(tree.sort((a, b) => a - b)).toEqual([10, 11, 12, 13]);
  });

  it('finds nothing under a process that is gone', () => {
    expect(descendantsOf([{ pid: 1, ppid: 0 }], 99)).toEqual([]);
  });

  it('reads a tree from a directory laid out like /proc', () => {
    // Prepare
    const proc = mkdtempSync(path.join(tmpdir(), 'proc-fixture-'));
    try {
      for (const [pid, name, ppid] of [
        [10, 'node', 1],
        [11, 'sh', 10],
        [12, 'java', 11],
        [20, 'vitest', 1],
      ] as const) {
        mkdirSync(path.join(proc, String(pid)));
        writeFileSync(path.join(proc, String(pid), 'stat'), statLine(pid, name, ppid));
      }
      mkdirSync(path.join(proc, 'self'));

      // Act
      const tree = descendantsOf(processTable(proc), 10);

      // Assess
      expect(tree.sort((a, b) => a - b)).toEqual([10, 11, 12]);
    } finally {
      rmSync(proc, { recursive: true, force: true });
    }
  });

  it('sums the memory of the desk’s tree only, and samples the load generator apart', () => {
    // Prepare: 5 is the bench (the load generator), 10 the desk it started, 11 and 12 under it.
    const proc = mkdtempSync(path.join(tmpdir(), 'proc-fixture-'));
    try {
      for (const [pid, name, ppid, pages] of [
        [5, 'node', 1, 256],
        [10, 'node', 5, 512],
        [11, 'sh', 10, 1],
        [12, 'java', 11, 1024],
      ] as const) {
        mkdirSync(path.join(proc, String(pid)));
        writeFileSync(path.join(proc, String(pid), 'stat'), statLine(pid, name, ppid, [0, 0, 0, 0], pages));
      }

      // Act
      const memory = sampleTreeMemory(10, 60_000, proc, [5]).stop();

      // Assess: 4 KiB pages; the bench is not in the desk's total.
      expect(memory.peakTotalMiB).toBeCloseTo((512 + 1 + 1024) / 256, 6);
      expect(Object.keys(memory.peakByProcessMiB).sort()).toEqual(['10 node', '11 sh', '12 java']);
      expect(memory.apartPeakMiB).toEqual({ '5 node': 1 });
    } finally {
      rmSync(proc, { recursive: true, force: true });
    }
  });

  describe('on the real /proc', () => {
    let child: ChildProcess | undefined;
    afterEach(() => {
      child?.kill('SIGKILL');
      child = undefined;
    });

    it('counts a spawned grandchild as part of this process tree', async () => {
      // Prepare: a shell that starts a sleep, as the desk starts Java through a shell.
      child = spawn('sh', ['-c', 'sleep 30 & wait'], { stdio: 'ignore' });
      const shellPid = child.pid as number;
      let sleepPid: number | undefined;
      for (let i = 0; i < 100 && sleepPid === undefined; i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        sleepPid = processTable().find((p) => p.ppid === shellPid && p.name === 'sleep')?.pid;
      }

      // Act
      const tree = descendantsOf(processTable(), process.pid);

      // Assess
      expect(sleepPid).toBeDefined();
      expect(tree).toContain(shellPid);
      expect(tree).toContain(sleepPid);
    });

    it('bills a busy child to the tree, not to the other processes', async () => {
      // Prepare: a child that does a fixed amount of work and says how much CPU it took.
      const cpu = accountCpu();
      const work =
        'let x = 0; for (let i = 0; i < 3e8; i++) x = (x + i) % 7; const u = process.cpuUsage(); process.stdout.write(String((u.user + u.system) / 1e6 + x * 0));';
      child = spawn(process.execPath, ['-e', work], { stdio: ['ignore', 'pipe', 'ignore'] });
      let output = '';
      child.stdout?.on('data', (chunk) => {
        output += chunk;
      });
      const spun = child;
      await new Promise((resolve) => spun.once('exit', resolve));

      // Act
      const share = cpu.stop();

      // Assess: the child ended and was reaped, yet the CPU it reported is the tree's.
      const childSeconds = Number(output);
      expect(childSeconds).toBeGreaterThan(0.1);
      expect(share.treeCores * share.seconds).toBeGreaterThanOrEqual(childSeconds * 0.9);
    });
  });
});

describe('the refusal of a run measured on a busy machine', () => {
  it('publishes runs where other processes stayed within a tenth of a core', () => {
    const publication = judgeRuns(
      [
        { name: 'max rate', othersCores: 0.04 },
        { name: 'paced', othersCores: 0.1 },
      ],
      false,
    );
    expect(publication).toEqual({ refused: false, publishable: true, reasons: [] });
  });

  it('refuses the bench when one run had other processes over a tenth of a core, and says which', () => {
    const publication = judgeRuns(
      [
        { name: 'max rate', othersCores: 0.02 },
        { name: 'paced', othersCores: 0.35 },
      ],
      false,
    );
    expect(publication.refused).toBe(true);
    expect(publication.publishable).toBe(false);
    expect(publication.reasons).toHaveLength(1);
    expect(publication.reasons[0]).toContain('paced');
    expect(publication.reasons[0]).toContain('0.35');
  });

  it('shows the figures under the override, never as publishable', () => {
    const publication = judgeRuns([{ name: 'max rate', othersCores: 0.5 }], true);
    expect(publication).toMatchObject({ refused: false, publishable: false });
  });

  it('refuses a run whose measure of the others is not a number', () => {
    expect(judgeRuns([{ name: 'max rate', othersCores: Number.NaN }], false).refused).toBe(true);
  });
});

describe('the name of a run’s results file', () => {
  it('names the bench and the start instant, without characters a file system refuses', () => {
    const name = resultFileName('gateway', new Date('2026-12-07T11:22:36.123Z'));
    expect(name).toBe('gateway-2026-12-07T11-22-36-123Z.json');
  });

  it('gives two runs a millisecond apart two files, in time order', () => {
    const first = resultFileName('intake', new Date('2026-12-07T11:22:36.123Z'));
    const second = resultFileName('intake', new Date('2026-12-07T11:22:36.124Z'));
    expect(first).not.toBe(second);
    expect([second, first].sort()).toEqual([first, second]);
  });
});
