/**
 * What must survive every redeployment: the table and the raw mails. Kept apart so the
 * stateless stack can be destroyed and rebuilt freely.
 */
import { Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { DeskTable } from '../constructs/desk-table.ts';
import { RawMailStore } from '../constructs/raw-mail-store.ts';

/** Properties of the {@link StatefulStack}. */
export type StatefulStackProps = StackProps & {
  /** Days the raw-mail bucket's access logs are kept (`retentionDays`). */
  accessLogDays: number;
  /** Days after receipt S3 deletes a raw mail in any case: the backstop behind the purge. */
  rawMailBackstopDays: number;
  /** Days of the table's point-in-time recovery (1 to 35). */
  pointInTimeRecoveryDays: number;
};

/** The desk's data: table and raw-mail bucket, retained when the stack is deleted. */
export class StatefulStack extends Stack {
  readonly table: DeskTable;
  readonly rawMail: RawMailStore;
  /**
   * Where the console bucket (desk stack) writes its S3 server access logs: a prefix of the
   * one access-log bucket, whose lifecycle purges them like the rest.
   */
  readonly consoleAccessLogs: { bucketName: string; prefix: string };
  /** Where the knowledge base's bucket (desk stack) writes its access logs, on the same terms. */
  readonly kbAccessLogs: { bucketName: string; prefix: string };

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    this.table = new DeskTable(this, 'Table', { pointInTimeRecoveryDays: props.pointInTimeRecoveryDays });
    this.rawMail = new RawMailStore(this, 'RawMail', {
      accessLogDays: props.accessLogDays,
      backstopDays: props.rawMailBackstopDays,
    });

    const logs = this.rawMail.accessLogBucket;
    this.consoleAccessLogs = { bucketName: logs.bucketName, prefix: 'console/' };
    this.kbAccessLogs = { bucketName: logs.bucketName, prefix: 'kb/' };
    // The console bucket lives in the desk stack, which depends on this one: naming it here
    // would make the two stacks depend on each other. S3 log delivery is allowed under the
    // console and kb prefixes for buckets of this account only (aws:SourceAccount); the
    // knowledge base's bucket, in the desk stack too, logs under `kb/` on the same terms.
    logs.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowConsoleAccessLogs',
        principals: [new iam.ServicePrincipal('logging.s3.amazonaws.com')],
        actions: ['s3:PutObject'],
        resources: [
          logs.arnForObjects(`${this.consoleAccessLogs.prefix}*`),
          logs.arnForObjects(`${this.kbAccessLogs.prefix}*`),
        ],
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );
  }
}
