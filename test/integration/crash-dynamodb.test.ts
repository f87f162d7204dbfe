/**
 * DynamoDB Local on a data folder (SQLite under `-dbPath`) killed with SIGKILL in the middle of
 * transactions: the local desk's recovery after a crash (issue 11) relies on each transaction
 * being found whole or not at all. (Whether it keeps every transaction it acknowledged is
 * measured, not asserted, by `npm run bench -- crash`: it does not always; docs/ARCHITECTURE.md.)
 */
import { describe, expect, it } from 'vitest';
import { killDynamoDbUnderTransactions } from '#local/durable-campaign.ts';

describe('DynamoDB Local on disk, killed with SIGKILL during transactions', () => {
  it('applies each transaction whole or not at all', async () => {
    // Act
    const run = await killDynamoDbUnderTransactions(20);

    // Assess: the kill came after 20 acknowledged transactions, with eight under way.
    expect(run.partial).toBe(0);
  }, 120_000);
});
