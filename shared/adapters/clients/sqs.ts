/** The SQS client of this container, made once. */
import { SQSClient } from '@aws-sdk/client-sqs';
import { forgetHandlersOnStackChange, HANDLER_CACHE } from './handler-cache.ts';

let client: SQSClient | undefined;

/**
 * A local SQS stand-in may return queue URLs on hosts that do not resolve: when an endpoint is
 * configured, send to it rather than to the queue URL's host.
 */
export function sqsClient(): SQSClient {
  const endpoint = process.env.AWS_ENDPOINT_URL_SQS;
  client ??= forgetHandlersOnStackChange(
    new SQSClient({ ...(endpoint ? { endpoint, useQueueUrlAsEndpoint: false } : {}), ...HANDLER_CACHE }),
  );
  return client;
}
