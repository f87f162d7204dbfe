/**
 * What every dead end of the desk gets: a queue where failed work waits for staff (an SQS
 * dead-letter queue, a function's on-failure destination, a schedule's dead-letter target), and
 * an alarm that sounds as soon as it holds one message.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/**
 * A queue that is itself a dead-letter destination: SQS-managed keys (Scheduler, Lambda and SQS
 * can all send to them without a key policy), TLS only, kept 14 days (SQS's most). It needs no
 * dead-letter queue of its own, which cdk-nag is told with `why`.
 */
export function deadLetterDestination(scope: Construct, id: string, why: string): sqs.Queue {
  const queue = new sqs.Queue(scope, id, {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  Validations.of(queue).acknowledge({ id: 'AwsSolutions-SQS3', reason: why });
  return queue;
}

/** An alarm sent to `topic` as soon as `queue` holds a message; `description` says what to do, in French. */
export function alarmOnMessages(
  scope: Construct,
  id: string,
  queue: sqs.IQueue,
  description: string,
  topic: sns.ITopic,
): cloudwatch.Alarm {
  const alarm = new cloudwatch.Alarm(scope, id, {
    alarmDescription: description,
    metric: queue.metricApproximateNumberOfMessagesVisible({
      period: Duration.minutes(1),
      statistic: cloudwatch.Stats.MAXIMUM,
    }),
    threshold: 0,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 1,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  alarm.addAlarmAction(new SnsAction(topic));
  return alarm;
}
