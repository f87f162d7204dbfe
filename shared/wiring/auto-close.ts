/**
 * The adapters the auto-close tick is given, wired once per container for `ticket-housekeeping`
 * (and the local stack's scheduler).
 *
 * `shared/wiring/` is the composition root: only the entry files of `functions/` (and the local
 * stack) import it.
 */
import { randomUUID } from 'node:crypto';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { makeQueue } from '#shared/adapters/queue.ts';
import { makeTicketRetention } from '#shared/adapters/ticket-retention.ts';
import { makeTicketStore } from '#shared/adapters/ticket-store.ts';
import { makeWaitingTickets } from '#shared/adapters/waiting-tickets.ts';
import { type DeskConfig, retentionOf } from '#shared/config.ts';
import { OutboxMessage } from '#shared/domain/messages.ts';
import type { AutoCloseDeps } from '#shared/steps/auto-close.ts';

/** The clients the adapters talk through. */
export type AutoCloseClients = { dynamodb: DynamoDBDocumentClient; sqs: SQSClient };

/** The default when the configuration says nothing (`AUTO_CLOSE_WORKING_DAYS`). */
const DEFAULT_WORKING_DAYS = 10;

/** What the auto-close tick is given; `now` may be moved (tests). */
export function autoCloseDeps(
  config: DeskConfig,
  clients: AutoCloseClients,
  now: () => Date = () => new Date(),
): AutoCloseDeps {
  const table = { client: clients.dynamodb, tableName: config.tableName };
  return {
    waiting: makeWaitingTickets(table),
    ticketStore: makeTicketStore(table),
    ticketRetention: makeTicketRetention(table),
    outbox: makeQueue({ client: clients.sqs, queueUrl: config.queues.outbox, schema: OutboxMessage }),
    deskAddresses: config.deskAddresses,
    deskDisplayName: config.deskDisplayName,
    retentionDays: retentionOf(config).ticketDays,
    workingDays: config.work?.autoCloseWorkingDays ?? DEFAULT_WORKING_DAYS,
    now,
    newId: randomUUID,
  };
}
