/**
 * Opening tickets against DynamoDB Local: a batch's tickets numbered in sequence in one
 * transaction, the intake entry's link as the idempotency key, a refused mail failing alone,
 * and (with `aws-sdk-client-mock`, for the fault the emulator cannot make) throttling failing
 * the batch's records instead of being retried one by one.
 */
import { randomBytes } from 'node:crypto';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClient } from '#shared/adapters/clients/dynamodb.ts';
import { makeIntakeLogStore } from '#shared/adapters/intake-log-store.ts';
import { keys } from '#shared/adapters/keys.ts';
import { MissingIntakeEntryError, makeTicketOpeningStore } from '#shared/adapters/ticket-opening-store.ts';
import { loadConfig } from '#shared/config.ts';
import type { OpenedTicket } from '#shared/domain/intake-ports.ts';
import type { TicketCommand } from '#shared/domain/messages.ts';
import { handleTicketCommands } from '#shared/steps/ticket.ts';
import { makeTestResources, type TestResources } from '../support/aws.ts';
import { intakeEntry, opening, recording, tilleuls } from '../support/intake-records.ts';

let test: TestResources;
let db: DynamoDBDocumentClient;
let tableName: string;
const id = () => `ses-${randomBytes(4).toString('hex')}`;
/** Each test numbers in a year of its own, so that sequences do not mix. */
let nextYear = 3000;

beforeAll(async () => {
  test = await makeTestResources('ticket-opening-store');
  db = documentClient(test.clients.dynamodb);
  tableName = test.resources.tableName;
});

afterAll(() => test?.destroy());

/** Intake entries for new mails, as the screen step leaves them for the ticket step. */
async function screened(count: number): Promise<string[]> {
  const log = makeIntakeLogStore({ client: db, tableName });
  const ids = Array.from({ length: count }, id);
  for (const sesMessageId of ids) await log.recordIntake(recording(intakeEntry(sesMessageId)));
  return ids;
}

async function itemAt(key: Record<string, string>) {
  const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: key }));
  return Item;
}

function values<T>(results: Array<PromiseSettledResult<T>>): T[] {
  return results.map((result) => {
    if (result.status === 'rejected') throw result.reason;
    return result.value;
  });
}

describe('opening the tickets of a batch', () => {
  it('numbers them in sequence and writes each ticket, its mail, its acknowledgment and the link', async () => {
    // Prepare
    const store = makeTicketOpeningStore({ client: db, tableName });
    const year = nextYear++;
    const ids = await screened(3);
    // Act
    const results = await store.openTickets(ids.map((sesMessageId) => opening(sesMessageId, year)));
    // Assess
    expect(values(results)).toEqual(
      [1, 2, 3].map((n) => ({ kind: 'opened', ticketNumber: `LSUN-${year}-0000${n}` })),
    );
    expect(await itemAt(keys.ticketSequence(year))).toMatchObject({ last: 3 });
    const [first] = ids;
    const number = `LSUN-${year}-00001`;
    expect(await itemAt(keys.intakeEntry(first ?? ''))).toMatchObject({ ticketNumber: number });
    expect(await itemAt(keys.ticket(number))).toMatchObject({
      number,
      status: 'nouveau',
      schools: [tilleuls],
      participants: ['camille.martin@ac-dijon.fr', 'ce.0211234c@ac-dijon.fr'],
      messageCount: 2,
      ...keys.ticketsByTime('2026-03-05T08:00:05.000Z', number),
      ...keys.ticketsByStatus('nouveau', '2026-03-05T08:00:05.000Z', number),
    });
    expect(await itemAt(keys.ticketMessage(number, '2026-03-05T08:00:00.000Z', first ?? ''))).toMatchObject({
      direction: 'in',
      sesMessageId: first,
    });
    expect(
      await itemAt(keys.ticketMessage(number, '2026-03-05T08:00:00.000Z', `${first}.ack`)),
    ).toMatchObject({
      direction: 'out',
      status: 'queued',
      purpose: 'acknowledgment',
    });
    // The Message-ID claim still names the mail only: its entry's link gives the ticket.
    const claim = await itemAt(keys.messageIdClaim(`${first}@ac-dijon.fr`));
    expect(claim).toMatchObject({ sesMessageId: first });
    expect(claim).not.toHaveProperty('ticketNumber');
  });

  it('gives a redelivered mail the number it already has, and takes none', async () => {
    const store = makeTicketOpeningStore({ client: db, tableName });
    const year = nextYear++;
    const [sesMessageId = ''] = await screened(1);
    const [first] = values(await store.openTickets([opening(sesMessageId, year)]));
    const again = values(await store.openTickets([opening(sesMessageId, year)]));
    expect(again).toEqual([{ kind: 'already_opened', ticketNumber: first?.ticketNumber }]);
    expect(await itemAt(keys.ticketSequence(year))).toMatchObject({ last: 1 });
  });

  it('opens the same mail twice in one batch once, and answers both', async () => {
    const store = makeTicketOpeningStore({ client: db, tableName });
    const year = nextYear++;
    const [sesMessageId = ''] = await screened(1);
    const results = values(
      await store.openTickets([opening(sesMessageId, year), opening(sesMessageId, year)]),
    );
    expect(results).toEqual<OpenedTicket[]>([
      { kind: 'opened', ticketNumber: `LSUN-${year}-00001` },
      { kind: 'already_opened', ticketNumber: `LSUN-${year}-00001` },
    ]);
  });

  it('fails only the mail that has no intake entry, and opens the others', async () => {
    // Prepare
    const store = makeTicketOpeningStore({ client: db, tableName });
    const year = nextYear++;
    const [a = '', b = ''] = await screened(2);
    // Act
    const [first, missing, last] = await store.openTickets([
      opening(a, year),
      opening(id(), year),
      opening(b, year),
    ]);
    // Assess
    expect(first).toMatchObject({ status: 'fulfilled', value: { kind: 'opened' } });
    expect(last).toMatchObject({ status: 'fulfilled', value: { kind: 'opened' } });
    expect(missing?.status === 'rejected' && missing.reason).toBeInstanceOf(MissingIntakeEntryError);
  });
});

describe('a fault that is not a refusal', () => {
  /**
   * A client that reads and reserves numbers on DynamoDB Local, sees its first transaction refused
   * (another batch moved the sequence), then is throttled on the next.
   */
  function throttledAfterARefusal(throttle: Error) {
    const client = documentClient(test.clients.dynamodb);
    const real = client.send.bind(client) as (command: unknown) => Promise<unknown>;
    const mock = mockClient(client);
    mock.on(BatchGetCommand).callsFake((input) => real(new BatchGetCommand(input)));
    mock.on(UpdateCommand).callsFake((input) => real(new UpdateCommand(input)));
    mock
      .on(TransactWriteCommand)
      .rejectsOnce(
        new TransactionCanceledException({
          message: 'Transaction cancelled',
          $metadata: {},
          CancellationReasons: [{ Code: 'ConditionalCheckFailed' }],
        }),
      )
      .rejects(throttle);
    return { client, mock };
  }

  const throttles = {
    'a throttled transaction': Object.assign(new Error('Rate of requests exceeds the allowed throughput.'), {
      name: 'ThrottlingException',
    }),
    'a transaction cancelled for throttling': new TransactionCanceledException({
      message: 'Transaction cancelled',
      $metadata: {},
      CancellationReasons: [{ Code: 'ThrottlingError' }, { Code: 'None' }],
    }),
  };

  it.each(Object.entries(throttles))(
    'fails the whole batch on %s, without opening one by one',
    async (_, throttle) => {
      // Prepare
      const { client, mock } = throttledAfterARefusal(throttle);
      const store = makeTicketOpeningStore({ client, tableName });
      const year = nextYear++;
      const ids = await screened(2);
      // Act
      const opened = store.openTickets(ids.map((sesMessageId) => opening(sesMessageId, year)));
      // Assess: the fault goes up; the guess and the reserved batch were the only transactions.
      await expect(opened).rejects.toSatisfy(
        (error: Error) => error === throttle || error.cause === throttle,
      );
      expect(mock.commandCalls(TransactWriteCommand)).toHaveLength(2);
      for (const sesMessageId of ids) {
        expect((await itemAt(keys.intakeEntry(sesMessageId)))?.ticketNumber).toBeUndefined();
      }
      mock.restore();
    },
  );

  it('fails the records of the batch’s new tickets, so that SQS delivers them again', async () => {
    // Prepare
    const { client, mock } = throttledAfterARefusal(throttles['a throttled transaction']);
    const ids = await screened(2);
    const commands: TicketCommand[] = ids.map((sesMessageId) => {
      const { message, requester } = opening(sesMessageId);
      return {
        type: 'ticket.open',
        deskAddress: 'assistance1d@ac-dijon.fr',
        requester: { kind: 'director', ...requester, schools: [tilleuls] },
        message,
      };
    });
    const queued: unknown[] = [];
    // Act
    const results = await handleTicketCommands(commands, {
      config: loadConfig(test.env),
      opening: makeTicketOpeningStore({ client, tableName }),
      followUps: { addFollowUp: async () => ({ added: true, reopened: false }) },
      tickets: { clearExpiry: async () => 0 },
      outbox: { sendAll: async (messages) => void queued.push(...messages) },
      now: () => new Date('2026-03-05T08:00:05.000Z'),
    });
    // Assess
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect(queued).toEqual([]);
    mock.restore();
  });
});
