/**
 * Small readings of the machine, from /proc (Linux): DynamoDB Local's pid, one process's memory,
 * this process's heap. The rules every benchmark follows (CPU of the whole process tree against
 * everyone else's, memory of the tree, refusal) are in `rules.ts`.
 */
import { readFileSync } from 'node:fs';
import { getHeapSpaceStatistics } from 'node:v8';
import { findProcess } from '#local/processes.ts';

const MIB = 1024 * 1024;

/** The pid of the DynamoDB Local started on `port`, found by its command line. */
export function findDynamoDbLocalPid(port: number): number | undefined {
  return findProcess(
    (args) =>
      (args[0]?.endsWith('java') ?? false) &&
      args.some((a) => a.endsWith('DynamoDBLocal.jar')) &&
      args[args.indexOf('-port') + 1] === String(port),
  );
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
  /** Each V8 heap space (new, old, code, large objects...): bytes in use and resident, MiB. */
  spaces?: Record<string, { used: number; resident: number }>;
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
    spaces: Object.fromEntries(
      getHeapSpaceStatistics().map((space) => [
        space.space_name,
        { used: space.space_used_size / MIB, resident: space.physical_space_size / MIB },
      ]),
    ),
  };
}
