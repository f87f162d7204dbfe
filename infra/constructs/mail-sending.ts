/**
 * What every mail the desk sends goes through: the SES configuration set, its event
 * destination (delivery, bounce, complaint, read by `ses-events`), and optionally the
 * sender domain identity. Owns every SES grant of the desk's functions.
 */
import { CfnOutput, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sns from 'aws-cdk-lib/aws-sns';
import { SqsSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** Properties of a {@link MailSending}. */
export type MailSendingProps = {
  /** The desk addresses: the only `From` addresses the desk's functions may use. */
  fromAddresses: string[];
  /**
   * A domain to create as an SES identity (Easy DKIM; its DNS records are stack outputs).
   * Default: none, the identities are verified outside this app (an identity cannot be
   * created twice, and the académie may already have one).
   */
  senderDomain?: string;
};

/** The configuration set, its event topic and the optional sender identity. */
export class MailSending extends Construct {
  readonly configurationSet: ses.ConfigurationSet;
  /** Delivery, bounce and complaint events of every mail sent through the configuration set. */
  readonly eventsTopic: sns.Topic;
  readonly identity: ses.EmailIdentity | undefined;
  private readonly fromAddresses: string[];

  constructor(scope: Construct, id: string, props: MailSendingProps) {
    super(scope, id);
    this.fromAddresses = props.fromAddresses;

    // The events name recipients (directors): encrypted with a key SES may use.
    const eventsKey = new kms.Key(this, 'EventsKey', {
      description: 'Assistance LSUN: SES sending events',
      enableKeyRotation: true,
      // Events are transient (read within seconds): nothing to decrypt once the stack is gone.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    eventsKey.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('ses.amazonaws.com')],
        actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );
    this.eventsTopic = new sns.Topic(this, 'EventsTopic', {
      displayName: 'Assistance LSUN : événements d’envoi',
      masterKey: eventsKey,
      enforceSSL: true,
    });

    this.configurationSet = new ses.ConfigurationSet(this, 'ConfigurationSet', {
      reputationMetrics: true,
      sendingEnabled: true,
      // Every recipient is an académie mailbox, whose servers speak TLS: never send in clear.
      tlsPolicy: ses.ConfigurationSetTlsPolicy.REQUIRE,
    });
    this.configurationSet.addEventDestination('Events', {
      destination: ses.EventDestination.snsTopic(this.eventsTopic),
      events: [ses.EmailSendingEvent.DELIVERY, ses.EmailSendingEvent.BOUNCE, ses.EmailSendingEvent.COMPLAINT],
    });

    if (props.senderDomain) {
      this.identity = new ses.EmailIdentity(this, 'SenderIdentity', {
        identity: ses.Identity.domain(props.senderDomain),
        // Mail from this domain goes through the configuration set even if a caller omits it.
        configurationSet: this.configurationSet,
      });
      this.identity.dkimRecords.forEach((record, index) => {
        new CfnOutput(this, `DkimRecord${index + 1}`, {
          description: `CNAME to publish in ${props.senderDomain}'s DNS for Easy DKIM`,
          value: `${record.name} CNAME ${record.value}`,
        });
      });
    }
  }

  /**
   * Lets a function send mail with SESv2 SendEmail (the mailer): from the desk addresses only
   * (`ses:FromAddress`), on exactly the resources SES authorizes a send against: the sending
   * identity (each desk address and its domain, whichever is the verified one) and the
   * configuration set the call names (without it, a send through the set is refused:
   * aws/aws-cdk#34402). No template resource: the content is inline.
   */
  grantSend(grantee: iam.IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(this.sendStatement('ses:SendEmail'));
  }

  /**
   * Lets a function send broadcasts with SESv2 SendBulkEmail (broadcast-send, and the api's test
   * copy), on the same terms as {@link grantSend}: the desk addresses, the configuration set,
   * their identities. The template is inline (`TemplateContent`), so no template resource and no
   * `ses:GetTemplate`.
   */
  grantSendBulk(grantee: iam.IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(this.sendStatement('ses:SendBulkEmail'));
  }

  /**
   * Lets a role read the account's sending quota and maximum send rate (SESv2 GetAccount), which
   * paces broadcasts. In a policy of its own rather than the role's default policy, so the
   * acknowledgment of its `Resource *` covers this statement only.
   */
  grantReadSendingQuota(role: iam.Role): void {
    const policy = new iam.Policy(this, `SendingQuota${role.node.scope?.node.id ?? role.node.id}`, {
      roles: [role],
      statements: [new iam.PolicyStatement({ actions: ['ses:GetAccount'], resources: ['*'] })],
    });
    Validations.of(policy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        "ses:GetAccount supports no resource-level permission (Service Authorization Reference, SES v2): it reads the account's quota and maximum send rate, which pace broadcasts. This policy holds that one read-only action and nothing else.",
    });
  }

  /**
   * Delivers the configuration set's events to a queue, raw (the SQS body is SES's event JSON
   * itself, `{ eventType, mail, delivery | bounce | complaint }`, without SNS's envelope). The
   * subscription adds the queue policy that lets this topic, and only it, send.
   */
  deliverEventsTo(queue: sqs.IQueue): void {
    this.eventsTopic.addSubscription(new SqsSubscription(queue, { rawMessageDelivery: true }));
  }

  private sendStatement(action: 'ses:SendEmail' | 'ses:SendBulkEmail'): iam.PolicyStatement {
    const stack = Stack.of(this);
    const identities = new Set<string>();
    for (const address of this.fromAddresses) {
      identities.add(address);
      identities.add(address.slice(address.indexOf('@') + 1));
    }
    const resourceArns = [
      ...[...identities].map((identity) =>
        stack.formatArn({ service: 'ses', resource: 'identity', resourceName: identity }),
      ),
      stack.formatArn({
        service: 'ses',
        resource: 'configuration-set',
        resourceName: this.configurationSet.configurationSetName,
      }),
    ];
    return new iam.PolicyStatement({
      actions: [action],
      resources: resourceArns,
      // Case-insensitive: the reply goes from the address as the director wrote it.
      conditions: { StringEqualsIgnoreCase: { 'ses:FromAddress': this.fromAddresses } },
    });
  }
}
