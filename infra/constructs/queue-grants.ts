/**
 * Queue grants narrower than CDK's: `grantSendMessages` adds GetQueueAttributes and GetQueueUrl,
 * `grantConsumeMessages` adds ChangeMessageVisibility and GetQueueUrl, and the library's
 * destinations and dead-letter queues use the former. The desk's functions know their queues'
 * URLs from the environment and never call either; Lambda's pollers and destinations need only
 * what the Lambda developer guide lists (SQS event source: ReceiveMessage, DeleteMessage,
 * GetQueueAttributes; an SQS destination or on-failure queue: SendMessage).
 */
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';

/** Lets a role send to one queue: `sqs:SendMessage` (which also authorizes SendMessageBatch). */
export function grantSendOnly(grantee: iam.IGrantable, queue: sqs.IQueue): void {
  iam.Grant.addToPrincipal({ grantee, actions: ['sqs:SendMessage'], resourceArns: [queue.queueArn] });
}

/** What Lambda's SQS poller does with the function's role, and nothing more. */
export function grantPolling(grantee: iam.IGrantable, queue: sqs.IQueue): void {
  iam.Grant.addToPrincipal({
    grantee,
    actions: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
    resourceArns: [queue.queueArn],
  });
}

/**
 * An asynchronous invocation's on-failure destination (as `SqsDestination`), granting the
 * function `sqs:SendMessage` on the queue only.
 */
export class SendOnlyDestination implements lambda.IDestination {
  constructor(private readonly queue: sqs.IQueue) {}

  bind(_scope: unknown, fn: lambda.IFunction): lambda.DestinationConfig {
    grantSendOnly(fn, this.queue);
    return { destination: this.queue.queueArn };
  }
}

/**
 * A stream event source's on-failure queue (as `SqsDlq`), granting the function
 * `sqs:SendMessage` on the queue only.
 */
export class SendOnlyDlq implements lambda.IEventSourceDlq {
  constructor(private readonly queue: sqs.IQueue) {}

  bind(_target: lambda.IEventSourceMapping, targetHandler: lambda.IFunction): lambda.DlqDestinationConfig {
    grantSendOnly(targetHandler, this.queue);
    return { destination: this.queue.queueArn };
  }
}
