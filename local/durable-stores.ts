/**
 * The local stand-ins' memory, kept on disk when the desk has a data folder (`npm start`), so
 * that a crash loses nothing AWS would have kept: fauxqs's queues (an fsynced journal of the
 * messages sent and deleted, replayed when each queue is created again), fauxqs's S3 objects
 * (one file per object, written atomically before PutObject answers) and the mails the SES
 * stand-in sent (a journal, so a restarted desk still lists them).
 *
 * Each function wraps the stand-in's own store object in place: the stand-in's HTTP handlers
 * call the same methods, now durable, and answer only once the change is on disk. Without a
 * data folder nothing here runs and the stand-ins stay in memory (tests).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, unlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import {
  type Journal,
  type JournalLine,
  openJournal,
  readJournalLine,
  syncFolder,
  writeFileAtomically,
} from './durable-journal.ts';

/** A message of a fauxqs queue, as its store keeps it (fields are JSON-safe). */
type QueueMessage = { messageId: string; delayUntil?: number } & Record<string, unknown>;

/** The parts of fauxqs 1.9.2's `SqsQueue` the journal hooks. */
type FauxqsQueue = {
  name: string;
  inflightMessages: Map<string, { message: QueueMessage }>;
  enqueue(message: QueueMessage): void;
  deleteMessage(receiptHandle: string): boolean;
  purge(): void;
};

/** The parts of fauxqs 1.9.2's `SqsStore` the journal hooks. */
type FauxqsSqsStore = {
  createQueue(...args: unknown[]): FauxqsQueue;
  deleteQueue(url: string): boolean;
  getQueue(url: string): FauxqsQueue | undefined;
};

/** One line of the queues' journal. */
type QueueRecord =
  | { op: 'put'; queue: string; message: QueueMessage }
  | { op: 'del'; id: string }
  | { op: 'purge'; queue: string };

/** A running durable part: closes its files (the data stays). */
export type Durable = { close(): void };

/** Rewrite the queues' journal once it holds this many records more than the live messages. */
const COMPACT_AFTER_RECORDS = 20_000;

/**
 * Makes fauxqs's queues survive a crash. Every message put in a queue (SendMessage, a batch
 * entry, a move to the dead-letter queue) is journaled and synced before fauxqs answers; every
 * delete is journaled without a sync (a delete lost to a power cut only brings a message back,
 * and every step of the desk is idempotent on redelivery). When a queue of the same name is
 * created again after a restart, its live messages are put back: those in flight at the crash
 * are visible at once (as after their visibility timeout), delayed ones keep their due time.
 * Receive counts start again from the count the message was put with.
 */
export function makeQueuesDurable(store: FauxqsSqsStore, dir: string): Durable {
  const journal: Journal<QueueRecord> = openJournal(path.join(dir, 'queues.jsonl'));
  const live = new Map<string, { queue: string; message: QueueMessage }>();
  for (const record of journal.recovered) applyRecord(live, record);
  journal.rewrite(putsOf(live));

  const waiting = new Map<string, QueueMessage[]>();
  for (const { queue, message } of live.values()) {
    waiting.set(queue, [...(waiting.get(queue) ?? []), message]);
  }

  const record = (entry: QueueRecord, sync: boolean) => {
    journal.append(entry, { sync });
    applyRecord(live, entry);
    if (journal.appended > live.size + COMPACT_AFTER_RECORDS) journal.rewrite(putsOf(live));
  };

  const createQueue = store.createQueue.bind(store);
  store.createQueue = (...args: unknown[]) => {
    const queue = createQueue(...args);
    const enqueue = queue.enqueue.bind(queue);
    const deleteMessage = queue.deleteMessage.bind(queue);
    const purge = queue.purge.bind(queue);
    queue.enqueue = (message) => {
      record({ op: 'put', queue: queue.name, message: { ...message } }, true);
      enqueue(message);
    };
    queue.deleteMessage = (receiptHandle) => {
      const id = queue.inflightMessages.get(receiptHandle)?.message.messageId;
      const deleted = deleteMessage(receiptHandle);
      if (deleted && id !== undefined) record({ op: 'del', id }, false);
      return deleted;
    };
    queue.purge = () => {
      record({ op: 'purge', queue: queue.name }, true);
      purge();
    };
    // Back from before the crash: already journaled, so put straight into the queue.
    for (const message of waiting.get(queue.name) ?? []) enqueue({ ...message });
    waiting.delete(queue.name);
    return queue;
  };
  const deleteQueue = store.deleteQueue.bind(store);
  store.deleteQueue = (url) => {
    const queue = store.getQueue(url);
    if (queue) record({ op: 'purge', queue: queue.name }, true);
    return deleteQueue(url);
  };
  return { close: () => journal.close() };
}

function applyRecord(live: Map<string, { queue: string; message: QueueMessage }>, record: QueueRecord): void {
  if (record.op === 'put')
    live.set(record.message.messageId, { queue: record.queue, message: record.message });
  else if (record.op === 'del') live.delete(record.id);
  else for (const [id, entry] of live) if (entry.queue === record.queue) live.delete(id);
}

function* putsOf(live: Map<string, { queue: string; message: QueueMessage }>): Iterable<QueueRecord> {
  for (const { queue, message } of live.values()) yield { op: 'put', queue, message };
}

/** An S3 object as fauxqs 1.9.2's `S3Store` keeps it. */
type StoredObject = {
  key: string;
  body: Buffer;
  contentType: string;
  lastModified: Date;
  metadata: Record<string, string>;
};

/** The parts of fauxqs 1.9.2's `S3Store` made durable. */
type FauxqsS3Store = {
  buckets: Map<string, Map<string, StoredObject>>;
  createBucket(name: string): void;
  deleteBucket(name: string): void;
  hasBucket(name: string): boolean;
  putObject(
    bucket: string,
    key: string,
    body: Buffer,
    contentType?: string,
    metadata?: Record<string, string>,
  ): StoredObject;
  deleteObject(bucket: string, key: string): void;
  completeMultipartUpload(uploadId: string, parts: unknown): StoredObject;
  multipartUploads: Map<string, { bucket: string }>;
  emptyBucket(name: string): void;
};

/** What precedes an object's body in its file: one JSON line. */
type ObjectHeader = {
  key: string;
  contentType: string;
  lastModified: string;
  metadata: Record<string, string>;
};

/** The file of `key`: its name as is where the file system allows, else its hash. */
function objectFileName(key: string): string {
  const encoded = encodeURIComponent(key).replaceAll('.', '%2E').replaceAll('*', '%2A');
  return encoded.length <= 200 ? encoded : `%23${createHash('sha256').update(key).digest('hex')}`;
}

/**
 * Makes fauxqs's S3 survive a crash: each bucket is a folder of `dir`, each object one file (a
 * JSON header line, then the body), written atomically and synced before PutObject answers, so
 * the SMTP stand-in's 250, which waits for the raw mail's PutObject, means the mail is on disk.
 * At start, every object on disk is loaded back (fauxqs serves from memory).
 */
export function makeObjectsDurable(store: FauxqsS3Store, dir: string): Durable {
  mkdirSync(dir, { recursive: true });
  const folderOf = (bucket: string) => path.join(dir, encodeURIComponent(bucket));
  const fileOf = (bucket: string, key: string) => path.join(folderOf(bucket), objectFileName(key));
  /**
   * From now on the object's body is read from its file when asked for (GetObject, CopyObject),
   * rather than held in memory for as long as the desk runs: every raw mail and every page of
   * the knowledge base would otherwise stay in the stand-ins' memory.
   */
  const bodyFromDisk = (object: StoredObject, file: string) => {
    Object.defineProperty(object, 'body', {
      enumerable: true,
      configurable: true,
      get: () => {
        const content = readFileSync(file);
        return content.subarray(content.indexOf(10) + 1);
      },
    });
  };
  const save = (bucket: string, object: StoredObject) => {
    const header: ObjectHeader = {
      key: object.key,
      contentType: object.contentType,
      lastModified: object.lastModified.toISOString(),
      metadata: object.metadata,
    };
    const file = fileOf(bucket, object.key);
    writeFileAtomically(file, Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`), object.body]));
    bodyFromDisk(object, file);
  };

  const createBucket = store.createBucket.bind(store);
  const putObject = store.putObject.bind(store);
  const deleteObject = store.deleteObject.bind(store);
  const deleteBucket = store.deleteBucket.bind(store);
  const emptyBucket = store.emptyBucket.bind(store);
  const completeMultipartUpload = store.completeMultipartUpload.bind(store);

  for (const folder of readdirSync(dir)) {
    const bucket = decodeURIComponent(folder);
    createBucket(bucket);
    for (const file of readdirSync(path.join(dir, folder))) {
      const full = path.join(dir, folder, file);
      // A write cut short by the crash: its PutObject never answered.
      if (file.startsWith('.tmp-')) {
        unlinkSync(full);
        continue;
      }
      const content = readFileSync(full);
      const end = content.indexOf(10);
      const header = JSON.parse(content.subarray(0, end).toString('utf8')) as ObjectHeader;
      const object = putObject(
        bucket,
        header.key,
        content.subarray(end + 1),
        header.contentType,
        header.metadata,
      );
      object.lastModified = new Date(header.lastModified);
      bodyFromDisk(object, full);
    }
  }

  store.createBucket = (name) => {
    mkdirSync(folderOf(name), { recursive: true });
    syncFolder(dir);
    createBucket(name);
  };
  store.putObject = (bucket, key, body, contentType, metadata) => {
    const object = putObject(bucket, key, body, contentType, metadata);
    try {
      save(bucket, object);
    } catch (error) {
      // Not on disk, so not stored: the client is told so and sends it again.
      deleteObject(bucket, key);
      throw error;
    }
    return object;
  };
  store.completeMultipartUpload = (uploadId, parts) => {
    const bucket = store.multipartUploads.get(uploadId)?.bucket;
    const object = completeMultipartUpload(uploadId, parts);
    if (bucket !== undefined) save(bucket, object);
    return object;
  };
  store.deleteObject = (bucket, key) => {
    deleteObject(bucket, key);
    rmSync(fileOf(bucket, key), { force: true });
    syncFolder(folderOf(bucket));
  };
  store.deleteBucket = (name) => {
    deleteBucket(name);
    rmSync(folderOf(name), { recursive: true, force: true });
    syncFolder(dir);
  };
  store.emptyBucket = (name) => {
    emptyBucket(name);
    if (!store.hasBucket(name)) return;
    rmSync(folderOf(name), { recursive: true, force: true });
    mkdirSync(folderOf(name), { recursive: true });
    syncFolder(dir);
  };
  return { close: () => undefined };
}

/** A mail as aws-ses-v2-local 2.10 stores it (JSON-safe but for attachments' Buffers). */
type SentMail = Record<string, unknown>;

/** The module of aws-ses-v2-local that holds its store; its handlers call these exports by name. */
type SesStoreModule = {
  saveEmail(email: SentMail): void;
  clearStore(): void;
  getStoreReadonly(): { emails: SentMail[] };
};

/** Raised when a second desk in one process asks for the SES stand-in's journal. */
export class SentMailsAlreadyDurableError extends Error {
  override name = 'SentMailsAlreadyDurableError';
}

let sentMailsDurable = false;

/** The parts of a sent mail that weigh: kept in the journal only, read back when asked for. */
const HEAVY_FIELDS = ['body', 'attachments'] as const;

/**
 * The mail with its body and attachments read from its journal line when asked for (the `/store`
 * page, a test), rather than held in memory for as long as the desk runs. The rest (addresses,
 * subject, headers) stays in memory: the stand-in filters and finds mails by it.
 */
function bodyFromJournal(email: SentMail, file: string, at: JournalLine): SentMail {
  const light: SentMail = { ...email };
  for (const field of HEAVY_FIELDS) {
    if (!(field in email)) continue;
    delete light[field];
    Object.defineProperty(light, field, {
      enumerable: true,
      configurable: true,
      get: () => (JSON.parse(readJournalLine<string>(file, at), reviveBuffers) as SentMail)[field],
    });
  }
  return light;
}

/** A Buffer written by JSON.stringify (an attachment) read back as a Buffer. */
function reviveBuffers(_key: string, value: unknown): unknown {
  if (
    typeof value === 'object' &&
    value !== null &&
    (value as { type?: unknown }).type === 'Buffer' &&
    Array.isArray((value as { data?: unknown }).data)
  ) {
    return Buffer.from((value as { data: number[] }).data);
  }
  return value;
}

/**
 * Makes the SES stand-in's sent mails survive a crash: each mail is journaled and synced before
 * SES answers the send, and the mails of earlier runs are listed again at start. The stand-in's
 * store is one per process, so only one desk per process may do this (`npm start` runs one).
 * `POST /clear-store` empties the journal too. `close` puts the stand-in back in memory.
 * @throws SentMailsAlreadyDurableError when another desk of this process already did.
 */
export function makeSentMailsDurable(dir: string): Durable {
  if (sentMailsDurable)
    throw new SentMailsAlreadyDurableError('Le faux SES est déjà persistant dans ce processus.');
  const module = createRequire(import.meta.url)('aws-ses-v2-local/dist/store.js') as SesStoreModule;
  const file = path.join(dir, 'sent-mails.jsonl');
  const journal: Journal<string> = openJournal(file);
  // The journal is the list: a stand-in stopped and started again in one process lists each mail once.
  const { emails } = module.getStoreReadonly();
  emails.length = 0;
  journal.recovered.forEach((line, index) => {
    const at = journal.recoveredLines[index];
    if (at !== undefined) emails.push(bodyFromJournal(JSON.parse(line, reviveBuffers) as SentMail, file, at));
  });

  const { saveEmail, clearStore } = module;
  module.saveEmail = (email) => {
    // A string per line: the reviver above then applies to the mail alone.
    const at = journal.append(JSON.stringify(email), { sync: true });
    saveEmail(bodyFromJournal(email, file, at));
  };
  module.clearStore = () => {
    journal.rewrite([]);
    clearStore();
  };
  sentMailsDurable = true;
  return {
    close: () => {
      module.saveEmail = saveEmail;
      module.clearStore = clearStore;
      journal.close();
      sentMailsDurable = false;
    },
  };
}
