/**
 * The retention of a ticket's items against DynamoDB Local: closing gives every item of the
 * partition its purge date, closing again repairs only what was written since, reopening takes
 * every purge date away.
 */
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClient } from '#shared/adapters/aws-clients.ts';
import { keys } from '#shared/adapters/keys.ts';
import { makeTicketRetention } from '#shared/adapters/ticket-retention.ts';
import type { TicketRetention } from '#shared/domain/staff-ports.ts';
import { makeTestResources, type TestResources } from '../support/aws.ts';

const NUMBER = 'LSUN-2026-00777';
const PURGE = 1_900_000_000;

let test: TestResources;
let retention: TicketRetention;
let put: (item: Record<string, unknown>) => Promise<unknown>;
let partition: () => Promise<Array<Record<string, unknown>>>;

beforeAll(async () => {
  test = await makeTestResources('ticket-retention');
  const client = documentClient(test.clients.dynamodb);
  const tableName = test.resources.tableName;
  retention = makeTicketRetention({ client, tableName });
  put = (item) => client.send(new PutCommand({ TableName: tableName, Item: item }));
  partition = async () =>
    (
      await client.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': keys.ticket(NUMBER).pk },
          ConsistentRead: true,
        }),
      )
    ).Items ?? [];
});

afterAll(() => test?.destroy());

describe('the retention of a ticket', () => {
  it('gives every item its purge date once, repairs items written since, and takes them all away on reopening', async () => {
    // Prepare
    const at = '2026-03-05T09:00:00.000Z';
    await put({ ...keys.ticket(NUMBER), number: NUMBER, status: 'clos' });
    await put({ ...keys.ticketMessage(NUMBER, at, 'm1'), id: 'm1' });
    await put({ ...keys.ticketNote(NUMBER, at, 'n1'), id: 'n1' });
    await put({ ...keys.ticketHistory(NUMBER, at, 'h1'), id: 'h1', expiresAt: PURGE });

    // Act: close
    const closed = await retention.setExpiry(NUMBER, PURGE);

    // Assess: the history line already had it
    expect(closed).toBe(3);
    expect((await partition()).map((item) => item.expiresAt)).toEqual([PURGE, PURGE, PURGE, PURGE]);

    // Act: a note written meanwhile, then closing again
    await put({ ...keys.ticketNote(NUMBER, at, 'n2'), id: 'n2' });
    const repaired = await retention.setExpiry(NUMBER, PURGE);

    // Assess
    expect(repaired).toBe(1);
    expect((await partition()).every((item) => item.expiresAt === PURGE)).toBe(true);

    // Act: reopen
    const reopened = await retention.clearExpiry(NUMBER);

    // Assess
    expect(reopened).toBe(5);
    expect((await partition()).filter((item) => item.expiresAt !== undefined)).toEqual([]);
    expect(await retention.clearExpiry(NUMBER)).toBe(0);
  });

  it('changes nothing on a ticket that does not exist', async () => {
    // Act
    const changed = await retention.setExpiry('LSUN-2026-09999', PURGE);

    // Assess
    expect(changed).toBe(0);
  });
});
