/**
 * The index writes the cost benchmark bills for one item write (bench/lib/index-writes.ts), as
 * DynamoDB's Developer Guide describes them: the index figures of docs/PERFORMANCE.md « The AWS
 * bill per 10,000 mails » rest on these rules.
 */
import { describe, expect, it } from 'vitest';
import { type IndexShape, indexWriteCost } from '../../bench/lib/index-writes.ts';

const all: IndexShape = { indexName: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk', projection: 'ALL' };
const keysOnly: IndexShape = {
  ...all,
  indexName: 'gsi4',
  partitionKey: 'gsi4pk',
  sortKey: 'gsi4sk',
  projection: 'KEYS_ONLY',
};
const names = (...list: string[]) => new Set(['pk', 'sk', ...list]);
/** A 1.7 KB item whose keys-only entry is 150 bytes. */
const sizes = { itemBytes: 1_740, keyBytes: 150 };

describe('the index writes of one item write', () => {
  it('bills an item entering an ALL index at its full size, a keys-only one at one unit', () => {
    const change = {
      before: undefined,
      after: names('gsi2pk', 'gsi2sk', 'gsi4pk', 'gsi4sk'),
      changed: 'all' as const,
      ...sizes,
    };
    expect(indexWriteCost(all, change)).toEqual({ writes: 1, units: 2 });
    expect(indexWriteCost(keysOnly, change)).toEqual({ writes: 1, units: 1 });
  });

  it('bills nothing to a keys-only index for an update that changes neither its keys nor its entry', () => {
    // The mailer's claim: status and lease set, the index keys untouched.
    const inside = names('gsi2pk', 'gsi2sk', 'gsi4pk', 'gsi4sk', 'status');
    const change = {
      before: inside,
      after: inside,
      changed: ['status', 'claimedAt', 'leaseUntil'],
      ...sizes,
    };
    expect(indexWriteCost(keysOnly, change)).toEqual({ writes: 0, units: 0 });
    expect(indexWriteCost(all, change)).toEqual({ writes: 1, units: 2 });
  });

  it('bills two writes when the index key moves, one when the item leaves, none when it was never in', () => {
    const inside = names('gsi4pk', 'gsi4sk');
    expect(
      indexWriteCost(keysOnly, { before: inside, after: inside, changed: ['gsi4sk'], ...sizes }),
    ).toEqual({
      writes: 2,
      units: 2,
    });
    expect(
      indexWriteCost(keysOnly, { before: inside, after: names(), changed: ['gsi4pk', 'gsi4sk'], ...sizes }),
    ).toEqual({
      writes: 1,
      units: 1,
    });
    expect(
      indexWriteCost(all, { before: names(), after: names('status'), changed: ['status'], ...sizes }),
    ).toEqual({
      writes: 0,
      units: 0,
    });
  });
});
