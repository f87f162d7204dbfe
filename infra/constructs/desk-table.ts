/**
 * The desk's single DynamoDB table, shaped by `shared/table.ts` (the same shape the local
 * stack creates in DynamoDB Local).
 */
import { type CfnResource, RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { deskTable } from '#shared/table.ts';

/** Item-level actions the desk uses. No Scan: every read path is a key or index query. */
const readWriteActions = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:ConditionCheckItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
];

const readActions = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'];

/** Properties of a {@link DeskTable}. */
export type DeskTableProps = {
  /**
   * Days of point-in-time recovery (1 to 35; DynamoDB's default 35). Purged items can be
   * restored, so they remain in the backups, this long after their purge (`docs/retention.md`).
   */
  pointInTimeRecoveryDays: number;
};

/**
 * The table: on demand, point-in-time recovery over a configured window, encrypted with the
 * AWS-managed key, TTL on `shared/table.ts`'s attribute, a stream of old images (the purge
 * cascades from TTL removals), retained and protected from deletion.
 */
export class DeskTable extends Construct {
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: DeskTableProps) {
    super(scope, id);
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: deskTable.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: deskTable.sortKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      // Tickets and the intake log are the desk's memory: restore points over the configured window.
      pointInTimeRecoverySpecification: {
        pointInTimeRecoveryEnabled: true,
        recoveryPeriodInDays: props.pointInTimeRecoveryDays,
      },
      // The removed item's old image is what the purge reads to cascade (its raw mail, its link).
      stream: dynamodb.StreamViewType.OLD_IMAGE,
      // The AWS-managed key (rather than the default AWS-owned one) shows its use in CloudTrail.
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      timeToLiveAttribute: deskTable.timeToLiveAttribute,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const index of deskTable.globalSecondaryIndexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: { name: index.partitionKey, type: dynamodb.AttributeType.STRING },
        sortKey: { name: index.sortKey, type: dynamodb.AttributeType.STRING },
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }
    // A fixed logical id: moving the construct in the tree must never replace the table.
    (this.table.node.defaultChild as CfnResource).overrideLogicalId('DeskTable');
  }

  /**
   * Lets a function read and write items, on the table and on its indexes named one by one
   * (CDK's grantReadWriteData would grant `index/*`).
   */
  grantReadWrite(grantee: iam.IGrantable): void {
    const indexArns = deskTable.globalSecondaryIndexes.map(
      (index) => `${this.table.tableArn}/index/${index.indexName}`,
    );
    iam.Grant.addToPrincipal({ grantee, actions: readWriteActions, resourceArns: [this.table.tableArn] });
    iam.Grant.addToPrincipal({ grantee, actions: ['dynamodb:Query'], resourceArns: indexArns });
  }

  /**
   * Lets the purge read a partition and delete items, nothing else: `Query` and `DeleteItem` on
   * the table (no index, no write). Reading the stream is granted by its event source mapping.
   */
  grantPurge(grantee: iam.IGrantable): void {
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['dynamodb:Query', 'dynamodb:DeleteItem'],
      resourceArns: [this.table.tableArn],
    });
  }

  /**
   * Lets a function read items only (the knowledge base's export reads the articles and writes
   * nothing back), on the table and on its indexes named one by one.
   */
  grantRead(grantee: iam.IGrantable): void {
    const indexArns = deskTable.globalSecondaryIndexes.map(
      (index) => `${this.table.tableArn}/index/${index.indexName}`,
    );
    iam.Grant.addToPrincipal({ grantee, actions: readActions, resourceArns: [this.table.tableArn] });
    iam.Grant.addToPrincipal({ grantee, actions: ['dynamodb:Query'], resourceArns: indexArns });
  }
}
