/**
 * The one description of the mail pipeline: which queues exist, which function consumes
 * each, with what batch size, timeout and retries.
 *
 * The CDK app builds its queues, dead-letter queues, event source mappings and alarms from
 * this, and the local runner plays the same event source mappings from it, so the two
 * cannot drift apart.
 */

/** A queue of the chain, and the Lambda function that consumes it. */
export type QueueStage = {
  /** Stable name, used for the logical id in CDK and the queue name locally. */
  queue: 'intake' | 'tickets' | 'outbox' | 'broadcast' | 'ses-events' | 'kb-export';
  /** Environment variable through which producers learn the queue's URL. */
  urlVariable:
    | 'INTAKE_QUEUE_URL'
    | 'TICKETS_QUEUE_URL'
    | 'OUTBOX_QUEUE_URL'
    | 'BROADCAST_QUEUE_URL'
    | 'SES_EVENTS_QUEUE_URL'
    | 'KB_EXPORT_QUEUE_URL';
  /** Entry file under `functions/` (without extension) whose `handler` consumes the queue. */
  consumer: 'screen' | 'ticket' | 'mailer' | 'broadcast-send' | 'ses-events' | 'kb-export';
  /** Records handed to one invocation. */
  batchSize: number;
  /** How long the event source mapping may wait to fill a batch. 0 keeps latency low. */
  maxBatchingWindowSeconds: number;
  /** The consumer's timeout. The queue's visibility timeout is six times this (AWS advice). */
  functionTimeoutSeconds: number;
  /** Receives before a message moves to the dead-letter queue (AWS advises at least 5). */
  maxReceiveCount: number;
  /** Ceiling on concurrent invocations, so a burst cannot exhaust DynamoDB or SES quotas. */
  maxConcurrency: number;
};

/** A function EventBridge Scheduler (locally, the runner) invokes on a fixed rate. */
export type ScheduledTickStage = {
  /** Entry file under `functions/` (without extension) whose `handler` the tick invokes. */
  entry: 'broadcast-plan' | 'ticket-housekeeping' | 'outbox-sweep' | 'mail-watch';
  /** Minutes between two invocations. */
  everyMinutes: number;
  /** The function's timeout. */
  timeoutSeconds: number;
  /** What staff lose when the tick fails, in French, for its alarms' descriptions. */
  whenFailing: string;
};

/** Visibility timeout of a stage's queue: six times its consumer's timeout. */
export function visibilityTimeoutSeconds(stage: QueueStage): number {
  return stage.functionTimeoutSeconds * 6;
}

export const pipeline = {
  /** The SES S3 action stores each raw mail under this prefix, named by its SES message id. */
  rawMailPrefix: 'incoming/',
  /**
   * Attachments taken out of a raw mail for staff to download, one object each, named after the
   * raw mail and the attachment's index (`downloads/incoming/<id>/<index>`); the raw-mail bucket
   * expires them after a day (`infra/constructs/raw-mail-store.ts`).
   */
  downloadPrefix: 'downloads/',
  /** SES invokes `receive` asynchronously after storing the raw mail in S3; it feeds `intake`. */
  receiver: { entry: 'receive', timeoutSeconds: 10 },
  stages: [
    {
      queue: 'intake',
      urlVariable: 'INTAKE_QUEUE_URL',
      consumer: 'screen',
      batchSize: 10,
      maxBatchingWindowSeconds: 0,
      functionTimeoutSeconds: 30,
      maxReceiveCount: 5,
      maxConcurrency: 10,
    },
    {
      queue: 'tickets',
      urlVariable: 'TICKETS_QUEUE_URL',
      consumer: 'ticket',
      batchSize: 10,
      maxBatchingWindowSeconds: 0,
      functionTimeoutSeconds: 30,
      maxReceiveCount: 5,
      // Two (Lambda's minimum): concurrent ticket batches contend for the year's sequence; fewer,
      // fuller batches open more tickets per transaction (docs/PERFORMANCE.md).
      maxConcurrency: 2,
    },
    {
      queue: 'outbox',
      urlVariable: 'OUTBOX_QUEUE_URL',
      consumer: 'mailer',
      batchSize: 10,
      maxBatchingWindowSeconds: 0,
      functionTimeoutSeconds: 30,
      maxReceiveCount: 5,
      maxConcurrency: 5,
    },
  ] satisfies QueueStage[],
  /**
   * The broadcasts' queues (« Information globale »), listed apart from the mail chain's so the
   * CDK app can take them on in its own change; `allStages` is both lists.
   */
  broadcastStages: [
    {
      // One chunk (≤ 50 recipients, one SendBulkEmail) per invocation: the function paces
      // itself after each chunk, so the timeout covers a chunk at the slowest rate (1 mail/s).
      queue: 'broadcast',
      urlVariable: 'BROADCAST_QUEUE_URL',
      consumer: 'broadcast-send',
      batchSize: 1,
      maxBatchingWindowSeconds: 0,
      functionTimeoutSeconds: 120,
      maxReceiveCount: 5,
      // Lambda's minimum; broadcasts share the account's send rate with acknowledgments, and the
      // pacing divides the broadcasts' share between these workers.
      maxConcurrency: 2,
    },
    {
      // SES events of the configuration set (delivery, bounce, complaint), through SNS.
      queue: 'ses-events',
      urlVariable: 'SES_EVENTS_QUEUE_URL',
      consumer: 'ses-events',
      batchSize: 10,
      maxBatchingWindowSeconds: 0,
      functionTimeoutSeconds: 30,
      maxReceiveCount: 5,
      maxConcurrency: 2,
    },
  ] satisfies QueueStage[],
  /**
   * The knowledge base's export: every change that alters what directors may read (a
   * publication, an edit of a published article, an archive) queues one message; the consumer
   * regenerates the public pages, the feeds and the public search index from the table. A batch
   * is one export, however many changes it holds.
   */
  kbStages: [
    {
      queue: 'kb-export',
      urlVariable: 'KB_EXPORT_QUEUE_URL',
      consumer: 'kb-export',
      batchSize: 10,
      maxBatchingWindowSeconds: 0,
      functionTimeoutSeconds: 60,
      maxReceiveCount: 5,
      // Lambda's minimum. Two exports may overlap: each checks, after writing, that the catalogue
      // did not change while it worked, and fails (to run again) if it did, so the last word is
      // always the newest state.
      maxConcurrency: 2,
    },
  ] satisfies QueueStage[],
  /**
   * The scheduler's ticks: EventBridge Scheduler (locally, the runner) invokes each `entry` every
   * `everyMinutes`, with no payload; what is due lives in DynamoDB, so a missed or repeated tick
   * only delays or repeats an idempotent look (docs/ARCHITECTURE.md says why a tick rather than
   * one schedule per broadcast).
   */
  ticks: [
    {
      // Starts the scheduled broadcasts whose time has come: within a minute of their time.
      entry: 'broadcast-plan',
      everyMinutes: 1,
      timeoutSeconds: 60,
      whenFailing: 'les diffusions programmées ne partent pas',
    },
    {
      // Closes the tickets left waiting for their director N working days. Hourly: the close
      // then comes within the hour of the time of day the ticket began to wait (a staff reply,
      // in working hours), rather than all at once at a daily run's hour; and a failed run is
      // made up an hour later, not a day. It costs one query of one index partition per hour.
      entry: 'ticket-housekeeping',
      everyMinutes: 60,
      timeoutSeconds: 120,
      whenFailing: 'les tickets en attente du directeur ne sont plus clôturés automatiquement',
    },
    {
      // Queues again the mails saved `queued` whose queue message was lost, and marks `unknown`
      // those left `sending` past their lease. Every 5 minutes: a stranded mail waits at most
      // its delay (9 minutes) plus 5; two queries of a sparse index, empty on a good day.
      entry: 'outbox-sweep',
      everyMinutes: 5,
      timeoutSeconds: 60,
      whenFailing: 'les courriels dont le message de file a été perdu ne partent plus',
    },
    {
      // Publishes whether a working day has passed 14:00 (Paris) without a single mail: the
      // alarm « aucun courriel reçu » (shared/domain/mail-watch.ts). Hourly: the alarm sounds
      // within the hour, and one Query of at most one item an hour costs nothing.
      entry: 'mail-watch',
      everyMinutes: 60,
      timeoutSeconds: 30,
      whenFailing: "l'alarme « aucun courriel reçu un jour ouvré » ne peut plus sonner",
    },
  ] satisfies ScheduledTickStage[],
  /** The staff HTTP API. */
  api: { entry: 'api', timeoutSeconds: 15 },
} as const;

export type StageName = QueueStage['queue'];

/** The entry file of a scheduler tick. */
export type TickEntry = (typeof pipeline.ticks)[number]['entry'];

/** Every queue and its consumer: the mail chain's, the broadcasts', the knowledge base's. */
export const allStages: readonly QueueStage[] = [
  ...pipeline.stages,
  ...pipeline.broadcastStages,
  ...pipeline.kbStages,
];
