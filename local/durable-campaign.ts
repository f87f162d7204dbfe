/**
 * The crash campaign of the local desk (issue 11): the desk of `npm start` runs in a child
 * process on a data folder; mails go in over SMTP, a few at a time, as a director's server
 * would send them (a mail not answered 250 is sent again, same Message-ID); the whole desk
 * (Node and DynamoDB Local's Java) is killed with SIGKILL at random moments and started again on
 * the same folder; at the end it drains, and every mail is audited from DynamoDB and from the
 * SES stand-in's persisted sent mails.
 *
 * Used by `test/integration/crash-recovery.test.ts` (small) and `npm run bench -- crash` (big).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CreateTableCommand,
  DynamoDBClient,
  ScanCommand as RawScanCommand,
  TransactWriteItemsCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { seededRandom } from '../bench/lib/random.ts';
import { READY_LINE } from './durable-desk.ts';
import { freePort, freePorts, LOCAL_CREDENTIALS, LOCAL_REGION, startDynamoDbLocal } from './emulators.ts';
import { alive, descendantsOf, findProcess, processTable } from './processes.ts';
import { messagesIn } from './queue-depths.ts';
import type { DeskResources } from './resources.ts';
import { sendTestMail } from './send-mail.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DESK_ENTRY = path.join(root, 'local', 'durable-desk.ts');
const START_TIMEOUT_MS = 90_000;

/** Raised when the campaign cannot run (the desk does not start, never drains). */
export class CrashCampaignError extends Error {
  override name = 'CrashCampaignError';
}

export type CrashCampaignOptions = {
  /** Mails to get accepted (250), of every kind (see `planMails`). */
  mails: number;
  /** Times the whole desk is killed with SIGKILL, each at a random moment under load. */
  kills: number;
  /** Mails in flight over SMTP at once. */
  inFlight?: number;
  /**
   * When the next kill comes: once the desk has accepted between half and all of its share of
   * the mails since it was ready, then after a random time in this range (ms), so that it lands
   * with mails in flight in SMTP and in the queues. Default 0 to 1,000 ms.
   */
  killAfterMs?: readonly [number, number];
  /** Seed of the mails' plan and of the kill moments, for a campaign that can be replayed. */
  seed?: number;
  /** Told of each step (kills, restarts, the drain), for a person watching. */
  log?: (line: string) => void;
};

/** What the campaign found, over every mail that got a 250. */
export type CrashCampaignReport = {
  /** Mails accepted with a 250 (one per Message-ID: a mail sent again after a kill counts once). */
  accepted: number;
  /** SMTP sessions a kill cut before their 250, sent again once the desk was back. */
  resent: number;
  kills: number;
  /**
   * Mails answered 250 with no intake entry (or one without its outcome), or opening no ticket
   * where their entry says one.
   */
  lost: number;
  /** Message-IDs that opened more than one ticket. */
  duplicateTickets: number;
  /** Replies (acknowledgments, refusals) sent more than once for one Message-ID. */
  duplicateAcks: number;
  /**
   * Mails whose reply is recorded but never reached SES: the mailer's window between its claim
   * and SES's answer (a possibly lost mail rather than a duplicate; docs/ARCHITECTURE.md).
   */
  unknownSends: number;
  /** Replies still `queued` after the drain: work the crash lost between two steps. */
  stuckSends: number;
  /** Messages in a dead-letter queue at the end. */
  deadLetters: number;
  /** Outcomes of the accepted mails, by intake outcome. */
  outcomes: Record<string, number>;
};

type MailKind = 'request' | 'follow_up' | 'no_keyword' | 'not_director';

type PlannedMail = {
  kind: MailKind;
  from: string;
  subject: string;
  text: string;
  messageId: string;
  /** For a follow-up: the request it answers (by its index in the plan). */
  answers?: number;
};

/** The directors of the demo directory (`data/annuaire-demo.csv`), each once. */
function demoDirectors(): string[] {
  const lines = readFileSync(path.join(root, 'data', 'annuaire-demo.csv'), 'utf8')
    .split('\n')
    .slice(1);
  return [
    ...new Set(lines.map((line) => line.split(';')[8]?.trim().toLowerCase()).filter(Boolean)),
  ] as string[];
}

/**
 * The mails of a campaign: mostly new requests from the demo directory's directors (in turn,
 * so that a thousand mails give each fewer than the daily cap of ten), about one in eight a follow-up of an earlier request by the
 * same director, one in ten without the LSUN keyword, one in ten from an academic address that
 * is not a director's. Every kind is answered but the follow-up.
 */
export function planMails(count: number, seed: number): PlannedMail[] {
  const random = seededRandom(seed).next;
  const directors = demoDirectors();
  if (count > directors.length * 9) {
    throw new CrashCampaignError(
      `Au plus ${directors.length * 9} courriels : le plafond journalier en refuserait.`,
    );
  }
  const run = `${seed.toString(36)}${Date.now().toString(36)}`;
  const mails: PlannedMail[] = [];
  let nextDirector = 0;
  for (let index = 0; index < count; index++) {
    const roll = random();
    const messageId = `crash-${run}-${index}@ac-dijon.fr`;
    const requests = mails.flatMap((mail, at) => (mail.kind === 'request' ? [at] : []));
    if (roll < 0.1) {
      mails.push({
        kind: 'not_director',
        from: `agent.${run}.${index}@ac-dijon.fr`,
        subject: `LSUN question ${index}`,
        text: 'Bonjour, une question sur LSUN. Cordialement.',
        messageId,
      });
    } else if (roll < 0.2) {
      const from = directors[Math.floor(random() * directors.length)] ?? 'camille.martin@ac-dijon.fr';
      mails.push({
        kind: 'no_keyword',
        from,
        subject: `Question ${index}`,
        text: 'Bonjour, une question.',
        messageId,
      });
    } else if (roll < 0.33 && requests.length > 0) {
      const answers = requests[Math.floor(random() * requests.length)] ?? 0;
      const original = mails[answers] as PlannedMail;
      mails.push({
        kind: 'follow_up',
        from: original.from,
        subject: `Re: ${original.subject}`,
        text: `Bonjour, je complète ma demande (${index}). Cordialement.`,
        messageId,
        answers,
      });
    } else {
      // In turn: a director's requests stay far below the daily cap (10), which refuses none.
      const from = directors[nextDirector++ % directors.length] ?? 'camille.martin@ac-dijon.fr';
      mails.push({
        kind: 'request',
        from,
        subject: `LSUN : bulletins impossibles à éditer (${index})`,
        text: `Bonjour, depuis ce matin l’édition des bulletins échoue (${index}). Merci de votre aide.`,
        messageId,
      });
    }
  }
  return mails;
}

type DeskPorts = { smtp: number; http: number; ses: number; dynamodb: number; fauxqs: number };

type DeskProcess = {
  child: ChildProcess;
  endpoints: { dynamodb: string; sqs: string; ses: string; resources: DeskResources };
  exited: Promise<void>;
};

/** Starts the desk in its own process group on `dataDir`; resolves when it takes mail. */
async function startDeskProcess(dataDir: string, ports: DeskPorts): Promise<DeskProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', DESK_ENTRY], {
    cwd: root,
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: {
      ...process.env,
      LSUN_DESK_TIED_TO_PARENT: '1',
      LSUN_DATA_DIR: dataDir,
      LSUN_SMTP_PORT: String(ports.smtp),
      LSUN_HTTP_PORT: String(ports.http),
      LSUN_SES_PORT: String(ports.ses),
      LSUN_DYNAMODB_PORT: String(ports.dynamodb),
      LSUN_FAUXQS_PORT: String(ports.fauxqs),
    },
  });
  let errors = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    errors = (errors + chunk.toString('utf8')).slice(-8_000);
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const endpoints = await new Promise<DeskProcess['endpoints']>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      reject(new CrashCampaignError(`Le bureau n’est pas prêt après ${START_TIMEOUT_MS} ms :\n${errors}`));
    }, START_TIMEOUT_MS);
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const line = out.split('\n').find((candidate) => candidate.startsWith(`${READY_LINE} `));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line.slice(READY_LINE.length + 1)));
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new CrashCampaignError(`Le bureau s’est arrêté au démarrage :\n${errors}`));
    });
  }).catch(async (error: unknown) => {
    await killTree(child);
    throw error;
  });
  return { child, endpoints, exited };
}

/** SIGKILLs the desk and all its descendants at once (the crash), and waits until all are gone. */
async function killTree(child: ChildProcess): Promise<void> {
  if (child.pid === undefined) return;
  // The desk and every descendant: DynamoDB Local's watchdog shell and its Java, the stand-ins.
  const tree = descendantsOf(processTable(), child.pid);
  for (const pid of tree) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  for (let attempt = 0; attempt < 200 && tree.some((pid) => alive(pid)); attempt++) {
    await new Promise((wake) => setTimeout(wake, 25));
  }
}

const sleep = (ms: number) => new Promise((wake) => setTimeout(wake, ms));

/** Starts the desk again after a kill; a port the killed desk held may take a moment to free. */
async function restartDesk(
  dataDir: string,
  ports: DeskPorts,
  log: (line: string) => void,
): Promise<DeskProcess> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startDeskProcess(dataDir, ports);
    } catch (error) {
      if (attempt === 3) throw error;
      log(
        `Redémarrage ${attempt} manqué, nouvel essai : ${error instanceof Error ? error.message.split('\n')[0] : error}`,
      );
      await sleep(2_000);
    }
  }
}

/** Waits until no stage queue holds a message (visible, in flight or delayed), three checks running. */
async function drain(desk: DeskProcess, timeoutMs: number): Promise<void> {
  const sqs = new SQSClient({
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    endpoint: desk.endpoints.sqs,
    useQueueUrlAsEndpoint: false,
  });
  try {
    const deadline = Date.now() + timeoutMs;
    let quiet = 0;
    while (quiet < 3) {
      if (Date.now() > deadline)
        throw new CrashCampaignError(`Les files ne se vident pas en ${timeoutMs} ms`);
      const counts = await Promise.all(
        Object.values(desk.endpoints.resources.queueUrls).map(async (QueueUrl) => {
          const { Attributes = {} } = await sqs.send(
            new GetQueueAttributesCommand({
              QueueUrl,
              AttributeNames: [
                'ApproximateNumberOfMessages',
                'ApproximateNumberOfMessagesNotVisible',
                'ApproximateNumberOfMessagesDelayed',
              ],
            }),
          );
          return Object.values(Attributes).reduce((sum, value) => sum + Number(value), 0);
        }),
      );
      quiet = counts.every((count) => count === 0) ? quiet + 1 : 0;
      await sleep(500);
    }
  } finally {
    sqs.destroy();
  }
}

/** Messages waiting in the dead-letter queues. */
async function deadLetterCount(desk: DeskProcess): Promise<number> {
  const sqs = new SQSClient({
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    endpoint: desk.endpoints.sqs,
    useQueueUrlAsEndpoint: false,
  });
  try {
    return await messagesIn(sqs, desk.endpoints.resources.deadLetterQueueUrls);
  } finally {
    sqs.destroy();
  }
}

type Item = Record<string, unknown>;

async function scanTable(endpoint: string, tableName: string): Promise<Item[]> {
  const client = DynamoDBDocumentClient.from(
    new DynamoDBClient({ region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, endpoint }),
  );
  try {
    const items: Item[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await client.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: start }));
      items.push(...((page.Items ?? []) as Item[]));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  } finally {
    client.destroy();
  }
}

type SesMail = { headers?: Array<{ name: string; value: string }> };

/** What was sent for one logical mail, and what the audit needs of it. */
type MailRecord = { planned: PlannedMail; sesIds: string[]; attempts: number };

/**
 * Audits every accepted mail against DynamoDB and the SES stand-in's mails (see
 * {@link CrashCampaignReport} for what each figure counts).
 */
async function audit(
  desk: DeskProcess,
  records: MailRecord[],
): Promise<Omit<CrashCampaignReport, 'kills' | 'resent'>> {
  const items = await scanTable(desk.endpoints.dynamodb, desk.endpoints.resources.tableName);
  const entries = new Map<string, Item>();
  const ticketsByOpener = new Map<string, Item[]>();
  const stuckReplies = new Set<string>();
  for (const item of items) {
    const pk = String(item.pk);
    if (pk.startsWith('MAIL#') && item.sk === 'ENTRY') entries.set(pk.slice(5), item);
    if (pk.startsWith('TICKET#') && item.sk === 'TICKET') {
      const opener = String(item.openedBy);
      ticketsByOpener.set(opener, [...(ticketsByOpener.get(opener) ?? []), item]);
    }
    // A reply or an acknowledgment still waiting for the mailer after the drain.
    const outgoing = item.sk === 'REPLY' || item.direction === 'out';
    if (outgoing && item.status === 'queued') stuckReplies.add(`${pk} ${String(item.sk)}`);
  }
  const { emails } = (await (await fetch(`${desk.endpoints.ses}/store`)).json()) as { emails: SesMail[] };
  const repliesTo = new Map<string, number>();
  for (const mail of emails) {
    const inReplyTo = mail.headers?.find((header) => header.name.toLowerCase() === 'in-reply-to')?.value;
    if (!inReplyTo) continue;
    const id = inReplyTo.trim().replace(/^<|>$/g, '');
    repliesTo.set(id, (repliesTo.get(id) ?? 0) + 1);
  }

  const bare = (id: unknown) => String(id ?? '').replace(/^<|>$/g, '');
  const entriesOf = new Map<string, Item[]>();
  for (const entry of entries.values()) {
    const id = bare(entry.messageId);
    entriesOf.set(id, [...(entriesOf.get(id) ?? []), entry]);
  }

  let lost = 0;
  let duplicateTickets = 0;
  let duplicateAcks = 0;
  let unknownSends = 0;
  const outcomes: Record<string, number> = {};
  for (const record of records) {
    // An entry without an outcome is a stub a later step's update made of a lost entry.
    if (record.sesIds.some((id) => entries.get(id)?.outcome === undefined)) lost++;
    // Every entry of the Message-ID: those answered 250, and those of sessions a kill cut
    // after the desk had stored the mail (their sender sent it again).
    const all = entriesOf.get(record.planned.messageId) ?? [];
    for (const id of record.sesIds) {
      const outcome = String(entries.get(id)?.outcome ?? 'perdu');
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    }
    const opened = all.filter((entry) => entry.outcome === 'ticket_created');
    if (opened.some((entry) => entry.ticketNumber === undefined)) lost++;
    const tickets = opened.flatMap((entry) => ticketsByOpener.get(String(entry.sesMessageId)) ?? []);
    if (tickets.length > 1) duplicateTickets += tickets.length - 1;
    const answered = all.some((entry) => entry.outcome === 'ticket_created' || entry.reply !== undefined);
    const replies = repliesTo.get(record.planned.messageId) ?? 0;
    if (replies > 1) duplicateAcks += replies - 1;
    if (answered && replies === 0) unknownSends++;
  }
  return {
    accepted: records.filter((record) => record.sesIds.length > 0).length,
    lost,
    duplicateTickets,
    duplicateAcks,
    unknownSends: Math.max(0, unknownSends - stuckReplies.size),
    stuckSends: stuckReplies.size,
    deadLetters: await deadLetterCount(desk),
    outcomes,
  };
}

/**
 * Runs a campaign on a fresh data folder (removed at the end) and returns its figures.
 * @throws CrashCampaignError when the desk does not start or does not drain.
 */
export async function runCrashCampaign(options: CrashCampaignOptions): Promise<CrashCampaignReport> {
  const log = options.log ?? (() => undefined);
  const seed = options.seed ?? Date.now() % 100_000;
  const random = seededRandom(seed + 1).next;
  const [killMin, killMax] = options.killAfterMs ?? [0, 1_000];
  const plan = planMails(options.mails, seed);
  const records: MailRecord[] = plan.map((planned) => ({ planned, sesIds: [], attempts: 0 }));
  const [smtp = 0, http = 0, ses = 0, dynamodb = 0, fauxqs = 0] = await freePorts(5);
  const ports = { smtp, http, ses, dynamodb, fauxqs };
  const dataDir = mkdtempSync(path.join(tmpdir(), 'lsun-crash-'));
  log(
    `Campagne : ${plan.length} courriels, ${options.kills} arrêts brutaux, graine ${seed}, données ${dataDir}`,
  );

  let desk: DeskProcess | undefined;
  // Mail is sent only while the desk is up (a server retrying a refused connection adds nothing);
  // the generation tells a session the kill cut from one that failed on its own.
  let up = true;
  let generation = 0;
  let resent = 0;
  let kills = 0;
  let next = 0;
  // Each start of the desk lets its share of the mails go, so every kill lands under load.
  const share = Math.ceil(records.length / (options.kills + 1));
  let released = share;
  // Set when the campaign ends, however: the senders stop with it.
  let finished = false;
  try {
    desk = await startDeskProcess(dataDir, ports);
    // Each worker sends the next mail until it gets a 250, as a mail server retries.
    const sendAll = async () => {
      while (next < records.length && !finished) {
        if (next >= released || !up) {
          await sleep(50);
          continue;
        }
        const record = records[next++] as MailRecord;
        const { planned } = record;
        if (planned.answers !== undefined) {
          const original = records[planned.answers] as MailRecord;
          while (original.sesIds.length === 0) await sleep(50);
        }
        while (!finished) {
          while (!up && !finished) await sleep(50);
          const startedIn = generation;
          record.attempts++;
          try {
            const sent = await sendTestMail({
              port: ports.smtp,
              from: planned.from,
              to: 'assistance1d@ac-dijon.fr',
              subject: planned.subject,
              text: planned.text,
              messageId: planned.messageId,
              ...(planned.answers !== undefined
                ? { inReplyTo: (records[planned.answers] as MailRecord).planned.messageId }
                : {}),
            });
            record.sesIds.push(sent.sesMessageId);
            break;
          } catch {
            if (startedIn !== generation) resent++;
            await sleep(100 + random() * 200);
          }
        }
      }
    };
    const senders = Promise.all(Array.from({ length: options.inFlight ?? 4 }, sendAll));

    const acceptedCount = () => records.filter((record) => record.sesIds.length > 0).length;
    while (kills < options.kills) {
      const target = acceptedCount() + Math.ceil(share * (0.5 + random() / 2));
      const giveUp = Date.now() + 120_000;
      while (acceptedCount() < Math.min(target, records.length) && Date.now() < giveUp) await sleep(20);
      await sleep(killMin + random() * (killMax - killMin));
      await killTree(desk.child);
      up = false;
      generation++;
      kills++;
      log(
        `Arrêt brutal ${kills}/${options.kills} (kill -9 de tout le bureau), ${acceptedCount()} courriels acceptés`,
      );
      desk = await restartDesk(dataDir, ports, log);
      released = kills === options.kills ? records.length : released + share;
      up = true;
      log('Redémarré sur le même dossier de données');
    }
    await senders;
    log('Tous les courriels ont reçu un 250 ; vidage des files…');
    await drain(desk, 180_000);
    const report = await audit(desk, records);
    return { ...report, kills, resent };
  } finally {
    finished = true;
    if (desk) {
      desk.child.kill('SIGTERM');
      await Promise.race([desk.exited, sleep(15_000)]);
      await killTree(desk.child);
    }
    if (existsSync(dataDir)) rmSync(dataDir, { recursive: true, force: true });
  }
}

/** What one kill of DynamoDB Local in the middle of transactions left. */
export type DynamoDbKillRun = {
  /** Transactions DynamoDB Local answered 200 before the kill. */
  acknowledged: number;
  /** Of those, the ones not found after the restart (no item of theirs). */
  acknowledgedLost: number;
  /** Transactions found with some of their items only. */
  partial: number;
};

const ITEMS_PER_TRANSACTION = 25;

/** The Java process of the DynamoDB Local started on `dir` (not its watchdog shell). */
function javaOf(dir: string): number | undefined {
  return findProcess((args) => path.basename(args[0] ?? '') === 'java' && args.includes(dir));
}

/**
 * Starts DynamoDB Local on a fresh data folder, has eight writers run transactions of 25 puts,
 * SIGKILLs its Java once `killAfter` transactions were acknowledged, starts it again on the same
 * folder and counts what is there: whether it keeps what it acknowledged, and whether it applies
 * a transaction whole or not at all, across a crash.
 */
export async function killDynamoDbUnderTransactions(killAfter = 20): Promise<DynamoDbKillRun> {
  const dir = mkdtempSync(path.join(tmpdir(), 'lsun-dynamodb-crash-'));
  const port = await freePort();
  const clientOf = (endpoint: string) =>
    new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
  try {
    let dynamodb = await startDynamoDbLocal({ port, dbPath: dir });
    const client = clientOf(dynamodb.endpoint);
    await client.send(
      new CreateTableCommand({
        TableName: 'crash',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      }),
    );
    await waitUntilTableExists({ client, maxWaitTime: 30 }, { TableName: 'crash' });
    const acknowledged = new Set<number>();
    let attempted = 0;
    let killed = false;
    const writer = async () => {
      while (!killed) {
        const id = attempted++;
        await client
          .send(
            new TransactWriteItemsCommand({
              TransactItems: Array.from({ length: ITEMS_PER_TRANSACTION }, (_, index) => ({
                Put: {
                  TableName: 'crash',
                  Item: {
                    pk: { S: `T${id}#${index}` },
                    transaction: { N: String(id) },
                    pad: { S: 'x'.repeat(400) },
                  },
                },
              })),
            }),
          )
          .then(
            () => acknowledged.add(id),
            () => undefined,
          );
      }
    };
    const writers = Array.from({ length: 8 }, writer);
    while (acknowledged.size < killAfter) await sleep(10);
    const java = javaOf(path.resolve(dir));
    if (java === undefined) throw new CrashCampaignError('Processus Java de DynamoDB Local introuvable');
    process.kill(java, 'SIGKILL');
    killed = true;
    await Promise.all(writers);
    client.destroy();
    await dynamodb.stop();
    dynamodb = await startDynamoDbLocal({ port, dbPath: dir });
    const reader = clientOf(dynamodb.endpoint);
    const found = new Map<number, number>();
    let start: Record<string, never> | undefined;
    do {
      const page = await reader.send(new RawScanCommand({ TableName: 'crash', ExclusiveStartKey: start }));
      for (const item of page.Items ?? []) {
        const id = Number(item.transaction?.N);
        found.set(id, (found.get(id) ?? 0) + 1);
      }
      start = page.LastEvaluatedKey as Record<string, never> | undefined;
    } while (start);
    reader.destroy();
    await dynamodb.stop();
    return {
      acknowledged: acknowledged.size,
      acknowledgedLost: [...acknowledged].filter((id) => !found.has(id)).length,
      partial: [...found.values()].filter((count) => count !== ITEMS_PER_TRANSACTION).length,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
