/**
 * The whole desk on one machine: the AWS stand-ins, the desk's resources on them, and the real
 * handlers in between, called the way AWS calls them (SES receipt → `receive`, the SQS event
 * source mappings → `screen`, `ticket`, `mailer`, `broadcast-send`, `ses-events`, `kb-export`,
 * EventBridge Scheduler → `broadcast-plan`, `ticket-housekeeping`, `outbox-sweep`, `mail-watch`,
 * API Gateway → `api`, CloudFront → the console and the public knowledge base `/kb/`).
 *
 * `npm start`, the end-to-end tests and the benchmark all run this same function.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Context } from 'aws-lambda';
import { loadConfig } from '#shared/config.ts';
import { honourConfiguredLogLevel } from '#shared/logger.ts';
import { setMetricsSink } from '#shared/metrics.ts';
import { pipeline, type TickEntry } from '#shared/pipeline.ts';
import { consoleLocalRoutes, consoleStaticHeaders } from './console-auth.ts';
import {
  freePort,
  type LocalEndpoints,
  makeLocalClients,
  type RunningEmulator,
  startDynamoDbLocal,
} from './emulators.ts';
import { type HttpFront, startHttpFront } from './http-front.ts';
import { LOCAL_AUDIENCE, LOCAL_PORTAL_CLIENT_ID, verifyToken } from './jwt.ts';
import { makeMetricsStore, metricsRoute } from './metrics.ts';
import { messagesIn } from './queue-depths.ts';
import { type DeskResources, deskEnvironment, ensureDeskResources } from './resources.ts';
import { type QueueConsumer, startQueueRunner } from './runner.ts';
import { type RunningStandIns, type SentMailNotice, startStandInsWorker } from './stand-ins-worker.ts';
import { makeTtlSweep, SWEEP_EVERY_MS } from './ttl-sweeper.ts';

/** Where each part listens. 0 picks a free port (tests). */
export type DeskPorts = { smtp: number; http: number; ses: number; dynamodb: number; sqs: number };

export type DeskOptions = {
  ports: DeskPorts;
  /** Folder for DynamoDB Local's data, kept across restarts; undefined keeps it in memory (tests). */
  dataDir: string | undefined;
  /** CSV loaded into the directory on first start (when the data folder is new). */
  seedDirectory?: string;
  /**
   * JSON array of articles (`data/kb-demo.json`) created and published on first start, then
   * exported, so the public knowledge base is full from the first minute.
   */
  seedArticles?: string;
  /** Folder of the built console, served next to the API when present. */
  consoleDir?: string;
  /** Key file of the local identity provider (default `.data/local-jwt-key.json`). */
  jwtKeyPath?: string;
  /** Extra environment for the handlers (caps, log level...), validated like any configuration. */
  env?: Record<string, string>;
  /** Runner pollers per stage (Lambda's concurrency stand-in). */
  pollersPerStage?: number;
  /**
   * How often the scheduler's ticks run (`broadcast-plan`, `ticket-housekeeping`); default: each
   * at the pipeline's rate (every minute, every hour).
   */
  schedulerTickMs?: number;
  /**
   * Runs around every handler call, given the function's name (the cost benchmark times each
   * invocation and attributes its requests); default: the call alone.
   */
  around?: (functionName: string, call: () => Promise<unknown>) => Promise<unknown>;
};

export type RunningDesk = {
  endpoints: LocalEndpoints;
  resources: DeskResources;
  smtpPort: number;
  httpUrl: string;
  /**
   * The desk's processes, for the benches' CPU and memory: this one (the runner, the handlers,
   * the HTTP front, and the stand-ins' thread: fauxqs, SES, and SES receiving with mailauth) and
   * DynamoDB Local's Java (when found).
   */
  pids: { desk: number; dynamodb: number | undefined };
  /**
   * Calls `listener` for each mail the SES stand-in stores from now on (it runs on another
   * thread: the benches' outbox probe learns of the mails here); returns the unsubscribe.
   */
  onSentMail(listener: (mail: SentMailNotice) => void): () => void;
  /** Stops accepting mail, lets the queues empty (a few seconds at most), then stops everything. */
  stop(): Promise<void>;
};

const lambdaContext = (functionName: string): Context =>
  ({
    functionName,
    awsRequestId: `local-${Date.now()}`,
    getRemainingTimeInMillis: () => 10_000,
  }) as unknown as Context;

/** The module with its handler called through `around`, when there is one. */
function wrapped<M extends { handler: unknown }>(name: string, module: M, around: DeskOptions['around']): M {
  if (around === undefined) return module;
  const handler = module.handler as (...args: unknown[]) => Promise<unknown>;
  return { ...module, handler: (...args: unknown[]) => around(name, () => handler(...args)) };
}

/** Starts the desk. Everything started is stopped again if a later part fails to start. */
export async function startDesk(options: DeskOptions): Promise<RunningDesk> {
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };
  try {
    const dynamodbPath = options.dataDir && path.join(options.dataDir, 'dynamodb');
    // In memory (tests), every start is a first start.
    const firstStart = dynamodbPath === undefined || !existsSync(dynamodbPath);
    if (dynamodbPath) mkdirSync(dynamodbPath, { recursive: true });

    const starting = await Promise.allSettled([
      startDynamoDbLocal({ port: options.ports.dynamodb, dbPath: dynamodbPath }),
      // On a thread of their own, so that they run on the other core (stand-ins-worker.ts);
      // on disk with a data folder, as AWS keeps them (docs/ARCHITECTURE.md, « crash »).
      startStandInsWorker({
        sqsPort: options.ports.sqs,
        sesPort: options.ports.ses,
        dataDir: options.dataDir,
      }),
    ]);
    // The stand-ins that did come up are stopped too when another one failed (a port taken).
    for (const result of starting) {
      if (result.status === 'fulfilled') stops.push(() => result.value.stop());
    }
    const failed = starting.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
    const dynamodb = (starting[0] as PromiseFulfilledResult<RunningEmulator>).value;
    const standIns = (starting[1] as PromiseFulfilledResult<RunningStandIns>).value;
    const endpoints: LocalEndpoints = {
      dynamodb: dynamodb.endpoint,
      sqs: standIns.sqs,
      s3: standIns.sqs,
      ses: standIns.ses,
    };
    const clients = makeLocalClients(endpoints);
    stops.push(async () => {
      for (const client of Object.values(clients)) client.destroy();
    });
    const resources = await ensureDeskResources(clients, {
      tableName: 'assistance-lsun-local',
      bucket: 'assistance-lsun-raw-mail',
      kbBucket: 'assistance-lsun-kb',
      queuePrefix: 'assistance-lsun-',
    });

    // The public pages' links name the HTTP front, so its port is known before the handlers load.
    const httpHost = '127.0.0.1';
    const httpPort = options.ports.http === 0 ? await freePort() : options.ports.http;
    const publicBaseUrl = `http://${httpHost}:${httpPort}`;

    // The handlers' metrics land here, not in the terminal, and are served at /api/metrics.
    const metrics = makeMetricsStore();
    setMetricsSink(metrics.sink);
    stops.push(async () => setMetricsSink(undefined));

    // The handlers read their configuration once, at import, as on Lambda.
    Object.assign(process.env, deskEnvironment(resources, endpoints, { publicBaseUrl }), options.env);
    honourConfiguredLogLevel();
    const [
      receive,
      screen,
      ticket,
      mailer,
      api,
      broadcastSend,
      sesEvents,
      broadcastPlan,
      kbExport,
      housekeeping,
      outboxSweep,
      mailWatch,
    ] = await Promise.all([
      import('#functions/receive.ts').then((m) => wrapped('receive', m, options.around)),
      import('#functions/screen.ts').then((m) => wrapped('screen', m, options.around)),
      import('#functions/ticket.ts').then((m) => wrapped('ticket', m, options.around)),
      import('#functions/mailer.ts').then((m) => wrapped('mailer', m, options.around)),
      import('#functions/api.ts').then((m) => wrapped('api', m, options.around)),
      import('#functions/broadcast-send.ts').then((m) => wrapped('broadcast-send', m, options.around)),
      import('#functions/ses-events.ts').then((m) => wrapped('ses-events', m, options.around)),
      import('#functions/broadcast-plan.ts').then((m) => wrapped('broadcast-plan', m, options.around)),
      import('#functions/kb-export.ts').then((m) => wrapped('kb-export', m, options.around)),
      import('#functions/ticket-housekeeping.ts').then((m) =>
        wrapped('ticket-housekeeping', m, options.around),
      ),
      import('#functions/outbox-sweep.ts').then((m) => wrapped('outbox-sweep', m, options.around)),
      import('#functions/mail-watch.ts').then((m) => wrapped('mail-watch', m, options.around)),
    ]);

    if (firstStart && options.seedDirectory) await seedDirectory(options.seedDirectory, clients, resources);
    // Before the runner starts: the export it queues waits for it.
    if (firstStart && options.seedArticles) await seedDemoArticles(options.seedArticles, clients);

    const runner = startQueueRunner({
      sqs: clients.sqs,
      stages: (await import('#shared/pipeline.ts')).allStages,
      queueUrls: resources.queueUrls,
      handlers: {
        screen: screen.handler as unknown as QueueConsumer,
        ticket: ticket.handler as unknown as QueueConsumer,
        mailer: mailer.handler as unknown as QueueConsumer,
        'broadcast-send': broadcastSend.handler as unknown as QueueConsumer,
        'ses-events': sesEvents.handler as unknown as QueueConsumer,
        'kb-export': kbExport.handler as unknown as QueueConsumer,
      },
      maxPollersPerStage: options.pollersPerStage,
    });
    stops.push(() => runner.stop());

    // EventBridge Scheduler's stand-in: the same ticks, calling the same handlers.
    const ticks = startSchedulerTicks(
      {
        'broadcast-plan': () => broadcastPlan.handler({}, lambdaContext('broadcast-plan')),
        'ticket-housekeeping': () => housekeeping.handler({}, lambdaContext('ticket-housekeeping')),
        'outbox-sweep': () => outboxSweep.handler({}, lambdaContext('outbox-sweep')),
        'mail-watch': () => mailWatch.handler({}, lambdaContext('mail-watch')),
      },
      options.schedulerTickMs,
    );
    stops.push(() => ticks.stop());
    const sweeper = startSchedulerTick(
      await makeTtlSweep(clients.dynamodb, resources.tableName),
      options.schedulerTickMs ?? SWEEP_EVERY_MS,
    );
    stops.push(() => sweeper.stop());

    // SES receiving runs on the stand-ins' thread (SMTP, mailauth, the S3 put), as it runs
    // outside the desk on AWS; each mail's event comes back here to `receive`, like the Lambda
    // action's invocation, and its sender gets 250 once `receive` has returned.
    const { deskAddresses } = loadConfig();
    const smtp = await standIns.startSmtp(
      { port: options.ports.smtp, bucket: resources.bucket, keyPrefix: 'incoming/', deskAddresses },
      async (event) => {
        await (receive.handler as unknown as (e: unknown, c: Context) => Promise<void>)(
          event,
          lambdaContext('receive'),
        );
      },
    );
    stops.push(async () => {
      await smtp.stop();
      await waitForEmptyQueues(clients.sqs, resources, 10_000);
    });

    const front: HttpFront = await startHttpFront({
      host: httpHost,
      port: httpPort,
      apiHandler: api.handler as never,
      verify: (token, audiences) =>
        verifyToken(token, { keyPath: options.jwtKeyPath, ...(audiences ? { audiences } : {}) }),
      // As in AWS: the console's client too, so that a staff token is refused 403 (no scope), not 401.
      portalAudiences: [LOCAL_PORTAL_CLIENT_ID, LOCAL_AUDIENCE],
      staticDir: options.consoleDir && existsSync(options.consoleDir) ? options.consoleDir : undefined,
      staticHeaders: consoleStaticHeaders,
      localRoutes: consoleLocalRoutes({ keyPath: options.jwtKeyPath }),
      localApi: { 'GET /api/metrics': metricsRoute(metrics) },
      kb: { s3: clients.s3, bucket: resources.kbBucket },
    });
    stops.push(() => front.stop());

    return {
      endpoints,
      resources,
      smtpPort: smtp.port,
      httpUrl: front.url,
      pids: { desk: process.pid, dynamodb: dynamodb.pid },
      onSentMail: (listener) => standIns.onSentMail(listener),
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/**
 * One local tick per tick of `pipeline.ticks`, each calling its handler at the tick's rate, or
 * every `intervalMs` when given (tests); `stop` stops them all and waits for the running ones.
 */
export function startSchedulerTicks(
  handlers: Record<TickEntry, () => Promise<unknown>>,
  intervalMs?: number,
): { stop(): Promise<void> } {
  const started = pipeline.ticks.map(({ entry, everyMinutes }) =>
    startSchedulerTick(handlers[entry], intervalMs ?? everyMinutes * 60_000),
  );
  return {
    stop: async () => {
      await Promise.all(started.map((tick) => tick.stop()));
    },
  };
}

/**
 * Calls `tick` every `intervalMs`, one call at a time (a slow tick is not overlapped, as a
 * schedule's invocations rarely are); a failing tick is reported and the next one runs.
 */
export function startSchedulerTick(
  tick: () => Promise<unknown>,
  intervalMs: number,
): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    running = tick()
      .catch((error: unknown) => {
        process.stderr.write(
          `Scheduler tick failed: ${error instanceof Error ? error.message : String(error)}\n`,
        );
      })
      .finally(() => {
        busy = false;
      });
  }, intervalMs);
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}

async function seedDirectory(
  file: string,
  clients: ReturnType<typeof makeLocalClients>,
  resources: DeskResources,
): Promise<void> {
  const { readFile } = await import('node:fs/promises');
  const { documentClient } = await import('#shared/adapters/aws-clients.ts');
  const { makeDirectoryStore } = await import('#shared/adapters/directory-store.ts');
  const { importDirectoryFile } = await import('#shared/directory/import.ts');
  const store = makeDirectoryStore({
    client: documentClient(clients.dynamodb),
    tableName: resources.tableName,
  });
  await importDirectoryFile(await readFile(file), store, {
    apply: true,
    now: new Date(),
    actor: 'npm start',
  });
}

/** The demo articles' author: the demo administrator, who may publish. */
const DEMO_ARTICLES_ACTOR = { email: 'admin@ac-dijon.fr', groups: ['admin'] } as const;

/** Raised when the demo articles' file cannot be read as a list of articles. */
export class DemoArticlesError extends Error {
  override name = 'DemoArticlesError';
}

/**
 * Creates and publishes the demo articles in file order (ids "1", "2", … as the labelled
 * questions expect), through the same step as the console, which queues one full export.
 */
async function seedDemoArticles(file: string, clients: ReturnType<typeof makeLocalClients>): Promise<void> {
  const { readFile } = await import('node:fs/promises');
  const { z } = await import('zod');
  const { ArticleInput } = await import('#shared/domain/article.ts');
  const { documentClient } = await import('#shared/adapters/aws-clients.ts');
  const { s3Objects } = await import('#shared/adapters/clients/s3.ts');
  const { kbDeps } = await import('#shared/wiring/kb.ts');
  const { seedArticles } = await import('#shared/steps/kb/seed.ts');
  const parsed = z.array(ArticleInput).safeParse(JSON.parse(await readFile(file, 'utf8')));
  if (!parsed.success) {
    throw new DemoArticlesError(
      `Les articles de démonstration (${file}) sont invalides : ${parsed.error.message}`,
      {
        cause: parsed.error,
      },
    );
  }
  const deps = kbDeps(loadConfig(), {
    dynamodb: documentClient(clients.dynamodb),
    sqs: clients.sqs,
    objects: s3Objects(clients.s3),
  });
  await seedArticles(parsed.data, deps, DEMO_ARTICLES_ACTOR);
}

/** Waits until no stage queue holds a visible or in-flight message, or the time is up. */
async function waitForEmptyQueues(
  sqs: ReturnType<typeof makeLocalClients>['sqs'],
  resources: DeskResources,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await messagesIn(sqs, resources.queueUrls)) === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
