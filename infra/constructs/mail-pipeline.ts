/**
 * The queues of the mail pipeline, built from its one description (`shared/pipeline.ts`):
 * each queue with its dead-letter queue and the alarm on it, the event source mapping to
 * its consumer, and the scheduler's ticks.
 */
import { Duration, Names, Validations } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as sns from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  allStages,
  pipeline,
  type QueueStage,
  type StageName,
  type TickEntry,
  visibilityTimeoutSeconds,
} from '#shared/pipeline.ts';
import { alarmOnMessages, deadLetterDestination } from './dead-letter.ts';
import type { DeskFunction } from './desk-function.ts';
import { grantPolling, grantSendOnly, SendOnlyDestination } from './queue-grants.ts';
import { ScheduledTick } from './scheduled-tick.ts';

/** Properties of a {@link MailPipeline}. */
export type MailPipelineProps = {
  /** Who is mailed when a message reaches a dead-letter queue. Default: nobody (a synth warning). */
  alarmEmail?: string;
};

/** One stage of the pipeline as deployed. */
export type DeployedStage = {
  stage: QueueStage;
  queue: sqs.Queue;
  deadLetterQueue: sqs.Queue;
  alarm: cloudwatch.Alarm;
};

/** Every queue of `shared/pipeline.ts`, its dead-letter queue and the alarm on it. */
export class MailPipeline extends Construct {
  readonly stages: Record<StageName, DeployedStage>;
  /** Receives every dead-letter alarm. */
  readonly alarmTopic: sns.Topic;
  /** Queues holding the events of asynchronous invocations that failed every retry, by function. */
  readonly failedInvocations = new Map<string, { queue: sqs.Queue; alarm: cloudwatch.Alarm }>();
  private readonly consumers = new Map<StageName, DeskFunction>();
  private readonly scheduledTicks = new Map<TickEntry, ScheduledTick>();

  constructor(scope: Construct, id: string, props: MailPipelineProps = {}) {
    super(scope, id);

    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', {
      displayName: 'Assistance LSUN : alarmes',
      enforceSSL: true,
    });
    Validations.of(this.alarmTopic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'The topic carries CloudWatch alarm notifications only (alarm and queue names, no personal data). CloudWatch cannot publish to a topic encrypted with the AWS-managed SNS key, and a customer key would protect nothing here.',
    });
    if (props.alarmEmail) {
      this.alarmTopic.addSubscription(new EmailSubscription(props.alarmEmail));
    } else {
      Validations.of(this.alarmTopic).addWarning(
        'NoAlarmEmail',
        'No alarmEmail in the context: dead-letter alarms will notify nobody. Deploy with -c alarmEmail=...',
      );
    }

    const deployed: Partial<Record<StageName, DeployedStage>> = {};
    for (const stage of allStages) {
      deployed[stage.queue] = this.buildStage(stage);
    }
    this.stages = deployed as Record<StageName, DeployedStage>;

    this.node.addValidation({
      validate: () =>
        allStages
          .filter((stage) => !this.consumers.has(stage.queue))
          .map((stage) => `Queue '${stage.queue}' has no consumer: call consume('${stage.queue}', ...)`)
          .concat(
            pipeline.ticks
              .filter((tick) => !this.scheduledTicks.has(tick.entry))
              .map((tick) => `The tick of '${tick.entry}' is not scheduled: call tick('${tick.entry}', ...)`),
          ),
    });
  }

  /** The queue URL variables of `shared/config.ts` (`INTAKE_QUEUE_URL`, ...). */
  environment(): Record<string, string> {
    return Object.fromEntries(
      allStages.map((stage) => [stage.urlVariable, this.stages[stage.queue].queue.queueUrl]),
    );
  }

  /**
   * Lets a function send messages to one queue of the pipeline: `sqs:SendMessage` on that queue
   * only (the URL comes from the environment: no GetQueueUrl, no GetQueueAttributes).
   */
  grantEnqueue(stage: StageName, fn: DeskFunction): void {
    grantSendOnly(fn.role, this.stages[stage].queue);
  }

  /**
   * Makes `fn` the consumer of a queue, with the stage's batch size, partial batch responses
   * (one bad mail does not send its whole batch back) and its maximum concurrency.
   */
  consume(stage: StageName, fn: DeskFunction): void {
    const { stage: description, queue } = this.stages[stage];
    if (this.consumers.has(stage)) {
      throw new PipelineWiringError(`Queue '${stage}' already has a consumer`);
    }
    this.consumers.set(stage, fn);
    // SqsEventSource's own id, so the mapping deployed before keeps its logical id; its grant
    // would add ChangeMessageVisibility and GetQueueUrl, which the poller does not use.
    fn.function.addEventSourceMapping(`SqsEventSource:${Names.nodeUniqueId(queue.node)}`, {
      eventSourceArn: queue.queueArn,
      batchSize: description.batchSize,
      maxBatchingWindow:
        description.maxBatchingWindowSeconds > 0
          ? Duration.seconds(description.maxBatchingWindowSeconds)
          : undefined,
      reportBatchItemFailures: true,
      maxConcurrency: description.maxConcurrency,
    });
    grantPolling(fn.role, queue);
  }

  /** A scheduler tick of `pipeline.ticks`, once {@link tick} has made it. */
  tickOf(entry: TickEntry): ScheduledTick | undefined {
    return this.scheduledTicks.get(entry);
  }

  /**
   * Makes `fn` the target of a scheduler tick of `pipeline.ticks`: EventBridge Scheduler invokes
   * it every `everyMinutes`, with a dead-letter queue and alarms to the alarm topic.
   */
  tick(entry: TickEntry, fn: DeskFunction): ScheduledTick {
    const description = pipeline.ticks.find((tick) => tick.entry === entry);
    if (!description) throw new PipelineWiringError(`No tick '${entry}' in the pipeline`);
    if (this.scheduledTicks.has(entry)) {
      throw new PipelineWiringError(`The tick of '${entry}' already has a target`);
    }
    // broadcast-plan's keeps the id it was first deployed with (its schedule is not replaced).
    const id = entry === 'broadcast-plan' ? 'Tick' : `${pascal(entry)}Tick`;
    const scheduled = new ScheduledTick(this, id, {
      target: fn,
      everyMinutes: description.everyMinutes,
      whenFailing: description.whenFailing,
      alarmTopic: this.alarmTopic,
    });
    this.scheduledTicks.set(entry, scheduled);
    return scheduled;
  }

  /**
   * Keeps the events of a function invoked asynchronously (by SES) that still fail after
   * Lambda's retries, in a queue with the same alarm as the dead-letter queues: the mail is in
   * S3, and staff can replay its event.
   */
  catchFailedInvocations(name: string, fn: DeskFunction): sqs.Queue {
    const scope = new Construct(this, `${pascal(name)}Failures`);
    const queue = deadLetterDestination(
      scope,
      'Queue',
      `This queue is itself a dead-letter destination: the on-failure destination of the asynchronous invocations of ${name}. Nothing consumes it automatically, so it needs no dead-letter queue of its own; its alarm tells staff to look.`,
    );
    fn.function.configureAsyncInvoke({
      onFailure: new SendOnlyDestination(queue),
      // Lambda's default: two retries, spaced by its own backoff.
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
    });
    const alarm = this.alarmOn(
      scope,
      queue,
      `Une invocation de '${name}' a échoué après les nouvelles tentatives : un courriel reçu n'est pas entré dans la chaîne.`,
    );
    this.failedInvocations.set(name, { queue, alarm });
    return queue;
  }

  private alarmOn(scope: Construct, queue: sqs.Queue, description: string): cloudwatch.Alarm {
    return alarmOnMessages(scope, 'DeadLetterAlarm', queue, description, this.alarmTopic);
  }

  private buildStage(stage: QueueStage): DeployedStage {
    const scope = new Construct(this, pascal(stage.queue));
    const deadLetterQueue = new sqs.Queue(scope, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // The longest SQS allows: staff need time to look at a failed mail and redrive it.
      retentionPeriod: Duration.days(14),
    });
    const queue = new sqs.Queue(scope, 'Queue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // A message must stay invisible while its consumer may still run, retries included.
      visibilityTimeout: Duration.seconds(visibilityTimeoutSeconds(stage)),
      deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: stage.maxReceiveCount },
    });
    const alarm = this.alarmOn(
      scope,
      deadLetterQueue,
      `Un message de la file '${stage.queue}' est parti en file d'erreurs (DLQ) : ${deadLetterConsequence[stage.queue] ?? "un courriel n'a pas été traité."}`,
    );
    return { stage, queue, deadLetterQueue, alarm };
  }
}

/** What a dead letter means for staff, when it is not a mail left untreated. */
const deadLetterConsequence: Partial<Record<StageName, string>> = {
  'kb-export':
    "la base de connaissances publique (/kb/, flux, index des suggestions) n'est pas à jour ; la prochaine publication la régénère, ou relancez le message.",
};

/** Raised when the stack wires the pipeline inconsistently. */
export class PipelineWiringError extends Error {
  override name = 'PipelineWiringError';
}

/** `ses-events` → `SesEvents`: construct ids (hence logical ids) stay readable. */
function pascal(name: string): string {
  return name
    .split('-')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
}
