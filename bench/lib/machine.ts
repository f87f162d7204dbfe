/**
 * Small readings of the machine, from /proc (Linux): DynamoDB Local's pid, one process's memory,
 * this process's heap. The rules every benchmark follows (CPU of the whole process tree against
 * everyone else's, memory of the tree, refusal) are in `rules.ts`.
 */
import { readdirSync, readFileSync } from 'node:fs';

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
