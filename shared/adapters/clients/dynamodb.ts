/** The DynamoDB document client of this container, made once. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { traced } from '#shared/tracer.ts';

/** The document client the desk's stores use: plain JS values in, plain values out. */
export function documentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

let client: DynamoDBDocumentClient | undefined;

export function dynamodbClient(): DynamoDBDocumentClient {
  // Traced before the document client wraps it: the wrapper sends through the client's stack.
  client ??= documentClient(traced(new DynamoDBClient({})));
  return client;
}
