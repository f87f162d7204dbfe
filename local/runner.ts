/**
 * Plays the Lambda SQS event source mapping on one machine: for each stage of the pipeline
 * it long-polls the stage's queue, hands batches to the same handler Lambda would call, with
 * an event and a context shaped like Lambda's, and deletes what succeeded. What failed is left
 * in the queue: the visibility timeout brings it back and, after the stage's
 * `maxReceiveCount` receives, the queue's redrive policy moves it to the dead-letter queue
 * (fauxqs applies redrive policies on receive, as SQS does).
 */
import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  type MessageAttributeValue,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context, SQSEvent, SQSMessageAttributes, SQSRecord, SQSRecordAttributes } from 'aws-lambda';
import type { QueueStage, StageName } from '#shared/pipeline.ts';
import { LOCAL_REGION } from './emulators.ts';

/** A queue consumer as Lambda calls it; a middy handler fits. Its result is checked like Lambda does. */
export type QueueConsumer = (event: SQSEvent, context: Context) => Promise<unknown>;

/** Where in the delivery of a batch something went wrong. */
export type RunnerErrorPhase = 'receive' | 'handler' | 'response' | 'timeout' | 'delete';

export type QueueRunnerOptions = {
  sqs: SQSClient;
  stages: readonly QueueStage[];
  /** The URL of each stage's queue, by `stage.queue`. */
  queueUrls: Partial<Record<StageName, string>>;
  /** The handler of each stage, by `stage.consumer`. */
  handlers: Partial<Record<QueueStage['consumer'], QueueConsumer>>;
  /** Long-poll wait, 1 to 20 s (default 20): an idle desk makes one request per poller per wait. */
  waitTimeSeconds?: number;
  /** Pollers, hence concurrent invocations, per stage: `min(stage.maxConcurrency, this)`, default 4. */
  maxPollersPerStage?: number;
  /** Told of every failure, which the loop then survives (default: written to stderr). */
  onError?(error: unknown, info: { stage: QueueStage; phase: RunnerErrorPhase }): void;
};

/** A running event source mapping for every stage given. */
export type QueueRunner = {
  /** Ends the polls at once and resolves when the handler calls under way have finished. */
  stop(): Promise<void>;
};

/** Raised at start when a stage has no queue URL or no handler. */
export class QueueRunnerConfigError extends Error {
  override name = 'QueueRunnerConfigError';
}

/** Reported when a handler answers something Lambda would not accept: the batch counts as failed. */
export class InvalidBatchResponseError extends Error {
  override name = 'InvalidBatchResponseError';
}

/** Reported when a handler runs past its stage's function timeout: the batch counts as failed. */
export class HandlerTimeoutError extends Error {
  override name = 'HandlerTimeoutError';
}

const DEFAULT_WAIT_TIME_SECONDS = 20;
const DEFAULT_MAX_POLLERS_PER_STAGE = 4;
const RECEIVE_RETRY_DELAY_MS = 1_000;
const SQS_MAX_BATCH = 10;

/**
 * Starts one set of pollers per stage. Each poller receives up to `batchSize` messages (waiting
 * up to `maxBatchingWindowSeconds` to fill a batch), calls the stage's handler and deletes the
 * records that succeeded, then polls again; so a stage has at most as many invocations under
 * way as it has pollers, like the mapping's maximum concurrency.
 * @throws QueueRunnerConfigError when a stage lacks its queue URL or handler.
 */
export function startQueueRunner(opts: QueueRunnerOptions): QueueRunner {
  const waitTimeSeconds = Math.min(
    20,
    Math.max(1, Math.round(opts.waitTimeSeconds ?? DEFAULT_WAIT_TIME_SECONDS)),
  );
  const maxPollers = Math.max(1, opts.maxPollersPerStage ?? DEFAULT_MAX_POLLERS_PER_STAGE);
  const onError = opts.onError ?? reportToStderr;
  const stopping = new AbortController();
  // Every poller's long poll listens to this one signal: more than Node's default ten is expected.
  setMaxListeners(0, stopping.signal);

  const stages = opts.stages.map((stage) => {
    const queueUrl = opts.queueUrls[stage.queue];
    const handler = opts.handlers[stage.consumer];
    if (queueUrl === undefined) throw new QueueRunnerConfigError(`No queue URL for stage ${stage.queue}`);
    if (handler === undefined) throw new QueueRunnerConfigError(`No handler for consumer ${stage.consumer}`);
    return { stage, queueUrl, handler };
  });

  const loops = stages.flatMap(({ stage, queueUrl, handler }) => {
    // Every record carries its queue's ARN; ask once per stage, shared by its pollers.
    const queueArn = lookUpQueueArn(opts.sqs, queueUrl, stopping.signal);
    const pollers = Math.min(stage.maxConcurrency, maxPollers);
    return Array.from({ length: pollers }, () =>
      pollLoop({
        sqs: opts.sqs,
        stage,
        queueUrl,
        handler,
        queueArn,
        waitTimeSeconds,
        onError,
        signal: stopping.signal,
      }),
    );
  });

  return {
    stop: async () => {
      stopping.abort();
      await Promise.all(loops);
    },
  };
}

type PollLoopInput = {
  sqs: SQSClient;
  stage: QueueStage;
  queueUrl: string;
  handler: QueueConsumer;
  queueArn: Promise<string>;
  waitTimeSeconds: number;
  onError: NonNullable<QueueRunnerOptions['onError']>;
  signal: AbortSignal;
};

/** One poller: receive a batch, deliver it, again, until stopped. Never rejects. */
async function pollLoop(input: PollLoopInput): Promise<void> {
  const { stage, signal, onError } = input;
  while (!signal.aborted) {
    let messages: Message[];
    try {
      messages = await receiveBatch(input);
    } catch (error) {
      if (signal.aborted) break;
      onError(error, { stage, phase: 'receive' });
      await pause(RECEIVE_RETRY_DELAY_MS, signal);
      continue;
    }
    // A batch already received is delivered even when stopping: dropping it would hide its
    // messages for a whole visibility timeout.
    if (messages.length > 0) await deliver(input, messages);
  }
}

/**
 * Receives up to `batchSize` messages. Returns as soon as one receive brings any, unless the
 * stage has a batching window, in which case it keeps receiving until the batch is full or
 * the window closes.
 */
async function receiveBatch(input: PollLoopInput): Promise<Message[]> {
  const { sqs, stage, queueUrl, signal } = input;
  const batch: Message[] = [];
  const windowEnd = Date.now() + stage.maxBatchingWindowSeconds * 1000;
  let waitTimeSeconds = input.waitTimeSeconds;
  while (batch.length < stage.batchSize && !signal.aborted) {
    let received: Message[];
    try {
      const answer = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: Math.min(SQS_MAX_BATCH, stage.batchSize - batch.length),
          WaitTimeSeconds: waitTimeSeconds,
          MessageSystemAttributeNames: ['All'],
          MessageAttributeNames: ['All'],
        }),
        { abortSignal: signal },
      );
      received = answer.Messages ?? [];
    } catch (error) {
      // Stopped while filling a batch: deliver what is already taken rather than hide it.
      if (signal.aborted && batch.length > 0) break;
      throw error;
    }
    batch.push(...received);
    const windowLeft = windowEnd - Date.now();
    if (batch.length > 0 && windowLeft <= 0) break;
    // Within the window, wait only what is left of it for more.
    if (batch.length > 0) waitTimeSeconds = Math.min(input.waitTimeSeconds, Math.ceil(windowLeft / 1000));
  }
  return batch;
}

/** Calls the handler with one batch and deletes what it did not report as failed. */
async function deliver(input: PollLoopInput, messages: Message[]): Promise<void> {
  const { stage, handler, onError } = input;
  const queueArn = await input.queueArn;
  const event: SQSEvent = { Records: messages.map((message) => toRecord(message, queueArn)) };
  const deadline = Date.now() + stage.functionTimeoutSeconds * 1000;
  const context = lambdaContext(stage, deadline, queueArn);

  let succeeded: SQSRecord[];
  try {
    const response = await withDeadline(
      Promise.resolve().then(() => handler(event, context)),
      deadline,
      stage,
    );
    succeeded = recordsThatSucceeded(event.Records, response);
  } catch (error) {
    // Lambda retries nothing itself: the whole batch comes back after the visibility timeout.
    const phase: RunnerErrorPhase =
      error instanceof HandlerTimeoutError
        ? 'timeout'
        : error instanceof InvalidBatchResponseError
          ? 'response'
          : 'handler';
    onError(error, { stage, phase });
    return;
  }
  await deleteRecords(input, succeeded);
}

/**
 * The records to delete, read from the handler's answer as the mapping does with
 * ReportBatchItemFailures on: no answer or no failures means all succeeded; an answer naming
 * a record that is not in the batch, or naming none, fails the whole batch.
 */
function recordsThatSucceeded(records: SQSRecord[], response: unknown): SQSRecord[] {
  if (response === undefined || response === null) return records;
  if (typeof response !== 'object') {
    throw new InvalidBatchResponseError(`Handler returned ${typeof response}, not a batch response`);
  }
  const failures = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return records;
  if (!Array.isArray(failures)) throw new InvalidBatchResponseError('batchItemFailures is not an array');
  const failed = new Set<string>();
  const known = new Set(records.map((record) => record.messageId));
  for (const failure of failures) {
    const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || !known.has(id)) {
      throw new InvalidBatchResponseError(
        `batchItemFailures names an unknown record: ${JSON.stringify(failure)}`,
      );
    }
    failed.add(id);
  }
  return records.filter((record) => !failed.has(record.messageId));
}

async function deleteRecords(input: PollLoopInput, records: SQSRecord[]): Promise<void> {
  for (let start = 0; start < records.length; start += SQS_MAX_BATCH) {
    const chunk = records.slice(start, start + SQS_MAX_BATCH);
    try {
      // Not tied to the stop signal: work that is done must be acknowledged, or it runs again.
      const result = await input.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: input.queueUrl,
          Entries: chunk.map((record, index) => ({ Id: String(index), ReceiptHandle: record.receiptHandle })),
        }),
      );
      for (const failure of result.Failed ?? []) {
        input.onError(new Error(`DeleteMessage failed: ${failure.Code} ${failure.Message ?? ''}`), {
          stage: input.stage,
          phase: 'delete',
        });
      }
    } catch (error) {
      input.onError(error, { stage: input.stage, phase: 'delete' });
    }
  }
}

/** An SQS message as the mapping puts it in a Lambda event. */
function toRecord(message: Message, queueArn: string): SQSRecord {
  const record: SQSRecord = {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes: recordAttributes(message.Attributes ?? {}),
    messageAttributes: recordMessageAttributes(message.MessageAttributes ?? {}),
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: queueArn.split(':')[3] || LOCAL_REGION,
  };
  if (message.MD5OfMessageAttributes !== undefined)
    record.md5OfMessageAttributes = message.MD5OfMessageAttributes;
  return record;
}

function recordAttributes(attributes: Record<string, string>): SQSRecordAttributes {
  const now = String(Date.now());
  return {
    ...attributes,
    ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
    SentTimestamp: attributes.SentTimestamp ?? now,
    SenderId: attributes.SenderId ?? '000000000000',
    ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? now,
  };
}

/** Lambda writes message attributes in camel case, binary values in base64, lists always present. */
function recordMessageAttributes(attributes: Record<string, MessageAttributeValue>): SQSMessageAttributes {
  const base64 = (value: Uint8Array) => Buffer.from(value).toString('base64');
  return Object.fromEntries(
    Object.entries(attributes).map(([name, value]) => [
      name,
      {
        ...(value.StringValue !== undefined && { stringValue: value.StringValue }),
        ...(value.BinaryValue !== undefined && { binaryValue: base64(value.BinaryValue) }),
        stringListValues: value.StringListValues ?? [],
        binaryListValues: (value.BinaryListValues ?? []).map(base64),
        dataType: value.DataType ?? 'String',
      },
    ]),
  );
}

/** What Lambda hands a handler as `context`, with the stage's timeout behind getRemainingTimeInMillis. */
function lambdaContext(stage: QueueStage, deadline: number, queueArn: string): Context {
  const functionName = `lsun-local-${stage.consumer}`;
  const account = queueArn.split(':')[4] || '000000000000';
  const region = queueArn.split(':')[3] || LOCAL_REGION;
  const day = new Date().toISOString().slice(0, 10).replaceAll('-', '/');
  const unsupported = () => {
    throw new Error('context.done/fail/succeed are not supported: return or throw from the handler');
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:${account}:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `${day}/[$LATEST]local`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}

/**
 * Settles with `work`, or rejects with HandlerTimeoutError at `deadline`, as Lambda ends an
 * invocation at its timeout. The work cannot be killed in process: it runs on, unheeded, and
 * its batch comes back after the visibility timeout (six times the function timeout).
 */
async function withDeadline<T>(work: Promise<T>, deadline: number, stage: QueueStage): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new HandlerTimeoutError(`${stage.consumer} ran past ${stage.functionTimeoutSeconds} s`)),
      Math.max(0, deadline - Date.now()),
    );
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The queue's ARN, asked until it answers or the runner stops. */
async function lookUpQueueArn(sqs: SQSClient, queueUrl: string, signal: AbortSignal): Promise<string> {
  while (true) {
    try {
      const found = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
        { abortSignal: signal },
      );
      if (found.Attributes?.QueueArn !== undefined) return found.Attributes.QueueArn;
    } catch (error) {
      if (signal.aborted) break;
      if (!(error instanceof Error) || !/NonExistentQueue|QueueDoesNotExist/.test(error.name)) {
        await pause(RECEIVE_RETRY_DELAY_MS, signal);
        continue;
      }
    }
    break;
  }
  // Unknown queue or stopping: an ARN built from the URL keeps records well-formed.
  const name = queueUrl.split('/').at(-1) ?? 'unknown';
  return `arn:aws:sqs:${LOCAL_REGION}:000000000000:${name}`;
}

/** Waits `ms`, or less if `signal` aborts first. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((done) => {
    const timer = setTimeout(finish, ms);
    function finish() {
      clearTimeout(timer);
      signal.removeEventListener('abort', finish);
      done();
    }
    signal.addEventListener('abort', finish, { once: true });
  });
}

function reportToStderr(error: unknown, info: { stage: QueueStage; phase: RunnerErrorPhase }): void {
  console.error(`[runner] ${info.stage.queue} → ${info.stage.consumer} (${info.phase}):`, error);
}
