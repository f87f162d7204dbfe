/**
 * The fault campaign of issue 11: a thousand mails and more over SMTP into the whole local desk
 * (`startDesk`, the real handlers), with a fault-injecting proxy (`fault-proxy.ts`) between the
 * handlers and every stand-in, then the count of what matters once the desk is quiet again:
 * mails lost, tickets opened twice, acknowledgments sent twice, permanent failures left silent.
 *
 * The mails: new requests from the directors of the demo directory, five of whom go over the
 * daily cap of ten; follow-ups on the tickets those requests opened; mails refused and answered
 * (no keyword in the subject, an academic sender outside the directory). The stack's own clients
 * and the queue runner keep the real endpoints: Lambda's event source mapping is not the function.
 *
 * Shared by the CI test (`test/e2e/fault-campaign.test.ts`) and `npm run bench -- faults`.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SetQueueAttributesCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { freePorts, makeLocalClients } from '#local/emulators.ts';
import { openTestMailer, type TestMailContent, type TestMailer } from '#local/send-mail.ts';
import { type RunningDesk, startDesk } from '#local/stack.ts';
import { documentClient } from '#shared/adapters/aws-clients.ts';
import { keys } from '#shared/adapters/keys.ts';
import type { Outcome } from '#shared/domain/outcome.ts';
import { type FaultProxy, type FaultRates, refusedForGood, startFaultProxy } from './fault-proxy.ts';
import { headerOf, type SentMail, sentMails } from './outbox.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const DESK_ADDRESS = 'assistance1d@ac-dijon.fr';
const DAILY_REQUEST_CAP = 10;
/** The stages of the mail chain, whose queues the campaign watches. */
const CHAIN = ['intake', 'tickets', 'outbox'] as const;

export type CampaignOptions = {
  seed: number;
  /** New requests (those of the directors over the cap included). */
  requests: number;
  followUps: number;
  noKeyword: number;
  notDirector: number;
  /** Directors who send more than the cap, each `DAILY_REQUEST_CAP + overCapBy` requests. */
  overCapDirectors: number;
  overCapBy: number;
  /** Share of recipients SES refuses for good (decided by address and seed). */
  refusedShare: number;
  rates: { dynamodb: FaultRates; sqs: FaultRates; s3: FaultRates; ses: FaultRates };
  /** SMTP connections sending at once. */
  connections: number;
  /**
   * The runner's pollers per stage, capped by each stage's maximum concurrency (intake 10,
   * tickets 2, outbox 5): with every fault on, a batch waits on retries, and Lambda would run more
   * invocations meanwhile.
   */
  pollersPerStage: number;
  /**
   * The chain's queues' visibility timeout during the campaign: a failed record comes back after
   * it (AWS: six times the function's timeout, three minutes; a test cannot wait that long).
   */
  visibilityTimeoutSeconds: number;
  /** Gives up waiting for the desk to be quiet after this long without progress. */
  stallMs: number;
  /** Told of each phase as it starts (the benchmark prints them). */
  onPhase?: (phase: string) => void;
};

/** The campaign of the CI test and of the benchmark: every fault on, a bit over 1,000 mails. */
export const defaultCampaign: CampaignOptions = {
  seed: 11,
  requests: 560,
  followUps: 300,
  noKeyword: 80,
  notDirector: 80,
  overCapDirectors: 5,
  overCapBy: 2,
  refusedShare: 0.03,
  rates: {
    dynamodb: { throttle: 0.02, serverError: 0.01, crashAfterWrite: 0.02 },
    sqs: { crashAfterWrite: 0.02, deliveries: 3 },
    s3: { serverError: 0.01, crashAfterWrite: 0.02 },
    ses: { throttle: 0.05 },
  },
  connections: 8,
  pollersPerStage: 10,
  visibilityTimeoutSeconds: 10,
  stallMs: 60_000,
};

/** What one campaign mail was written to be. */
export type MailKind = 'request' | 'over_cap' | 'follow_up' | 'no_keyword' | 'not_director';

/** One mail the campaign sent, and what SMTP answered. */
export type CampaignMail = {
  kind: MailKind;
  from: string;
  messageId: string;
  subject: string;
  /** The SES id of the attempt SMTP accepted. */
  sesMessageId: string;
  /** Attempts answered 451 (or cut) before the 250. */
  retries: number;
  /** Follow-ups: the ticket continued. */
  ticketNumber?: string;
};

/** Faults injected, by service and kind (`dynamodb.throttle`, `sqs.extra_delivery`…). */
export type FaultCounts = Record<string, number>;

export type CampaignReport = {
  seed: number;
  mails: number;
  smtpRetries: number;
  faults: FaultCounts;
  /** Requests the handlers made to each service (through its proxy). */
  requests: Record<string, number>;
  /** Accepted mails with no intake entry under the SES id SMTP gave. */
  lost: CampaignMail[];
  /** Mails (by Message-ID) with more than one outcome that is not `duplicate`, or none. */
  outcomeCounts: Partial<Record<Outcome, number>>;
  notExactlyOneOutcome: Array<{ mail: CampaignMail; outcomes: string[] }>;
  /** Mails whose single outcome is not the one they were written for. */
  unexpectedOutcome: Array<{ mail: CampaignMail; outcome: string }>;
  /** Directors over the cap whose tickets and refusals do not add up to the cap. */
  capMiscounted: Array<{ director: string; tickets: number; rateLimited: number }>;
  tickets: number;
  /** Mails that opened more than one ticket. */
  duplicateTickets: Array<{ messageId: string; tickets: string[] }>;
  /** Follow-ups found more than once, or not at all, on their ticket. */
  followUpsNotOnce: Array<{ messageId: string; found: number }>;
  /** Mails the desk sent twice: SES holds more than one mail for one recipient and one mail answered. */
  duplicateAcks: Array<{ to: string; inReplyTo: string; count: number }>;
  /** Mails the desk sent, by purpose (acknowledgments, replies, quota notices). */
  sentByPurpose: Record<string, number>;
  /** Sends SES refused for good, and how many of them a person can see (a dead letter, or `failed`). */
  permanentFailures: {
    expected: number;
    visible: number;
    silent: Array<{ to: string; outboxId: string; status: string }>;
  };
  /** Sends recorded in a state that says the mail left, though SES never took it. */
  silentlyUnsent: Array<{ to: string; outboxId: string; purpose: string; status: string }>;
  /** Sends in each state at the end. */
  sendStates: Record<string, number>;
  deadLetters: Record<string, number>;
  wallMs: number;
};

/** A director of the demo directory. */
type Director = { email: string; name: string };

function readDirectors(): Director[] {
  const csv = readFileSync(path.join(ROOT, 'data', 'annuaire-demo.csv'), 'utf8');
  const [header = '', ...rows] = csv.split(/\r?\n/).filter((line) => line.trim() !== '');
  const columns = header.split(';');
  const at = (name: string) => columns.indexOf(name);
  const seen = new Map<string, Director>();
  for (const row of rows) {
    const cells = row.split(';');
    const email = (cells[at('email')] ?? '').trim().toLowerCase();
    if (!email || seen.has(email)) continue;
    seen.set(email, { email, name: `${cells[at('prenom')] ?? ''} ${cells[at('nom')] ?? ''}`.trim() });
  }
  return [...seen.values()];
}

/** A small seeded generator, so that a seed plans the same campaign every time. */
function seeded(seed: number) {
  let state = (seed * 2_654_435_761) >>> 0 || 1;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4_294_967_296;
  };
  return {
    next,
    int: (below: number) => Math.floor(next() * below),
    pick<T>(items: readonly T[]): T {
      const item = items[Math.floor(next() * items.length)];
      if (item === undefined) throw new Error('pick from an empty list');
      return item;
    },
    shuffle<T>(items: T[]): T[] {
      const copy = [...items];
      for (let i = copy.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
      }
      return copy;
    },
  };
}

const TOPICS = [
  'les bulletins ne s’affichent pas',
  'impossible de saisir les appréciations',
  'export PDF vide',
  'élève absent de la classe',
  'erreur à la connexion',
  'les livrets du cycle 2 sont bloqués',
  'signature du directeur manquante',
  'changement d’école d’un élève',
];

type Planned = Omit<CampaignMail, 'sesMessageId' | 'retries'> & { content: TestMailContent };

function newMail(kind: MailKind, from: Director, subject: string, index: number, seed: number): Planned {
  const messageId = `campaign-${seed}-${kind}-${index}@ac-dijon.fr`;
  return {
    kind,
    from: from.email,
    messageId,
    subject,
    content: {
      from: `${from.name} <${from.email}>`,
      to: DESK_ADDRESS,
      subject,
      text: `Bonjour,\n\n${subject}. Pouvez-vous m’aider ?\n\nCordialement,\n${from.name}`,
      messageId,
    },
  };
}

/** The first wave: new requests (some over the cap), and the mails refused and answered. */
function planFirstWave(options: CampaignOptions, directors: Director[]): Planned[] {
  const random = seeded(options.seed);
  const shuffled = random.shuffle(directors);
  const overCap = shuffled.slice(0, options.overCapDirectors);
  const others = shuffled.slice(options.overCapDirectors);
  const mails: Planned[] = [];
  let index = 0;
  for (const director of overCap) {
    for (let n = 0; n < DAILY_REQUEST_CAP + options.overCapBy; n++) {
      mails.push(
        newMail('over_cap', director, `LSUN : ${random.pick(TOPICS)} (${index})`, index++, options.seed),
      );
    }
  }
  const perDirector = new Map<string, number>();
  while (mails.length < options.requests) {
    const director = random.pick(others);
    const sent = perDirector.get(director.email) ?? 0;
    // Under the cap: only the chosen directors reach it.
    if (sent >= DAILY_REQUEST_CAP - 1) continue;
    perDirector.set(director.email, sent + 1);
    mails.push(
      newMail('request', director, `LSUN : ${random.pick(TOPICS)} (${index})`, index++, options.seed),
    );
  }
  // A mail without the keyword counts against its sender's cap too (the cap is checked first, so
  // that a flood is not answered): each director stays within it.
  for (let planned = 0; planned < options.noKeyword; ) {
    const director = random.pick(others);
    const sent = perDirector.get(director.email) ?? 0;
    if (sent >= DAILY_REQUEST_CAP) continue;
    perDirector.set(director.email, sent + 1);
    planned++;
    const subject = `Question sur ${random.pick(TOPICS)} (${index})`;
    mails.push(newMail('no_keyword', director, subject, index++, options.seed));
  }
  for (let n = 0; n < options.notDirector; n++) {
    const stranger = { email: `enseignant.${options.seed}.${n}@ac-dijon.fr`, name: `Enseignant ${n}` };
    mails.push(
      newMail('not_director', stranger, `LSUN : ${random.pick(TOPICS)} (${index})`, index++, options.seed),
    );
  }
  return random.shuffle(mails);
}

/** The second wave: follow-ups on the tickets the first opened, from their directors. */
function planFollowUps(
  options: CampaignOptions,
  opened: Array<{ mail: CampaignMail; ticketNumber: string }>,
): Planned[] {
  const random = seeded(options.seed + 1);
  const mails: Planned[] = [];
  for (let n = 0; n < options.followUps && opened.length > 0; n++) {
    const { mail, ticketNumber } = random.pick(opened);
    const subject = `RE: [${ticketNumber}] ${mail.subject}`;
    const planned = newMail('follow_up', { email: mail.from, name: '' }, subject, 10_000 + n, options.seed);
    planned.ticketNumber = ticketNumber;
    planned.content = {
      ...planned.content,
      from: mail.from,
      text: `Bonjour,\n\nToujours bloqué (${n}).\n\nCordialement`,
      inReplyTo: mail.messageId,
      references: [mail.messageId],
    };
    mails.push(planned);
  }
  return mails;
}

/** SMTP's answer carries the SES id the stand-in gave the mail. */
function sesIdOf(response: string): string | undefined {
  return /\b([a-z0-9]{40})\b/.exec(response)?.[1];
}

/** Sends one mail as an MTA would: a 451 or a cut connection is tried again, with a pause. */
async function deliver(mailer: TestMailer, planned: Planned): Promise<CampaignMail> {
  let retries = 0;
  for (;;) {
    try {
      const sent = await mailer.send(planned.content);
      const sesMessageId = sesIdOf(sent.response);
      if (!sesMessageId) throw new Error(`SMTP answered without an SES id: ${sent.response}`);
      const { content: _content, ...mail } = planned;
      return { ...mail, sesMessageId, retries };
    } catch (error) {
      const code = (error as { responseCode?: number }).responseCode;
      if (code !== undefined && code >= 500) throw error;
      retries++;
      if (retries > 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 * Math.min(retries, 10)));
    }
  }
}

async function sendAll(mailer: TestMailer, planned: Planned[], connections: number): Promise<CampaignMail[]> {
  const results: CampaignMail[] = new Array(planned.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (next < planned.length) {
        const index = next++;
        const mail = planned[index];
        if (mail) results[index] = await deliver(mailer, mail);
      }
    }),
  );
  return results;
}

/** Messages still in the chain's queues: visible, in flight, or delayed. */
async function pendingMessages(sqs: SQSClient, desk: RunningDesk): Promise<number> {
  return (await queueDepths(sqs, desk)).reduce((sum, depth) => sum + depth.total, 0);
}

/** Each chain queue's messages: visible, in flight, delayed. */
async function queueDepths(sqs: SQSClient, desk: RunningDesk) {
  const counts = await Promise.all(
    CHAIN.map(async (stage) => {
      const { Attributes = {} } = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: desk.resources.queueUrls[stage],
          AttributeNames: [
            'ApproximateNumberOfMessages',
            'ApproximateNumberOfMessagesNotVisible',
            'ApproximateNumberOfMessagesDelayed',
          ],
        }),
      );
      const visible = Number(Attributes.ApproximateNumberOfMessages ?? 0);
      const inFlight = Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0);
      const delayed = Number(Attributes.ApproximateNumberOfMessagesDelayed ?? 0);
      return { stage, visible, inFlight, delayed, total: visible + inFlight + delayed };
    }),
  );
  return counts;
}

/**
 * Waits until the chain's queues stay empty for a second: every record handled, or dead-lettered.
 * Gives up after `stallMs` without the backlog shrinking.
 */
async function quiet(
  sqs: SQSClient,
  desk: RunningDesk,
  stallMs: number,
  proxies: FaultProxy[],
): Promise<void> {
  let best = Number.POSITIVE_INFINITY;
  let progressAt = performance.now();
  let emptySince: number | undefined;
  for (;;) {
    const pending = await pendingMessages(sqs, desk);
    const now = performance.now();
    if (pending < best) {
      best = pending;
      progressAt = now;
    }
    if (pending === 0) {
      emptySince ??= now;
      if (now - emptySince >= 1_000) return;
    } else emptySince = undefined;
    if (now - progressAt > stallMs) {
      const depths = (await queueDepths(sqs, desk))
        .map((d) => `${d.stage} ${d.visible} visible, ${d.inFlight} in flight, ${d.delayed} delayed`)
        .join('; ');
      const waiting = proxies.map((proxy) => `${proxy.service} ${proxy.inFlight()}`).join(', ');
      throw new Error(
        `the desk's queues still hold ${pending} message(s): ${depths}; requests unanswered: ${waiting}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

type Item = Record<string, unknown>;

/**
 * Waits until no send is `sending` any more (each claim's lease over and the sweeper past), or
 * the longest lease has run out: what is still `sending` then is counted as it stands.
 */
async function claimsSettled(db: ReturnType<typeof documentClient>, tableName: string): Promise<void> {
  const deadline = performance.now() + LEASE_WAIT_MS;
  while (performance.now() < deadline) {
    // The sweeper's index holds every mail in flight, keys only: each one's status is in the table.
    const inFlight = await queryAll(db, {
      TableName: tableName,
      IndexName: 'gsi4',
      KeyConditionExpression: 'gsi4pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.outboxInFlightPartition() },
    });
    const states = await Promise.all(
      inFlight.map(async ({ pk, sk }) => {
        const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: { pk, sk } }));
        return Item?.status;
      }),
    );
    if (!states.includes('sending')) return;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

async function queryAll(
  db: ReturnType<typeof documentClient>,
  input: ConstructorParameters<typeof QueryCommand>[0],
): Promise<Item[]> {
  const items: Item[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await db.send(new QueryCommand({ ...input, ExclusiveStartKey }));
    items.push(...((page.Items ?? []) as Item[]));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}

/** The outbox ids of the messages waiting in a dead-letter queue (read without taking them). */
async function deadLetters(sqs: SQSClient, queueUrl: string): Promise<Array<Record<string, unknown>>> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
  );
  const total = Number(Attributes.ApproximateNumberOfMessages ?? 0);
  const bodies: Array<Record<string, unknown>> = [];
  // A long visibility keeps each message hidden once read, so every one is read once.
  for (let rounds = 0; bodies.length < total && rounds < total + 5; rounds++) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 600 }),
    );
    if (Messages.length === 0) break;
    for (const message of Messages) bodies.push(JSON.parse(message.Body ?? '{}') as Record<string, unknown>);
  }
  return bodies;
}

const lower = (value: unknown) =>
  String(value ?? '')
    .trim()
    .toLowerCase();
const bare = (id: string | undefined) => (id ?? '').trim().replace(/^<|>$/g, '').toLowerCase();

/**
 * The final states of a send that did not reach SES, which a person sees for what they are (the
 * mailer's states): refused for good (`failed`), or claimed by a function that died before it
 * recorded SES's answer (`unknown`, « envoi incertain »: the outbox sweeper marks it so once the
 * claim's lease is over).
 */
const VISIBLE_FAILURES = new Set(['failed', 'unknown']);

/** The mailer's lease on a claim (`SEND_LEASE_SECONDS`), and a margin for the sweeper's tick. */
const LEASE_WAIT_MS = 60_000 + 15_000;

/** Runs the whole campaign: desk and proxies started, mails sent, the desk drained, counts taken. */
export async function runFaultCampaign(options: CampaignOptions): Promise<CampaignReport> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const started = performance.now();
  const phase = options.onPhase ?? (() => undefined);
  const refused = refusedForGood(options.seed, options.refusedShare);
  const keyDir = mkdtempSync(path.join(tmpdir(), 'lsun-faults-'));
  // All at once, so that no proxy takes a port meant for a stand-in.
  const [smtp = 0, http = 0, ses = 0, dynamodb = 0, sqs = 0, ...proxyPorts] = await freePorts(9);
  const proxies: FaultProxy[] = [];
  let desk: RunningDesk | undefined;
  let mailer: TestMailer | undefined;
  try {
    phase('proxies and desk');
    const target = (port: number) => `http://127.0.0.1:${port}`;
    for (const [service, port, proxyPort] of [
      ['dynamodb', dynamodb, proxyPorts[0]],
      ['sqs', sqs, proxyPorts[1]],
      ['s3', sqs, proxyPorts[2]],
      ['ses', ses, proxyPorts[3]],
    ] as const) {
      const rates = { ...options.rates[service], ...(service === 'ses' ? { refuses: refused } : {}) };
      proxies.push(
        await startFaultProxy({ service, target: target(port), port: proxyPort, seed: options.seed, rates }),
      );
    }
    const endpointOf = (service: string) =>
      proxies.find((proxy) => proxy.service === service)?.endpoint ?? '';
    // Faults start once the desk is up: its start (directory seed, resources) is no part of the campaign.
    for (const proxy of proxies) proxy.setEnabled(false);
    desk = await startDesk({
      ports: { smtp, http, ses, dynamodb, sqs },
      dataDir: undefined,
      seedDirectory: path.join(ROOT, 'data', 'annuaire-demo.csv'),
      jwtKeyPath: path.join(keyDir, 'key.json'),
      env: {
        POWERTOOLS_LOG_LEVEL: 'SILENT',
        AWS_ENDPOINT_URL_DYNAMODB: endpointOf('dynamodb'),
        AWS_ENDPOINT_URL_SQS: endpointOf('sqs'),
        AWS_ENDPOINT_URL_S3: endpointOf('s3'),
        AWS_ENDPOINT_URL_SESV2: endpointOf('ses'),
      },
      pollersPerStage: options.pollersPerStage,
      // The outbox sweeper (every 5 minutes in AWS) marks the claims of dead functions `unknown`.
      schedulerTickMs: 5_000,
    });
    const clients = makeLocalClients(desk.endpoints);
    const db = documentClient(clients.dynamodb);
    for (const stage of CHAIN) {
      await clients.sqs.send(
        new SetQueueAttributesCommand({
          QueueUrl: desk.resources.queueUrls[stage],
          Attributes: { VisibilityTimeout: String(options.visibilityTimeoutSeconds) },
        }),
      );
    }
    for (const proxy of proxies) proxy.setEnabled(true);

    mailer = openTestMailer({
      port: desk.smtpPort,
      maxConnections: options.connections,
      helo: 'smtp.ac-dijon.fr',
    });
    const directors = readDirectors();

    phase('first wave: new requests and refusals');
    const first = await sendAll(mailer, planFirstWave(options, directors), options.connections);
    phase(`first wave sent (${first.length} mails); waiting for the desk to be quiet`);
    await quiet(clients.sqs, desk, options.stallMs, proxies);

    // Follow-ups continue the tickets the first wave opened (read from the log as it stands).
    const entryOf = async (sesMessageId: string) =>
      (
        await db.send(
          new QueryCommand({
            TableName: desk?.resources.tableName,
            KeyConditionExpression: 'pk = :pk AND sk = :sk',
            ExpressionAttributeValues: { ':pk': keys.intakeEntry(sesMessageId).pk, ':sk': 'ENTRY' },
          }),
        )
      ).Items?.[0];
    const opened: Array<{ mail: CampaignMail; ticketNumber: string }> = [];
    for (const mail of first) {
      if (mail.kind !== 'request') continue;
      const entry = await entryOf(mail.sesMessageId);
      if (entry?.outcome === 'ticket_created' && typeof entry.ticketNumber === 'string') {
        opened.push({ mail, ticketNumber: entry.ticketNumber });
      }
    }
    phase('second wave: follow-ups');
    const second = await sendAll(mailer, planFollowUps(options, opened), options.connections);
    phase(`second wave sent (${second.length} mails); waiting for the desk to be quiet`);
    await quiet(clients.sqs, desk, options.stallMs, proxies);
    // The campaign's faults end here. A mail whose function died between its claim and SES's
    // answer stays `sending` until its lease is over; then the sweeper's tick marks it `unknown`.
    for (const proxy of proxies) proxy.setEnabled(false);
    phase('waiting for the leases of the claims left by dead functions');
    await claimsSettled(db, desk.resources.tableName);
    phase('counting');

    const mails = [...first, ...second];
    const report = await countResults(mails, desk, db, clients.sqs, refused);
    const faults: FaultCounts = {};
    const requests: Record<string, number> = {};
    for (const proxy of proxies) {
      requests[proxy.service] = Object.values(proxy.requests()).reduce((sum, count) => sum + count, 0);
      for (const [kind, count] of Object.entries(proxy.faults())) {
        if (count) faults[`${proxy.service}.${kind}`] = count;
      }
    }
    for (const client of Object.values(clients)) client.destroy();
    return {
      seed: options.seed,
      mails: mails.length,
      smtpRetries: mails.reduce((sum, mail) => sum + mail.retries, 0),
      faults,
      requests,
      ...report,
      wallMs: Math.round(performance.now() - started),
    };
  } finally {
    mailer?.close();
    await desk?.stop();
    for (const proxy of proxies) await proxy.stop();
    rmSync(keyDir, { recursive: true, force: true });
  }
}

async function countResults(
  mails: CampaignMail[],
  desk: RunningDesk,
  db: ReturnType<typeof documentClient>,
  sqs: SQSClient,
  refused: (recipient: string) => boolean,
): Promise<Omit<CampaignReport, 'seed' | 'mails' | 'smtpRetries' | 'faults' | 'requests' | 'wallMs'>> {
  const table = desk.resources.tableName;

  // The intake log, all of it: by SES id, and by Message-ID (an attempt answered 451 after its
  // mail was queued has an entry of its own, which the claim of its Message-ID makes a duplicate).
  const entries = await queryAll(db, {
    TableName: table,
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :pk',
    ExpressionAttributeValues: { ':pk': keys.intakePartition() },
  });
  const bySesId = new Map(entries.map((entry) => [String(entry.sesMessageId), entry]));
  const byMessageId = new Map<string, Item[]>();
  for (const entry of entries) {
    const id = bare(entry.messageId as string | undefined);
    byMessageId.set(id, [...(byMessageId.get(id) ?? []), entry]);
  }

  const lost = mails.filter((mail) => !bySesId.has(mail.sesMessageId));
  const outcomeCounts: Partial<Record<Outcome, number>> = {};
  const notExactlyOneOutcome: CampaignReport['notExactlyOneOutcome'] = [];
  const unexpectedOutcome: CampaignReport['unexpectedOutcome'] = [];
  const expected: Record<MailKind, string[]> = {
    request: ['ticket_created'],
    over_cap: ['ticket_created', 'rate_limited'],
    follow_up: ['follow_up'],
    no_keyword: ['no_keyword'],
    not_director: ['not_director'],
  };
  const outcomeOf = new Map<string, Item>();
  for (const mail of mails) {
    const all = byMessageId.get(bare(mail.messageId)) ?? [];
    const decided = all.filter((entry) => entry.outcome !== 'duplicate');
    if (decided.length !== 1) {
      notExactlyOneOutcome.push({ mail, outcomes: all.map((entry) => String(entry.outcome)) });
      continue;
    }
    const [entry] = decided as [Item];
    outcomeOf.set(mail.messageId, entry);
    const outcome = String(entry.outcome) as Outcome;
    outcomeCounts[outcome] = (outcomeCounts[outcome] ?? 0) + 1;
    if (!expected[mail.kind].includes(outcome)) unexpectedOutcome.push({ mail, outcome });
  }
  const capMiscounted: CampaignReport['capMiscounted'] = [];
  const overCap = new Map<string, { tickets: number; rateLimited: number; sent: number }>();
  for (const mail of mails.filter((m) => m.kind === 'over_cap')) {
    const tally = overCap.get(mail.from) ?? { tickets: 0, rateLimited: 0, sent: 0 };
    tally.sent++;
    const outcome = outcomeOf.get(mail.messageId)?.outcome;
    if (outcome === 'ticket_created') tally.tickets++;
    if (outcome === 'rate_limited') tally.rateLimited++;
    overCap.set(mail.from, tally);
  }
  for (const [director, tally] of overCap) {
    if (tally.tickets !== DAILY_REQUEST_CAP || tally.rateLimited !== tally.sent - DAILY_REQUEST_CAP) {
      capMiscounted.push({ director, tickets: tally.tickets, rateLimited: tally.rateLimited });
    }
  }

  // Tickets and their messages: which mails each holds, and the sends recorded on it.
  const tickets = await queryAll(db, {
    TableName: table,
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :pk',
    ExpressionAttributeValues: { ':pk': keys.allTicketsPartition() },
  });
  const ticketsOfMail = new Map<string, string[]>();
  const sends: Item[] = [];
  for (const ticket of tickets) {
    const number = String(ticket.number);
    const messages = await queryAll(db, {
      TableName: table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :msg)',
      ExpressionAttributeValues: { ':pk': keys.ticket(number).pk, ':msg': keys.ticketItemPrefix.message },
    });
    for (const message of messages) {
      if (message.direction === 'in') {
        const id = bare(message.messageId as string | undefined);
        ticketsOfMail.set(id, [...(ticketsOfMail.get(id) ?? []), number]);
      } else sends.push(message);
    }
  }
  const duplicateTickets: CampaignReport['duplicateTickets'] = [];
  const followUpsNotOnce: CampaignReport['followUpsNotOnce'] = [];
  for (const mail of mails) {
    const holding = ticketsOfMail.get(bare(mail.messageId)) ?? [];
    const outcome = outcomeOf.get(mail.messageId)?.outcome;
    if (mail.kind === 'follow_up') {
      if (holding.length !== 1) followUpsNotOnce.push({ messageId: mail.messageId, found: holding.length });
    } else if (outcome === 'ticket_created' && holding.length !== 1) {
      duplicateTickets.push({ messageId: mail.messageId, tickets: holding });
    }
  }

  // The automatic replies beside the intake entries (no keyword, not a director, the quota notice).
  for (const entry of entries) {
    if (!entry.reply) continue;
    const { Items = [] } = await db.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :pk AND sk = :sk',
        ExpressionAttributeValues: { ':pk': keys.intakeReply(String(entry.sesMessageId)).pk, ':sk': 'REPLY' },
      }),
    );
    sends.push(...(Items as Item[]));
  }

  // What SES took: one mail per recipient and mail answered, never two.
  const stored: SentMail[] = await sentMails(desk.endpoints.ses);
  const perThread = new Map<string, number>();
  for (const mail of stored) {
    for (const to of mail.destination.to) {
      const key = `${lower(to)}|${bare(headerOf(mail, 'In-Reply-To'))}|${mail.subject}`;
      perThread.set(key, (perThread.get(key) ?? 0) + 1);
    }
  }
  const duplicateAcks = [...perThread]
    .filter(([, count]) => count > 1)
    .map(([key, count]) => {
      const [to = '', inReplyTo = ''] = key.split('|');
      return { to, inReplyTo, count };
    });
  const storedKeys = new Set(
    stored.flatMap((mail) => mail.destination.to.map((to) => `${lower(to)}|${mail.subject}`)),
  );

  // Dead letters: the outbox's name the mails they hold.
  const deadLetterCounts: Record<string, number> = {};
  const deadOutboxIds = new Set<string>();
  for (const stage of CHAIN) {
    const bodies = await deadLetters(sqs, desk.resources.deadLetterQueueUrls[stage]);
    deadLetterCounts[stage] = bodies.length;
    if (stage === 'outbox') for (const body of bodies) deadOutboxIds.add(String(body.outboxId));
  }

  const sentByPurpose: Record<string, number> = {};
  const sendStates: Record<string, number> = {};
  const silentFailures: CampaignReport['permanentFailures']['silent'] = [];
  const silentlyUnsent: CampaignReport['silentlyUnsent'] = [];
  let expectedFailures = 0;
  let visibleFailures = 0;
  for (const send of sends) {
    const to = lower(send.to);
    const status = String(send.status);
    const outboxId = String(send.outboxId ?? send.id);
    const purpose = String(send.purpose);
    sendStates[status] = (sendStates[status] ?? 0) + 1;
    const tookIt = storedKeys.has(`${to}|${send.subject}`);
    if (tookIt) sentByPurpose[purpose] = (sentByPurpose[purpose] ?? 0) + 1;
    const visible = VISIBLE_FAILURES.has(status) || deadOutboxIds.has(outboxId);
    if (refused(to)) {
      expectedFailures++;
      if (visible) visibleFailures++;
      else silentFailures.push({ to, outboxId, status });
    } else if (!tookIt && !visible) {
      silentlyUnsent.push({ to, outboxId, purpose, status });
    }
  }

  return {
    lost,
    outcomeCounts,
    notExactlyOneOutcome,
    unexpectedOutcome,
    capMiscounted,
    tickets: tickets.length,
    duplicateTickets,
    followUpsNotOnce,
    duplicateAcks,
    sentByPurpose,
    permanentFailures: { expected: expectedFailures, visible: visibleFailures, silent: silentFailures },
    silentlyUnsent,
    sendStates,
    deadLetters: deadLetterCounts,
  };
}

/** The report in a few lines of French, for the benchmark and the test's output. */
export function formatCampaign(report: CampaignReport): string {
  const faults = Object.entries(report.faults)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([kind, count]) => `    ${kind.padEnd(34)} ${count}`)
    .join('\n');
  const dead = Object.entries(report.deadLetters)
    .map(([stage, count]) => `${stage} ${count}`)
    .join(', ');
  return [
    `Campagne de pannes (graine ${report.seed})`,
    `  courriels envoyés (250)            ${report.mails} (451 puis réessayés : ${report.smtpRetries})`,
    `  requêtes des handlers              ${Object.entries(report.requests)
      .map(([s, n]) => `${s} ${n}`)
      .join(', ')}`,
    `  pannes injectées par type :\n${faults}`,
    `  issues : ${Object.entries(report.outcomeCounts)
      .map(([o, n]) => `${o} ${n}`)
      .join(', ')}`,
    `  perdus                             ${report.lost.length}`,
    `  sans issue unique                  ${report.notExactlyOneOutcome.length}`,
    `  issue inattendue                   ${report.unexpectedOutcome.length}`,
    `  tickets                            ${report.tickets}`,
    `  tickets en double                  ${report.duplicateTickets.length}`,
    `  relances absentes ou en double     ${report.followUpsNotOnce.length}`,
    `  accusés/réponses en double         ${report.duplicateAcks.length}`,
    `  envois pris par SES                ${Object.entries(report.sentByPurpose)
      .map(([p, n]) => `${p} ${n}`)
      .join(', ')}`,
    `  refus définitifs visibles          ${report.permanentFailures.visible} / ${report.permanentFailures.expected}`,
    `  envois non partis sans trace       ${report.silentlyUnsent.length}`,
    `  états des envois                   ${Object.entries(report.sendStates)
      .map(([s, n]) => `${s} ${n}`)
      .join(', ')}`,
    `  lettres mortes                     ${dead}`,
    `  durée                              ${(report.wallMs / 1000).toFixed(1)} s`,
  ].join('\n');
}
