/**
 * `retention-purge`: consumes the desk table's stream, filtered on TTL removals; each removed
 * item's purge cascades to what it alone kept (its partition, its raw mails and attachments).
 */
import { dynamodbClient } from '#shared/adapters/clients/dynamodb.ts';
import { s3Client } from '#shared/adapters/clients/s3.ts';
import { makePurgeStore, makeRawMailPurge, ttlRemovalConsumer } from '#shared/adapters/purge-store.ts';
import { deskConfig } from '#shared/config.ts';
import { logger } from '#shared/logger.ts';
import { pipeline } from '#shared/pipeline.ts';
import { purgeAfterRemoval } from '#shared/steps/retention-purge.ts';

const config = deskConfig();
const deps = {
  ...makePurgeStore({ client: dynamodbClient(), tableName: config.tableName }),
  ...makeRawMailPurge({ client: s3Client(), bucket: config.rawMailBucket }),
  rawMailPrefix: pipeline.rawMailPrefix,
};

export const handler = ttlRemovalConsumer(async (removed) => {
  const done = await purgeAfterRemoval(removed, deps);
  if (done.items > 0 || done.rawMails > 0)
    logger.info('Purge cascaded', { pk: removed.pk, sk: removed.sk, ...done });
});
