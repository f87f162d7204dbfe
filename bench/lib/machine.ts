/**
 * Older pieces of the machine's side of the measure, from /proc (Linux): DynamoDB Local's pid,
 * one process's memory, and the CPU split between this process, DynamoDB Local and everyone
 * else, which the console and hostile-mail benchmarks still use. The rules every benchmark
 * follows, the desk's whole process tree included, are in `rules.ts`.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';

const MIB = 1024 * 1024;

/** The pid of the DynamoDB Local started on `port`, found by its command line. */
export function findDynamoDbLocalPid(port: number): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      const portAt = args.indexOf('-port');
      if (
        args[0]?.endsWith('java') &&
        args.some((a) => a.endsWith('DynamoDBLocal.jar')) &&
        args[portAt + 1] === String(port)
      ) {
        return Number(entry);
      }
    } catch {
      // The process ended while we looked.
    }
  }
  return undefined;
}

/** A field of /proc/<pid>/status in bytes (`VmRSS`, `VmHWM`), or 0 if the process is gone. */
export function statusBytes(pid: number | 'self', field: 'VmRSS' | 'VmHWM'): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1];
    return kb ? Number(kb) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Where this process's memory is, as V8 and Node see it (MiB), at one moment. */
export type NodeMemory = {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
};

/** This process's memory by kind, to tell the V8 heap from buffers (raw mails held by the stand-ins). */
export function nodeMemory(): NodeMemory {
  const usage = process.memoryUsage();
  return {
    rss: usage.rss / MIB,
    heapUsed: usage.heapUsed / MIB,
    heapTotal: usage.heapTotal / MIB,
    external: usage.external / MIB,
    arrayBuffers: usage.arrayBuffers / MIB,
  };
}

let clockTicks: number | undefined;
/** Kernel clock ticks per second (USER_HZ), for the CPU times of /proc. */
function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** CPU seconds (user + system) a process has used, from /proc/<pid>/stat. */
function processCpuSeconds(pid: number | 'self'): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces: count fields after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond();
  } catch {
    return 0;
  }
}

/** The whole machine's busy and total CPU seconds, from /proc/stat. */
function machineCpuSeconds(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = values;
  const busy = user + nice + system + irq + softirq + steal;
  return { busy: busy / ticksPerSecond(), total: (busy + idle + iowait) / ticksPerSecond() };
}

/** Where the CPU went between `start()` and `stop()`, in cores (1.0 = one core busy all along). */
export type CpuShare = {
  seconds: number;
  nodeCores: number;
  javaCores: number;
  /** Other processes of the machine (other engineers' work): noise in the measure. */
  othersCores: number;
  machineCores: number;
  loadBefore: number;
};

/** Starts accounting the CPU of this process, DynamoDB Local, and the rest of the machine. */
export function accountCpu(javaPid: number | undefined): { stop(): CpuShare } {
  const wall = performance.now();
  const node = processCpuSeconds('self');
  const java = javaPid === undefined ? 0 : processCpuSeconds(javaPid);
  const machine = machineCpuSeconds();
  const loadBefore = loadavg()[0] ?? 0;
  return {
    stop() {
      const seconds = (performance.now() - wall) / 1000;
      const nodeUsed = processCpuSeconds('self') - node;
      const javaUsed = javaPid === undefined ? 0 : processCpuSeconds(javaPid) - java;
      const machineNow = machineCpuSeconds();
      const machineUsed = machineNow.busy - machine.busy;
      return {
        seconds,
        nodeCores: nodeUsed / seconds,
        javaCores: javaUsed / seconds,
        othersCores: Math.max(0, machineUsed - nodeUsed - javaUsed) / seconds,
        machineCores: machineUsed / seconds,
        loadBefore,
      };
    },
  };
}
