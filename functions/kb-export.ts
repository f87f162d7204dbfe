/**
 * `kb-export`: consumes the knowledge base's export queue; writes the public pages, feeds and
 * search index once per batch (the batch's changes together), and fails the whole batch when an
 * article changed meanwhile, so it is retried and the newest state wins.
 */
import { dynamodbClient } from '#shared/adapters/clients/dynamodb.ts';
import { s3Client } from '#shared/adapters/clients/s3.ts';
import { sqsBatchConsumer } from '#shared/adapters/sqs-consumer.ts';
import { deskConfig } from '#shared/config.ts';
import { KbExportRequest } from '#shared/domain/messages.ts';
import { logger } from '#shared/logger.ts';
import { exportKnowledgeBase } from '#shared/steps/kb/export.ts';
import { kbExportDeps } from '#shared/wiring/kb.ts';

const config = deskConfig();
const deps = kbExportDeps(config, { dynamodb: dynamodbClient(), s3: s3Client() });

export const handler = sqsBatchConsumer(
  KbExportRequest,
  async (requests) => {
    const outcome = await exportKnowledgeBase(requests, deps);
    logger.info('Knowledge base exported', { requests: requests.length, ...outcome });
    return requests.map((): PromiseFulfilledResult<unknown> => ({ status: 'fulfilled', value: outcome }));
  },
  () => ({}),
);
