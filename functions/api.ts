/** `api`: the staff HTTP API behind API Gateway's JWT authorizer (Cognito). */
import { randomUUID } from 'node:crypto';
import { awsClients } from '#shared/adapters/aws-clients.ts';
import { makeBroadcastStore } from '#shared/adapters/broadcast-store.ts';
import { makeBulkSender } from '#shared/adapters/bulk-sender.ts';
import { makeDashboardStore } from '#shared/adapters/dashboard-store.ts';
import { makeDirectoryStore } from '#shared/adapters/directory-store.ts';
import { makeIntakeLogQueries } from '#shared/adapters/intake-log-queries.ts';
import { makeIntakeLogStore } from '#shared/adapters/intake-log-store.ts';
import { makeQueue } from '#shared/adapters/queue.ts';
import { makeRawMailStore } from '#shared/adapters/raw-mail.ts';
import { makeTicketListStore } from '#shared/adapters/ticket-list-store.ts';
import { makeTicketRetention } from '#shared/adapters/ticket-retention.ts';
import { makeTicketStore } from '#shared/adapters/ticket-store.ts';
import { broadcastApi } from '#shared/api/broadcast-api.ts';
import { routes } from '#shared/api/contract.ts';
import { deskApi } from '#shared/api/desk-api.ts';
import { directoryApi } from '#shared/api/directory-api.ts';
import { intakeApi } from '#shared/api/intake-api.ts';
import { serveRoutes } from '#shared/api/router.ts';
import { ticketsApi } from '#shared/api/tickets-api.ts';
import { deskConfig, requiredQueue } from '#shared/config.ts';
import { BroadcastChunk, OutboxMessage, TicketCommand } from '#shared/domain/messages.ts';
import { apiHandler } from '#shared/http/middleware.ts';
import type { BroadcastDeps } from '#shared/steps/broadcast/deps.ts';

const config = deskConfig();
const dynamodb = awsClients.dynamodb();
const sqs = awsClients.sqs();

const broadcastStore = makeBroadcastStore({ client: dynamodb, tableName: config.tableName });
const directory = makeDirectoryStore({
  client: dynamodb,
  tableName: config.tableName,
  academicDomain: config.academicDomain,
});

const deps = {
  store: makeIntakeLogStore({ client: dynamodb, tableName: config.tableName }),
  ticketStore: makeTicketStore({ client: dynamodb, tableName: config.tableName }),
  ticketRetention: makeTicketRetention({ client: dynamodb, tableName: config.tableName }),
  ticketList: makeTicketListStore({ client: dynamodb, tableName: config.tableName }),
  intakeLog: makeIntakeLogQueries({ client: dynamodb, tableName: config.tableName }),
  dashboardStore: makeDashboardStore({ client: dynamodb, tableName: config.tableName }),
  directory,
  broadcastStore,
  rawMail: makeRawMailStore({ client: awsClients.s3() }),
  tickets: makeQueue({ client: sqs, queueUrl: config.queues.tickets, schema: TicketCommand }),
  outbox: makeQueue({ client: sqs, queueUrl: config.queues.outbox, schema: OutboxMessage }),
  academicDomain: config.academicDomain,
  deskAddresses: config.deskAddresses,
  deskDisplayName: config.deskDisplayName,
  retentionDays: config.retentionDays,
  now: () => new Date(),
  newId: () => randomUUID(),
};

// The broadcasts' steps call their store `store`, as the intake log's do: a deps object of their own.
const broadcastDeps: BroadcastDeps = {
  store: broadcastStore,
  directory,
  chunks: makeQueue({ client: sqs, queueUrl: requiredQueue(config, 'broadcast'), schema: BroadcastChunk }),
  // A test copy goes out at once through the same bulk call as the broadcast's chunks.
  sender: makeBulkSender({
    client: awsClients.ses(),
    configurationSet: config.sesConfigurationSet,
    maxSendRate: config.broadcast?.maxSendRate,
  }),
  config: {
    deskAddress: config.deskAddresses[0] ?? '',
    deskDisplayName: config.deskDisplayName,
    rateShare: config.broadcast?.rateShare ?? 0.5,
  },
  now: deps.now,
  newId: deps.newId,
};

export const handler = apiHandler(
  serveRoutes(routes, {
    ...deskApi(deps),
    ...ticketsApi(deps),
    ...intakeApi(deps),
    ...directoryApi(deps),
    ...broadcastApi(broadcastDeps),
  }),
);
