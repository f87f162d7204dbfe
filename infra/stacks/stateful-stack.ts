/**
 * What must survive every redeployment: the table and the raw mails. Kept apart so the
 * stateless stack can be destroyed and rebuilt freely.
 */
import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { DeskTable } from '../constructs/desk-table.ts';
import { RawMailStore } from '../constructs/raw-mail-store.ts';

/** Properties of the {@link StatefulStack}. */
export type StatefulStackProps = StackProps & {
  /** Days raw mails are kept. */
  retentionDays: number;
};

/** The desk's data: table and raw-mail bucket, retained when the stack is deleted. */
export class StatefulStack extends Stack {
  readonly table: DeskTable;
  readonly rawMail: RawMailStore;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    this.table = new DeskTable(this, 'Table');
    this.rawMail = new RawMailStore(this, 'RawMail', { retentionDays: props.retentionDays });
  }
}
