import { GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { forgetHandlersOnStackChange, HANDLER_CACHE } from '#shared/adapters/clients/handler-cache.ts';

type Stack = {
  add(
    middleware: (next: unknown) => (args: unknown) => Promise<unknown>,
    options: { step: 'initialize'; name: string; priority: 'high' | 'low' },
  ): void;
};

/** An SQS client with the handler cache that answers every request itself, before the network. */
function answeringClient(): SQSClient {
  const client = new SQSClient({
    region: 'eu-west-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    ...HANDLER_CACHE,
  });
  (client.middlewareStack as unknown as Stack).add(
    () => async () => ({ output: { QueueUrl: 'http://queue', $metadata: {} } }),
    { step: 'initialize', name: 'answer', priority: 'low' },
  );
  return client;
}

/** Adds a probe that counts the requests going through the stack, as the benches' probes do. */
function addProbe(client: SQSClient): { count: number } {
  const seen = { count: 0 };
  (client.middlewareStack as unknown as Stack).add(
    (next) => async (args) => {
      seen.count++;
      return (next as (a: unknown) => Promise<unknown>)(args);
    },
    { step: 'initialize', name: 'probe', priority: 'high' },
  );
  return seen;
}

describe('the SDK handler cache of the desk clients', () => {
  it('runs a middleware added after the first request, as the benches and the role test add theirs', async () => {
    // Prepare
    const client = forgetHandlersOnStackChange(answeringClient());
    await client.send(new GetQueueUrlCommand({ QueueName: 'intake' }));
    const probe = addProbe(client);

    // Act
    await client.send(new GetQueueUrlCommand({ QueueName: 'intake' }));

    // Assess
    expect(probe.count).toBe(1);
  });

  it('is needed: the SDK alone keeps the handler it built before the middleware was added', async () => {
    // Prepare
    const client = answeringClient();
    await client.send(new GetQueueUrlCommand({ QueueName: 'intake' }));
    const probe = addProbe(client);

    // Act
    await client.send(new GetQueueUrlCommand({ QueueName: 'intake' }));

    // Assess
    expect(probe.count).toBe(0);
  });
});
