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
  readSync,
  renameSync,
  statSync,
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
  /** Where each recovered record's line is in the file, in the same order. */
  readonly recoveredLines: readonly JournalLine[];
  /** Appends one record; with `sync`, returns only once it is on disk. Returns where its line is. */
  append(record: T, options: { sync: boolean }): JournalLine;
  /** Replaces the whole journal by `records`, atomically (a crash leaves the old or the new one). */
  rewrite(records: Iterable<T>): void;
  /** Records appended since the journal was opened or last rewritten. */
  readonly appended: number;
  close(): void;
};

/** Where a record's line is in its journal (bytes, the newline excluded), to read it back alone. */
export type JournalLine = { offset: number; length: number };

/** Reads back one record of `file` from where `append` or `recoveredLines` said it is. */
export function readJournalLine<T>(file: string, line: JournalLine): T {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(line.length);
    let read = 0;
    while (read < line.length) {
      const got = readSync(fd, buffer, read, line.length - read, line.offset + read);
      if (got === 0) break;
      read += got;
    }
    return JSON.parse(buffer.subarray(0, read).toString('utf8')) as T;
  } catch (error) {
    throw new JournalError(`Lecture impossible dans le journal ${file}`, { cause: error });
  } finally {
    closeSync(fd);
  }
}

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
  const recoveredLines: JournalLine[] = [];
  let size = 0;
  try {
    mkdirSync(dir, { recursive: true });
    if (existsSync(file)) {
      const content = readFileSync(file);
      for (let offset = 0; offset < content.length; ) {
        const end = content.indexOf(10, offset);
        const stop = end === -1 ? content.length : end;
        if (stop > offset) {
          try {
            recovered.push(JSON.parse(content.subarray(offset, stop).toString('utf8')) as T);
            recoveredLines.push({ offset, length: stop - offset });
          } catch {
            // A torn line: its append never returned.
          }
        }
        offset = stop + 1;
      }
    }
    fd = openSync(file, 'a');
    size = statSync(file).size;
    syncFolder(dir);
  } catch (error) {
    throw new JournalError(`Journal ${file} inaccessible`, { cause: error });
  }
  let appended = 0;
  return {
    recovered,
    recoveredLines,
    get appended() {
      return appended;
    },
    append(record, { sync }) {
      const line = Buffer.from(`${JSON.stringify(record)}\n`);
      const offset = size;
      try {
        writeAll(fd, line);
        if (sync) fdatasyncSync(fd);
      } catch (error) {
        // A partial line may be there: after it, offsets are only right again once reopened.
        try {
          size = statSync(file).size;
        } catch {
          // The journal's next append fails the same way.
        }
        throw new JournalError(`Écriture impossible dans le journal ${file}`, { cause: error });
      }
      size += line.length;
      appended += 1;
      return { offset, length: line.length - 1 };
    },
    rewrite(records) {
      const lines: string[] = [];
      for (const record of records) lines.push(`${JSON.stringify(record)}\n`);
      try {
        const content = Buffer.from(lines.join(''));
        writeFileAtomically(file, content);
        closeSync(fd);
        fd = openSync(file, 'a');
        size = content.length;
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
