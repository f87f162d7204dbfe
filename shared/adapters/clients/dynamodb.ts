/** The DynamoDB document client of this container, made once. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** The document client the desk's stores use: plain JS values in, plain values out. */
export function documentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

/** A `DYNAMODB_MAX_SOCKETS` that is not a whole number of at least 1. */
export class DynamodbSocketsError extends Error {
  override name = 'DynamodbSocketsError';
}

/**
 * The most connections the client opens to DynamoDB at once, where `DYNAMODB_MAX_SOCKETS` says
 * so; otherwise the SDK's default (50). Only the local desk sets it (`local/resources.ts`): there
 * one process runs every function's handlers against DynamoDB Local, which gives each open
 * connection a Java thread and serves them in turn, so 50 connections only made it hold more
 * threads (84 at the intake bench's max rate, about 10 MiB more than with 12: docs/PERFORMANCE.md). On Lambda a container runs one invocation at a time, and
 * DynamoDB serves many connections at once: the default stays.
 * @throws DynamodbSocketsError naming the variable when it is set to something else than a count
 */
export function maxSocketsFromEnv(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const value = env.DYNAMODB_MAX_SOCKETS;
  if (value === undefined || value === '') return undefined;
  const max = Number(value);
  if (!Number.isInteger(max) || max < 1) {
    throw new DynamodbSocketsError(
      `DYNAMODB_MAX_SOCKETS must be a whole number of at least 1, not "${value}".`,
    );
  }
  return max;
}

let client: DynamoDBDocumentClient | undefined;

export function dynamodbClient(): DynamoDBDocumentClient {
  if (client === undefined) {
    const maxSockets = maxSocketsFromEnv();
    client = documentClient(
      new DynamoDBClient(maxSockets === undefined ? {} : { requestHandler: { httpAgent: { maxSockets } } }),
    );
  }
  return client;
}
