/** The DynamoDB document client of this container, made once. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** The document client the desk's stores use: plain JS values in, plain values out. */
export function documentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

let client: DynamoDBDocumentClient | undefined;

export function dynamodbClient(): DynamoDBDocumentClient {
  client ??= documentClient(new DynamoDBClient({}));
  return client;
}
