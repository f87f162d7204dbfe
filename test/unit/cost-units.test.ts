/**
 * The DynamoDB request units the cost benchmark (bench/cost.ts) bills each request, sized from
 * the request and its response as DynamoDB on demand sizes them: the figures of
 * docs/PERFORMANCE.md « The AWS bill per 10,000 mails » rest on these roundings.
 */
import { describe, expect, it } from 'vitest';
import { capacityUnits, writesOf } from '#test/support/call-recorder.ts';

const text = (bytes: number) => ({ S: 'x'.repeat(bytes) });

describe('the request units of a DynamoDB request', () => {
  it('bills a put one write unit per started KB of the item, names included', () => {
    // Prepare: 2 + 1,100 bytes.
    const input = { TableName: 't', Item: { pk: text(0), body: text(1_096) } };

    // Act
    const units = capacityUnits('PutItem', input, {});

    // Assess
    expect(units).toEqual({ read: 0, write: 2 });
  });

  it('counts each action of a transaction twice, rounded per item', () => {
    // Prepare
    const input = {
      TransactItems: [
        { Put: { TableName: 't', Item: { pk: text(10) } } },
        { Put: { TableName: 't', Item: { pk: text(10), body: text(2_000) } } },
        { ConditionCheck: { TableName: 't', Key: { pk: text(10) } } },
      ],
    };

    // Act
    const units = capacityUnits('TransactWriteItems', input, {});

    // Assess: 2 × (1 + 2 + 1).
    expect(units).toEqual({ read: 0, write: 8 });
  });

  it('bills an eventually consistent read half a unit per started 4 KB, a strong read a whole one', () => {
    // Prepare
    const item = { pk: text(10), body: text(5_000) };

    // Act
    const eventual = capacityUnits('GetItem', { TableName: 't', Key: {} }, { Item: item });
    const strong = capacityUnits(
      'GetItem',
      { TableName: 't', Key: {}, ConsistentRead: true },
      { Item: item },
    );
    const missing = capacityUnits('GetItem', { TableName: 't', Key: {} }, {});

    // Assess
    expect(eventual).toEqual({ read: 1, write: 0 });
    expect(strong).toEqual({ read: 2, write: 0 });
    expect(missing).toEqual({ read: 0.5, write: 0 });
  });

  it('sizes a query over its whole page, and the document client’s plain values like marshalled ones', () => {
    // Prepare: three items of ~1.5 KB, plain (document client) and marshalled.
    const plain = Array.from({ length: 3 }, () => ({ pk: 'a', body: 'x'.repeat(1_500) }));
    const marshalled = Array.from({ length: 3 }, () => ({ pk: text(1), body: text(1_500) }));

    // Act
    const fromPlain = capacityUnits('Query', { TableName: 't' }, { Items: plain });
    const fromMarshalled = capacityUnits('Query', { TableName: 't' }, { Items: marshalled });

    // Assess: 4.5 KB → 2 units of 4 KB, halved.
    expect(fromPlain).toEqual({ read: 1, write: 0 });
    expect(fromMarshalled).toEqual(fromPlain);
  });
});

describe('the items a DynamoDB write request touches', () => {
  it('lists a transaction’s actions apart, with what an update sets and removes, names resolved', () => {
    // Prepare: the mailer's claim and final record, and a ticket put, in one transaction.
    const input = {
      TransactItems: [
        { Put: { TableName: 't', Item: { pk: 'TICKET#1', sk: 'TICKET', gsi1pk: 'TICKETS' } } },
        {
          Update: {
            TableName: 't',
            Key: { pk: 'TICKET#1', sk: 'MSG#a' },
            UpdateExpression: 'SET #status = :sent, sentAt = :at REMOVE gsi2pk, gsi2sk, outbox',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':sent': 'sent', ':at': '2026' },
          },
        },
        { ConditionCheck: { TableName: 't', Key: { pk: 'X', sk: 'Y' } } },
      ],
    };

    // Act
    const writes = writesOf('TransactWriteItems', input);

    // Assess
    expect(writes.map((w) => [w.action, w.transactional])).toEqual([
      ['Put', true],
      ['Update', true],
    ]);
    expect(writes[1]).toMatchObject({ set: ['status', 'sentAt'], removed: ['gsi2pk', 'gsi2sk', 'outbox'] });
  });

  it('takes the names an update sets from the left of each assignment, not from its functions', () => {
    // Act
    const [write] = writesOf('UpdateItem', {
      TableName: 't',
      Key: { pk: 'QUOTA#a', sk: 'COUNT' },
      UpdateExpression: 'SET used = if_not_exists(used, :zero) + :one, expiresAt = :ttl ADD seen :one',
      ExpressionAttributeValues: { ':zero': 0, ':one': 1, ':ttl': 2 },
    });

    // Assess
    expect(write).toMatchObject({
      action: 'Update',
      transactional: false,
      set: ['used', 'expiresAt', 'seen'],
      removed: [],
    });
  });
});
