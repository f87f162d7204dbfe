/**
 * The purge that follows DynamoDB's TTL: the table's stream, filtered on TTL removals, feeds
 * `retention-purge`, which deletes what each removed item alone kept (the rest of its
 * partition, its raw mails and their attachments). Batches that still fail after the retries
 * are described in a dead-letter queue, which has an alarm.
 */
import { Validations } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ttlRemovalFilter } from '#shared/domain/retention.ts';
import { alarmOnMessages, deadLetterDestination } from './dead-letter.ts';
import type { DeskFunction } from './desk-function.ts';
import type { DeskTable } from './desk-table.ts';
import { SendOnlyDlq } from './queue-grants.ts';
import type { RawMailStore } from './raw-mail-store.ts';

/** Properties of a {@link RetentionPurge}. */
export type RetentionPurgeProps = {
  /** The table whose stream (old images) is read. */
  table: DeskTable;
  /** The raw-mail bucket the purge deletes from (under its prefix only). */
  rawMail: RawMailStore;
  /** The `retention-purge` function. */
  purge: DeskFunction;
  /** Where the dead-letter alarm goes. */
  alarmTopic: sns.ITopic;
};

/**
 * Attempts of a failing batch before it is given up to the dead-letter queue. The stream keeps
 * records 24 hours; DynamoDB's default (retry until then) would hold the shard a whole day.
 */
const RETRY_ATTEMPTS = 10;

/** The stream's consumer, its dead-letter queue and alarm, and the purge's grants. */
export class RetentionPurge extends Construct {
  readonly deadLetterQueue: sqs.Queue;
  readonly alarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: RetentionPurgeProps) {
    super(scope, id);
    this.deadLetterQueue = deadLetterDestination(
      this,
      'DeadLetterQueue',
      "This queue is itself a dead-letter destination: the on-failure destination of the table stream's purge. It holds the failed batch's shard and sequence numbers (no personal data); its alarm tells staff to look.",
    );

    props.purge.function.addEventSource(
      new DynamoEventSource(props.table.table, {
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize: 100,
        // The handler reports the first record it could not purge; Lambda retries from there.
        reportBatchItemFailures: true,
        retryAttempts: RETRY_ATTEMPTS,
        onFailure: new SendOnlyDlq(this.deadLetterQueue),
        // TTL removals only: a person's or the code's own deletions (a merge moving mails, the
        // cascade itself) must not start a purge, and should not even invoke the function.
        filters: [lambda.FilterCriteria.filter(ttlRemovalFilterCriteria())],
      }),
    );
    // The mapping's own grant (stream read) lists streams on `*`: DynamoDB has no narrower ARN.
    const policy = props.purge.role.node.tryFindChild('DefaultPolicy');
    if (policy) {
      Validations.of(policy).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'dynamodb:ListStreams, granted by the event source mapping of the table stream, has no resource narrower than *; the stream read actions themselves name the table stream.',
      });
    }
    props.table.grantPurge(props.purge.role);
    props.rawMail.grantDeleteRawMail(props.purge.role);

    this.alarm = alarmOnMessages(
      this,
      'DeadLetterAlarm',
      this.deadLetterQueue,
      "Une purge n'a pas pu supprimer ce qu'un élément expiré gardait (courriels bruts, éléments d'un ticket) : voir docs/retention.md.",
      props.alarmTopic,
    );
  }
}

/** `shared`'s filter pattern in the event source mapping's syntax (the same values). */
function ttlRemovalFilterCriteria(): Record<string, unknown> {
  return {
    eventName: lambda.FilterRule.isEqual(ttlRemovalFilter.eventName[0]),
    userIdentity: {
      type: lambda.FilterRule.isEqual(ttlRemovalFilter.userIdentity.type[0]),
      principalId: lambda.FilterRule.isEqual(ttlRemovalFilter.userIdentity.principalId[0]),
    },
  };
}
