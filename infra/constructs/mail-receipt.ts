/**
 * SES receiving for the desk addresses: one rule that stores the raw mail in S3, then invokes
 * `receive` asynchronously (the Lambda action's event carries no body).
 */
import { RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as actions from 'aws-cdk-lib/aws-ses-actions';
import { AwsCustomResource, AwsCustomResourcePolicy, PhysicalResourceId } from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { pipeline } from '#shared/pipeline.ts';
import type { DeskFunction } from './desk-function.ts';
import type { RawMailStore, ReceiptRuleName } from './raw-mail-store.ts';

/** Properties of a {@link MailReceipt}. */
export type MailReceiptProps = {
  /** Addresses the rule accepts; mail to any other recipient is not the desk's. */
  recipients: string[];
  /** Where the raw mails go. */
  store: RawMailStore;
  /** The function SES invokes once the mail is stored (`receive`). */
  receiver: DeskFunction;
  /** Names of the rule set and its rule: fixed, so the bucket policy can name them. */
  names: ReceiptRuleName;
  /**
   * Make this rule set the region's active one. Default false: only one set is active per
   * region, and activating ours replaces whatever the account had active.
   */
  activate?: boolean;
};

/** Stores the raw mail with the S3 action, under `pipeline.rawMailPrefix`. */
class StoreRawMail implements ses.IReceiptRuleAction {
  constructor(private readonly store: RawMailStore) {}

  bind(rule: ses.IReceiptRuleRef): ses.ReceiptRuleActionConfig {
    // SES checks that it may write to the bucket when the rule is created.
    if (this.store.bucket.policy) {
      rule.node.addDependency(this.store.bucket.policy);
    }
    return {
      s3Action: { bucketName: this.store.bucket.bucketName, objectKeyPrefix: pipeline.rawMailPrefix },
    };
  }
}

/** The receipt rule set, its one rule, and (opt-in) its activation. */
export class MailReceipt extends Construct {
  readonly ruleSet: ses.ReceiptRuleSet;
  readonly rule: ses.ReceiptRule;

  constructor(scope: Construct, id: string, props: MailReceiptProps) {
    super(scope, id);
    const stack = Stack.of(this);

    props.store.allowSesReceipt(props.names);
    // Created before the Lambda action binds, which then reuses it instead of adding one
    // without the source ARN.
    props.receiver.function.addPermission('AllowSes', {
      principal: new iam.ServicePrincipal('ses.amazonaws.com'),
      action: 'lambda:InvokeFunction',
      sourceAccount: stack.account,
      sourceArn: stack.formatArn({
        service: 'ses',
        resource: 'receipt-rule-set',
        resourceName: `${props.names.ruleSetName}:receipt-rule/${props.names.ruleName}`,
      }),
    });

    this.ruleSet = new ses.ReceiptRuleSet(this, 'RuleSet', { receiptRuleSetName: props.names.ruleSetName });
    this.rule = this.ruleSet.addRule('DeskAddresses', {
      receiptRuleName: props.names.ruleName,
      recipients: props.recipients,
      // Spam and virus verdicts feed the `spam_or_virus` outcome; without scanning they are DISABLED.
      scanEnabled: true,
      // Directors write from the académie's servers, which speak TLS; plain SMTP is refused.
      tlsPolicy: ses.TlsPolicy.REQUIRE,
      // Order matters: the Lambda event has no body, so the mail must be in S3 first.
      actions: [
        new StoreRawMail(props.store),
        new actions.Lambda({
          function: props.receiver.function,
          invocationType: actions.LambdaInvocationType.EVENT,
        }),
      ],
    });

    if (props.activate) {
      this.activate();
    }
  }

  /** Sets the rule set active through SetActiveReceiptRuleSet (CloudFormation cannot). */
  private activate(): void {
    const region = Stack.of(this).region;
    const logGroup = new logs.LogGroup(this, 'ActivationLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new iam.Role(this, 'ActivationRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Activates the desk receipt rule set',
    });
    logGroup.grantWrite(role);
    const activation = new AwsCustomResource(this, 'Activation', {
      onCreate: {
        service: 'SES',
        action: 'SetActiveReceiptRuleSet',
        parameters: { RuleSetName: this.ruleSet.receiptRuleSetName },
        region,
        physicalResourceId: PhysicalResourceId.of(`active-${this.ruleSet.receiptRuleSetName}`),
      },
      onUpdate: {
        service: 'SES',
        action: 'SetActiveReceiptRuleSet',
        parameters: { RuleSetName: this.ruleSet.receiptRuleSetName },
        region,
        physicalResourceId: PhysicalResourceId.of(`active-${this.ruleSet.receiptRuleSetName}`),
      },
      // Without a name the call deactivates: an active set cannot be deleted, and turning the
      // flag off must stop the desk from receiving.
      onDelete: { service: 'SES', action: 'SetActiveReceiptRuleSet', parameters: {}, region },
      policy: AwsCustomResourcePolicy.fromStatements([
        new iam.PolicyStatement({ actions: ['ses:SetActiveReceiptRuleSet'], resources: ['*'] }),
      ]),
      role,
      logGroup,
      installLatestAwsSdk: false,
    });
    activation.node.addDependency(this.rule);
    Validations.of(activation).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'ses:SetActiveReceiptRuleSet supports no resource-level permission (Service Authorization Reference); the role can call nothing else.',
    });
  }
}
