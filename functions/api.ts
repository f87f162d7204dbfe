/** `api`: the staff HTTP API behind API Gateway's JWT authorizer (Cognito). */
import { randomUUID } from 'node:crypto';
import { awsClients } from '#shared/adapters/aws-clients.ts';
import { makeDirectoryStore } from '#shared/adapters/directory-store.ts';
import { makeIntakeLogStore } from '#shared/adapters/intake-log-store.ts';
import { makeQueue } from '#shared/adapters/queue.ts';
import { makeRawMailStore } from '#shared/adapters/raw-mail.ts';
import { makeTicketStore } from '#shared/adapters/ticket-store.ts';
import { makeRoutes } from '#shared/api/routes.ts';
import { deskConfig } from '#shared/config.ts';
import { OutboxMessage, TicketCommand } from '#shared/domain/messages.ts';
import { apiHandler } from '#shared/http/middleware.ts';

const config = deskConfig();
const dynamodb = awsClients.dynamodb();
const sqs = awsClients.sqs();

export const handler = apiHandler(
  makeRoutes({
    store: makeIntakeLogStore({ client: dynamodb, tableName: config.tableName }),
    ticketStore: makeTicketStore({ client: dynamodb, tableName: config.tableName }),
    directory: makeDirectoryStore({
      client: dynamodb,
      tableName: config.tableName,
      academicDomain: config.academicDomain,
    }),
    rawMail: makeRawMailStore({ client: awsClients.s3() }),
    tickets: makeQueue({ client: sqs, queueUrl: config.queues.tickets, schema: TicketCommand }),
    outbox: makeQueue({ client: sqs, queueUrl: config.queues.outbox, schema: OutboxMessage }),
    academicDomain: config.academicDomain,
    deskAddresses: config.deskAddresses,
    deskDisplayName: config.deskDisplayName,
    retentionDays: config.retentionDays,
    now: () => new Date(),
    newId: () => randomUUID(),
  }),
);
