/**
 * AWS clients, made once per container and handed to the adapters that need them.
 *
 * Endpoints come from the SDK's own variables (`AWS_ENDPOINT_URL_DYNAMODB`, ...), so the same
 * code talks to AWS on Lambda and to the local stand-ins under `npm start` and in tests. Each
 * client has its own module under `clients/`, so a function's bundle carries only the clients it
 * imports; this module gathers them for tools that run the whole desk in one process.
 */
import { documentClient, dynamodbClient } from './clients/dynamodb.ts';
import { s3Client } from './clients/s3.ts';
import { sesClient } from './clients/ses.ts';
import { sqsClient } from './clients/sqs.ts';

export { documentClient, dynamodbClient, s3Client, sesClient, sqsClient };

/** All four, for the local stack and the benchmark. */
export const awsClients = { dynamodb: dynamodbClient, sqs: sqsClient, s3: s3Client, ses: sesClient };
