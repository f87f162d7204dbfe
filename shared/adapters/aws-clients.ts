/**
 * AWS clients, made once per container and handed to the adapters that need them.
 *
 * Endpoints come from the SDK's own variables (`AWS_ENDPOINT_URL_DYNAMODB`, ...), so the same
 * code talks to AWS on Lambda and to the local stand-ins under `npm start` and in tests.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** The document client the desk's stores use: plain JS values in, plain values out. */
export function documentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

let dynamodb: DynamoDBDocumentClient | undefined;
let sqs: SQSClient | undefined;
let s3: S3Client | undefined;
let ses: SESv2Client | undefined;

export const awsClients = {
  dynamodb: () => (dynamodb ??= documentClient(new DynamoDBClient({}))),
  // A local SQS stand-in returns queue URLs on hosts that do not resolve: when an endpoint is
  // configured, send to it rather than to the queue URL's host.
  sqs: () =>
    (sqs ??= new SQSClient(
      process.env.AWS_ENDPOINT_URL_SQS
        ? { endpoint: process.env.AWS_ENDPOINT_URL_SQS, useQueueUrlAsEndpoint: false }
        : {},
    )),
  s3: () => (s3 ??= new S3Client({ forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL_S3) })),
  ses: () => (ses ??= new SESv2Client({})),
};
