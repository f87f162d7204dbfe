/**
 * The desk's single DynamoDB table, shaped by `shared/table.ts` (the same shape the local
 * stack creates in DynamoDB Local).
 */
import { type CfnResource, RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { deskTable } from '#shared/table.ts';

/**
 * The item-level actions a desk function may be given, one by one: never `dynamodb:*`, never
 * Scan (every read path is a key or an index query). A `TransactWriteItems` is authorized item by
 * item, so a transaction needs the actions of its items (PutItem, UpdateItem, DeleteItem,
 * ConditionCheckItem) and nothing more.
 */
export type TableAction =
  | 'GetItem'
  | 'BatchGetItem'
  | 'Query'
  | 'PutItem'
  | 'UpdateItem'
  | 'DeleteItem'
  | 'ConditionCheckItem'
  | 'BatchWriteItem';

/** A global secondary index of `shared/table.ts`, by name. */
export type TableIndex = (typeof deskTable.globalSecondaryIndexes)[number]['indexName'];

/** What one step may do on the table: its actions on items, and the indexes it queries. */
type TableAccess = { actions: TableAction[]; queries?: TableIndex[] };

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
 * cascades from TTL removals), retained and protected from deletion. Its indexes and what each
 * projects come from `shared/table.ts`; on a deployed table, changing an index's projection
 * means a new index (DynamoDB cannot change a projection in place) and its backfill.
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
        projectionType: dynamodb.ProjectionType[index.projection],
      });
    }
    // A fixed logical id: moving the construct in the tree must never replace the table.
    (this.table.node.defaultChild as CfnResource).overrideLogicalId('DeskTable');
  }

  /**
   * `screen`: reads the directory entry, the thread a reply answers and the broadcast it answers
   * (GetItem), then records the intake entry, the Message-ID claim, the day's quota counter and
   * the automatic reply in one transaction (PutItem, UpdateItem). No query, no delete.
   */
  grantIntakeScreening(grantee: iam.IGrantable): void {
    this.grantAccess(grantee, { actions: ['GetItem', 'PutItem', 'UpdateItem'] });
  }

  /**
   * `ticket`: reads which mails of the batch are already linked and the year's sequence
   * (BatchGetItem), the ticket a follow-up joins and the agents' notification preferences
   * (GetItem), a ticket's items to set their purge date (Query on the ticket's partition); writes
   * the tickets, messages, acknowledgments, links and notices (PutItem, UpdateItem).
   */
  grantTicketOpening(grantee: iam.IGrantable): void {
    this.grantAccess(grantee, { actions: ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem'] });
  }

  /**
   * `mailer`: claims a mail's record, then records it sent, failed or unknown, or gives the claim
   * back: conditional UpdateItem only. It reads nothing else and never deletes.
   */
  grantOutboxSending(grantee: iam.IGrantable): void {
    this.grantAccess(grantee, { actions: ['UpdateItem'] });
  }

  /**
   * `outbox-sweep`: lists the mails in flight (Query on gsi4, sparse and keys only), reads each
   * one's state (GetItem) and marks those stranded (conditional UpdateItem).
   */
  grantOutboxSweep(grantee: iam.IGrantable): void {
    this.grantAccess(grantee, { actions: ['GetItem', 'UpdateItem'], queries: ['gsi4'] });
  }

  /**
   * `ticket-housekeeping`: lists the tickets waiting for their director (Query on gsi2), reads
   * each ticket (Query on its partition), closes it in one transaction (PutItem, UpdateItem,
   * ConditionCheckItem) and sets its items' purge date (UpdateItem); and counts the intake
   * log's finished days for the dashboard (Query on gsi1 `INTAKE`, PutItem of each day's summary)
   * and writes the open tickets' snapshot (Query on gsi2's open partitions, PutItem of its chunks);
   * and, until the table is marked, gives older tickets their cards (GetItem of the marker, Query
   * on gsi1 `TICKETS`, BatchGetItem of the cards there, PutItem of those missing and the marker).
   */
  grantAutoClose(grantee: iam.IGrantable): void {
    this.grantAccess(grantee, {
      actions: ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem', 'ConditionCheckItem'],
      queries: ['gsi1', 'gsi2'],
    });
  }

  /**
   * `broadcast-plan`: lists the due broadcasts (Query on gsi2), reads the broadcast and the
   * directory's current generation (GetItem, BatchGetItem), freezes the recipients (PutItem),
   * counts and lists them (Query on the broadcast's partition) and moves the broadcast on
   * (UpdateItem).
   */
  grantBroadcastStart(grantee: iam.IGrantable): void {
    this.grantAccess(grantee, {
      actions: ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem'],
      queries: ['gsi2'],
    });
  }

  /**
   * `broadcast-send`: reads the broadcast and its chunk's recipients (GetItem, BatchGetItem),
   * claims and records each recipient (UpdateItem, and a PutItem of the mail's lookup by SES
   * message id in the same transaction), counts the recipients (Query on the broadcast's
   * partition).
   */
  grantBroadcastSending(grantee: iam.IGrantable): void {
    this.grantAccess(grantee, { actions: ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem'] });
  }

  /**
   * `ses-events`: finds the recipient of a sent mail (GetItem, BatchGetItem), records what
   * became of it (UpdateItem) and the address's problem (PutItem).
   */
  grantSendingEvents(grantee: iam.IGrantable): void {
    this.grantAccess(grantee, { actions: ['GetItem', 'BatchGetItem', 'PutItem', 'UpdateItem'] });
  }

  /**
   * `kb-export`: reads the published articles (Query on gsi2) and the catalogue's published
   * version (GetItem). It writes nothing to the table.
   */
  grantArticleExport(grantee: iam.IGrantable): void {
    this.grantAccess(grantee, { actions: ['GetItem'], queries: ['gsi2'] });
  }

  /**
   * `mail-watch`: counts the intake log's entries since midnight (Query on gsi1, stopped at a
   * few items). It reads nothing else and writes nothing.
   */
  grantMailWatch(grantee: iam.IGrantable): void {
    this.grantAccess(grantee, { actions: [], queries: ['gsi1'] });
  }

  /**
   * `api`: every staff action and list of the console. The one role with DeleteItem (reply
   * templates, a merge moving a ticket's items), BatchWriteItem (the directory's garbage
   * collection of old generations) and every index (the intake log and tickets by time on gsi1,
   * by outcome or status on gsi2, open tickets by creation on gsi3, tickets' cards on gsi5, each
   * agent's tickets on gsi6).
   */
  grantStaffApi(grantee: iam.IGrantable): void {
    this.grantAccess(grantee, {
      actions: [
        'GetItem',
        'BatchGetItem',
        'Query',
        'PutItem',
        'UpdateItem',
        'DeleteItem',
        'ConditionCheckItem',
        'BatchWriteItem',
      ],
      queries: ['gsi1', 'gsi2', 'gsi3', 'gsi5', 'gsi6'],
    });
  }

  /**
   * `retention-purge`: reads a removed item's partition (Query on the table) and deletes its
   * items (DeleteItem), nothing else (no index, no write). Reading the stream is granted by its
   * event source mapping.
   */
  grantPurge(grantee: iam.IGrantable): void {
    this.grantAccess(grantee, { actions: ['Query', 'DeleteItem'] });
  }

  /**
   * The actions on the table's ARN, and Query on each named index's ARN (CDK's grant methods
   * would grant `index/*` and whole groups of actions).
   */
  private grantAccess(grantee: iam.IGrantable, access: TableAccess): void {
    if (access.actions.length > 0) {
      iam.Grant.addToPrincipal({
        grantee,
        actions: access.actions.map((action) => `dynamodb:${action}`),
        resourceArns: [this.table.tableArn],
      });
    }
    const queries = access.queries ?? [];
    if (queries.length === 0) return;
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['dynamodb:Query'],
      resourceArns: queries.map((index) => `${this.table.tableArn}/index/${index}`),
    });
  }
}
