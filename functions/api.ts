/** `api`: the staff HTTP API behind API Gateway's JWT authorizer (Cognito). */
import { randomUUID } from 'node:crypto';
import { dynamodbClient } from '#shared/adapters/clients/dynamodb.ts';
import { s3ObjectStore } from '#shared/adapters/clients/s3-object-store.ts';
import { sesClient } from '#shared/adapters/clients/ses.ts';
import { sqsClient } from '#shared/adapters/clients/sqs.ts';
import { makeDashboardStore } from '#shared/adapters/dashboard-store.ts';
import { makeDirectoryStore } from '#shared/adapters/directory-store.ts';
import { makeDownloadFiles } from '#shared/adapters/download-files.ts';
import { makeFollowUpStore } from '#shared/adapters/follow-up-store.ts';
import { makeIntakeLogQueries } from '#shared/adapters/intake-log-queries.ts';
import { makeIntakeLogStore } from '#shared/adapters/intake-log-store.ts';
import { makeArticleSuggester, makePublicIndexReader } from '#shared/adapters/kb-index.ts';
import { makePortalUploads } from '#shared/adapters/portal-uploads.ts';
import { makeQueue } from '#shared/adapters/queue.ts';
import { makeRawMailStore } from '#shared/adapters/raw-mail.ts';
import { makeTicketListStore } from '#shared/adapters/ticket-list-store.ts';
import { makeTicketOpeningStore } from '#shared/adapters/ticket-opening-store.ts';
import { makeTicketRetention } from '#shared/adapters/ticket-retention.ts';
import { makeTicketStore } from '#shared/adapters/ticket-store.ts';
import { broadcastApi } from '#shared/api/broadcast-api.ts';
import { bulkApi } from '#shared/api/bulk-api.ts';
import { routes } from '#shared/api/contract.ts';
import { deskApi } from '#shared/api/desk-api.ts';
import { directoryApi } from '#shared/api/directory-api.ts';
import { intakeApi } from '#shared/api/intake-api.ts';
import { kbApi } from '#shared/api/kb-api.ts';
import { mergeApi } from '#shared/api/merge-api.ts';
import { notificationApi } from '#shared/api/notification-api.ts';
import { portalApi } from '#shared/api/portal-api.ts';
import { serveRoutes } from '#shared/api/router.ts';
import { templateApi } from '#shared/api/template-api.ts';
import { ticketsApi } from '#shared/api/tickets-api.ts';
import { deskConfig, retentionOf } from '#shared/config.ts';
import { OutboxMessage, TicketCommand } from '#shared/domain/messages.ts';
import type { Outcome } from '#shared/domain/outcome.ts';
import { apiHandler } from '#shared/http/middleware.ts';
import { deskMetrics, publishMetrics, screenedMetrics } from '#shared/metrics.ts';
import { broadcastDeps } from '#shared/wiring/broadcast.ts';
import { bulkDeps } from '#shared/wiring/bulk.ts';
import { kbDeps } from '#shared/wiring/kb.ts';
import { mergeDeps } from '#shared/wiring/merge.ts';
import { followUpNotifierDeps, notificationDeps, notifierDeps } from '#shared/wiring/notification.ts';
import { templateDeps } from '#shared/wiring/template.ts';

const config = deskConfig();
const dynamodb = dynamodbClient();
const sqs = sqsClient();
// Reads, heads, puts and presigned links without the S3 client (228 KB of this bundle).
const objects = s3ObjectStore();

const directory = makeDirectoryStore({
  client: dynamodb,
  tableName: config.tableName,
  academicDomain: config.academicDomain,
  auditRetentionDays: retentionOf(config).auditDays,
});

// The broadcasts' steps call their store `store`, as the intake log's do: a deps object of their own.
const broadcasts = broadcastDeps(config, { dynamodb, sqs, ses: sesClient() }, directory);

const ticketStore = makeTicketStore({ client: dynamodb, tableName: config.tableName });

// The knowledge base's steps have their own deps too; they share the directory and ticket stores.
const articles = kbDeps(config, { dynamodb, sqs, objects }, { directory, tickets: ticketStore });

const deps = {
  store: makeIntakeLogStore({ client: dynamodb, tableName: config.tableName }),
  ticketStore,
  ticketRetention: makeTicketRetention({ client: dynamodb, tableName: config.tableName }),
  ticketList: makeTicketListStore({ client: dynamodb, tableName: config.tableName }),
  intakeLog: makeIntakeLogQueries({ client: dynamodb, tableName: config.tableName }),
  dashboardStore: makeDashboardStore({ client: dynamodb, tableName: config.tableName }),
  directory,
  broadcastStore: broadcasts.store,
  rawMail: makeRawMailStore({ objects }),
  downloads: makeDownloadFiles({ objects }),
  tickets: makeQueue({ client: sqs, queueUrl: config.queues.tickets, schema: TicketCommand }),
  outbox: makeQueue({ client: sqs, queueUrl: config.queues.outbox, schema: OutboxMessage }),
  academicDomain: config.academicDomain,
  deskAddresses: config.deskAddresses,
  deskDisplayName: config.deskDisplayName,
  retentionDays: retentionOf(config).ticketDays,
  work: config.work,
  now: () => new Date(),
  newId: () => randomUUID(),
  notifier: notifierDeps(config, { dynamodb, sqs }),
};

// The portal's requests are screened and their tickets opened here, by the screen and ticket
// steps' own code, so that the answer carries the outcome and the ticket number at once.
const table = { client: dynamodb, tableName: config.tableName };
const kb = config.kb;
const followUps = makeFollowUpStore(table);
// A portal request's outcome counts with the mails' (the same metric, by outcome code).
const portalMetrics = deskMetrics('api');
const portal = {
  config,
  directory,
  intakeLog: deps.store,
  threads: followUps,
  rawMail: deps.rawMail,
  uploads: makePortalUploads({ objects, bucket: config.rawMailBucket }),
  outbox: deps.outbox,
  broadcasts: undefined,
  ticket: {
    config,
    opening: makeTicketOpeningStore(table),
    followUps,
    tickets: deps.ticketRetention,
    outbox: deps.outbox,
    suggester:
      kb?.bucket && kb.publicBaseUrl
        ? makeArticleSuggester({
            index: makePublicIndexReader({ objects, bucket: kb.bucket }),
            publicBaseUrl: kb.publicBaseUrl,
          })
        : undefined,
    notifier: followUpNotifierDeps(config, { dynamodb, sqs }),
    now: deps.now,
  },
  now: deps.now,
  newId: deps.newId,
  screened: (entry: { outcome: Outcome }) => publishMetrics(portalMetrics, screenedMetrics(entry)),
};

export const handler = apiHandler(
  serveRoutes(routes, {
    ...deskApi(deps),
    ...ticketsApi(deps),
    ...intakeApi(deps),
    ...directoryApi(deps),
    ...broadcastApi(broadcasts),
    ...kbApi(articles),
    ...templateApi(templateDeps(config, { dynamodb, sqs })),
    ...notificationApi(notificationDeps(config, { dynamodb, sqs })),
    ...mergeApi(mergeDeps(config, { dynamodb, sqs })),
    ...bulkApi(bulkDeps(config, { dynamodb, sqs }, deps.notifier)),
    ...portalApi(portal),
  }),
);
