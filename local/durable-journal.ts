/**
 * An append-only journal of JSON lines on disk, for the local stand-ins that keep their state in
 * memory (fauxqs's queues, the SES stand-in's sent mails). A line written with `sync` is on disk
 * (written and `fdatasync`ed) when `append` returns, so a stand-in that journals before it
 * answers answers only what a crash cannot take back. A line written without `sync` is in the
 * operating system's hands: it survives the process being killed, not a power cut.
 *
 * Everything is synchronous on purpose: the stand-ins' own methods are synchronous, and the
 * answer to the client must wait for the line. An `fdatasync` costs about 0.25 ms here.
 */
import {
  closeSync,
  existsSync,
  fdatasyncSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';

/** Raised when a journal cannot be opened or written (disk full, folder not writable). */
export class JournalError extends Error {
  override name = 'JournalError';
}

/** An open journal: its lines as found at opening, and how to add and rewrite. */
export type Journal<T> = {
  /** The records read when the journal was opened, in order (a torn last line is skipped). */
  readonly recovered: readonly T[];
  /** Appends one record; with `sync`, returns only once it is on disk. */
  append(record: T, options: { sync: boolean }): void;
  /** Replaces the whole journal by `records`, atomically (a crash leaves the old or the new one). */
  rewrite(records: Iterable<T>): void;
  /** Records appended since the journal was opened or last rewritten. */
  readonly appended: number;
  close(): void;
};

/** Makes `dir` durable after a file was created, renamed or removed in it. */
export function syncFolder(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Writes `data` whole at the end of `fd` (a short write is possible with large buffers). */
function writeAll(fd: number, data: Buffer): void {
  let offset = 0;
  while (offset < data.length) offset += writeSync(fd, data, offset, data.length - offset);
}

/**
 * Writes `data` to `file` so that a crash leaves either the old file or the whole new one: a
 * temporary file next to it, synced, renamed over it, then the folder synced.
 */
export function writeFileAtomically(file: string, data: Buffer): void {
  const dir = path.dirname(file);
  const temporary = path.join(dir, `.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const fd = openSync(temporary, 'w');
  try {
    writeAll(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, file);
  syncFolder(dir);
}

/**
 * Opens (or creates) the journal `file`. Lines that do not parse are skipped: only the last one
 * can be torn (a process killed in the middle of a write), and its writer never got an answer.
 * @throws JournalError when the file cannot be opened.
 */
export function openJournal<T>(file: string): Journal<T> {
  const dir = path.dirname(file);
  let fd: number;
  const recovered: T[] = [];
  try {
    mkdirSync(dir, { recursive: true });
    if (existsSync(file)) {
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        if (line.length === 0) continue;
        try {
          recovered.push(JSON.parse(line) as T);
        } catch {
          // A torn line: its append never returned.
        }
      }
    }
    fd = openSync(file, 'a');
    syncFolder(dir);
  } catch (error) {
    throw new JournalError(`Journal ${file} inaccessible`, { cause: error });
  }
  let appended = 0;
  return {
    recovered,
    get appended() {
      return appended;
    },
    append(record, { sync }) {
      try {
        writeAll(fd, Buffer.from(`${JSON.stringify(record)}\n`));
        if (sync) fdatasyncSync(fd);
      } catch (error) {
        throw new JournalError(`Écriture impossible dans le journal ${file}`, { cause: error });
      }
      appended += 1;
    },
    rewrite(records) {
      const lines: string[] = [];
      for (const record of records) lines.push(`${JSON.stringify(record)}\n`);
      try {
        writeFileAtomically(file, Buffer.from(lines.join('')));
        closeSync(fd);
        fd = openSync(file, 'a');
      } catch (error) {
        throw new JournalError(`Réécriture impossible du journal ${file}`, { cause: error });
      }
      appended = 0;
    },
    close() {
      try {
        closeSync(fd);
      } catch {
        // Already closed.
      }
    },
  };
}
