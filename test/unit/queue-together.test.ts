/**
 * The screen and ticket steps' last move: a batch's messages queued together, and a refused
 * request failing exactly the records that had a message in it.
 */
import { describe, expect, it } from 'vitest';
import { queueTogether } from '#shared/steps/queue-together.ts';

type Screened = { entry: string; command?: string };
const done = (entry: string, command?: string): PromiseSettledResult<Screened> => ({
  status: 'fulfilled',
  value: command === undefined ? { entry } : { entry, command },
});
const of = { message: ({ command }: Screened) => command, value: ({ entry }: Screened) => entry };

describe('queueTogether', () => {
  it('queues every message of the batch in one call, in order, and gives each record its value', async () => {
    // Prepare: two records with a message, one without, one failed before.
    const failed = new Error('screening failed');
    const calls: string[][] = [];

    // Act
    const results = await queueTogether(
      [done('a', 'open a'), done('b'), { status: 'rejected', reason: failed }, done('c', 'open c')],
      of,
      async (messages) => {
        calls.push(messages);
      },
    );

    // Assert
    expect(calls).toEqual([['open a', 'open c']]);
    expect(results).toEqual([
      { status: 'fulfilled', value: 'a' },
      { status: 'fulfilled', value: 'b' },
      { status: 'rejected', reason: failed },
      { status: 'fulfilled', value: 'c' },
    ]);
  });

  it('fails, when the queue refuses, only the records that had a message; the others keep their result', async () => {
    // Prepare
    const failed = new Error('screening failed');
    const refused = Object.assign(new Error('SQS refused the request'), { name: 'InternalError' });

    // Act
    const results = await queueTogether(
      [done('a', 'open a'), done('b'), { status: 'rejected', reason: failed }, done('c', 'open c')],
      of,
      async () => {
        throw refused;
      },
    );

    // Assert: a and c come back from their queue; b (rejected mail, no command) is done.
    expect(results).toEqual([
      { status: 'rejected', reason: refused },
      { status: 'fulfilled', value: 'b' },
      { status: 'rejected', reason: failed },
      { status: 'rejected', reason: refused },
    ]);
  });

  it('asks the queue with no message when no record left one, and fails nothing', async () => {
    // Prepare: a producer that sends nothing for an empty list (makeQueue's sendAll).
    const calls: string[][] = [];

    // Act
    const results = await queueTogether([done('a'), done('b')], of, async (messages) => {
      calls.push(messages);
    });

    // Assert
    expect(calls).toEqual([[]]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled']);
  });
});
