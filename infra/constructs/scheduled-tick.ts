/**
 * A function invoked on a fixed rate by EventBridge Scheduler (one schedule, no state of its
 * own): a tick of `pipeline.ticks` (the start of due broadcasts, the auto-close of waiting
 * tickets). What is due lives in DynamoDB, so a missed or repeated tick only delays or repeats
 * an idempotent look.
 */
import { type CfnElement, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { alarmOnMessages, deadLetterDestination } from './dead-letter.ts';
import type { DeskFunction } from './desk-function.ts';

/** Properties of a {@link ScheduledTick}. */
export type ScheduledTickProps = {
  /** The function to invoke; it takes no input (it reads what is due from the table). */
  target: DeskFunction;
  /** Minutes between two invocations. Default 1: a broadcast starts within a minute of its time. */
  everyMinutes?: number;
  /** Where the alarms go (the pipeline's alarm topic). */
  alarmTopic: sns.ITopic;
  /** What staff lose while the tick fails, in French (the alarms' descriptions say it). */
  whenFailing: string;
  /** Description of the schedule. Default: names the target's entry file. */
  description?: string;
  /**
   * Attempts Scheduler makes when it cannot invoke the function (throttled, service error).
   * Default 5. Failures inside the function are not retried at all: the next tick is the retry.
   */
  deliveryRetries?: number;
};

/**
 * One EventBridge Scheduler schedule, `rate(n minutes)`, invoking a function; a dead-letter queue
 * for the invocations Scheduler could not deliver; alarms on that queue and on the function
 * failing tick after tick.
 */
export class ScheduledTick extends Construct {
  readonly schedule: scheduler.Schedule;
  /** The role Scheduler assumes: invoke the target, send to the dead-letter queue. */
  readonly role: iam.Role;
  readonly deadLetterQueue: sqs.Queue;
  readonly deadLetterAlarm: cloudwatch.Alarm;
  readonly failingAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: ScheduledTickProps) {
    super(scope, id);
    const everyMinutes = props.everyMinutes ?? 1;

    this.deadLetterQueue = deadLetterDestination(
      this,
      'DeadLetterQueue',
      'This queue is itself a dead-letter queue: the dead-letter target of the EventBridge Scheduler schedule. Nothing consumes it; its alarm tells staff that ticks were not delivered.',
    );

    // Our own role rather than the one LambdaInvoke would make at the stack's root: this
    // construct owns its grants, and only this account's schedules may assume it.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      description: `EventBridge Scheduler: invokes ${props.target.node.id}`,
    });

    // An old tick is worth nothing: the next one looks at the same table.
    const maxEventAge = Duration.minutes(Math.max(2, everyMinutes * 2));
    this.schedule = new scheduler.Schedule(this, 'Schedule', {
      schedule: scheduler.ScheduleExpression.rate(Duration.minutes(everyMinutes)),
      description:
        props.description ?? `Assistance LSUN : ${props.target.node.id} toutes les ${everyMinutes} min`,
      // No flexible window: "within a minute of 08:00" is the broadcasts' promise.
      timeWindow: scheduler.TimeWindow.off(),
      target: new LambdaInvoke(props.target.function, {
        role: this.role,
        retryAttempts: props.deliveryRetries ?? 5,
        maxEventAge,
        deadLetterQueue: this.deadLetterQueue,
      }),
    });

    const targetLogicalId = Stack.of(this).getLogicalId(
      props.target.function.node.defaultChild as CfnElement,
    );
    const policy = this.role.node.tryFindChild('DefaultPolicy');
    if (policy) {
      Validations.of(policy).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${targetLogicalId}.Arn>:*]`,
        reason:
          "LambdaInvoke grants lambda:InvokeFunction on the target function's ARN and on its ARN followed by :*, its versions and aliases: the one function, no other. The schedule invokes $LATEST.",
      });
    }

    // Scheduler invokes asynchronously: without this, Lambda would retry a failed tick twice, up
    // to minutes later, overlapping the next ticks. The next tick is the retry.
    props.target.function.configureAsyncInvoke({ retryAttempts: 0, maxEventAge });

    this.deadLetterAlarm = alarmOnMessages(
      this,
      'DeadLetterAlarm',
      this.deadLetterQueue,
      `L'ordonnanceur n'a pas pu appeler '${props.target.node.id}' : si cela dure, ${props.whenFailing}.`,
      props.alarmTopic,
    );
    this.failingAlarm = new cloudwatch.Alarm(this, 'FailingAlarm', {
      alarmDescription: `'${props.target.node.id}' a échoué à trois passages de suite : ${props.whenFailing}.`,
      metric: props.target.function.metricErrors({
        period: Duration.minutes(everyMinutes),
        statistic: cloudwatch.Stats.SUM,
      }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      // One failed tick is retried by the next; three in a row is an outage.
      evaluationPeriods: 3,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.failingAlarm.addAlarmAction(new SnsAction(props.alarmTopic));
  }
}
