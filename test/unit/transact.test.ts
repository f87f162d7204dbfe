/**
 * How a cancelled transaction is read: by action name whichever optional actions were present,
 * and as a refusal the desk plans for (a condition, a conflict) or a fault (throttling).
 */
import { describe, expect, it } from 'vitest';
import { TransactionRefusedError } from '#shared/adapters/transact.ts';

const failed = { code: 'ConditionalCheckFailed', item: { sesMessageId: 'ses-0' } };

describe('a refused transaction', () => {
  it('reads a refusal by the name of its action, not by a position that shifts', () => {
    // Prepare: the claim was left out, so the quota update is the second action.
    const refusal = new TransactionRefusedError([undefined, failed], undefined, ['entry', 'quota']);
    // Act, Assess
    expect(refusal.failed('quota')).toBe(true);
    expect(refusal.failed('claim')).toBe(false);
    expect(refusal.refusedItem('quota')).toEqual({ sesMessageId: 'ses-0' });
    expect(refusal.refusedItem('entry')).toBeUndefined();
  });

  it('is expected when conditions or concurrent transactions refused it', () => {
    expect(
      new TransactionRefusedError([failed, { code: 'TransactionConflict', item: undefined }]).expected,
    ).toBe(true);
  });

  it('is a fault when DynamoDB throttled one of its items', () => {
    const throttled = new TransactionRefusedError([failed, { code: 'ThrottlingError', item: undefined }]);
    expect(throttled.expected).toBe(false);
  });

  it('is a fault when DynamoDB gave no reason', () => {
    expect(new TransactionRefusedError([]).expected).toBe(false);
  });
});
