import { describe, expect, it } from 'vitest';
import { DynamodbSocketsError, maxSocketsFromEnv } from '#shared/adapters/clients/dynamodb.ts';

describe('the connections the DynamoDB client opens at most', () => {
  it('leaves the SDK its default when DYNAMODB_MAX_SOCKETS is unset or empty, as on Lambda', () => {
    expect(maxSocketsFromEnv({})).toBeUndefined();
    expect(maxSocketsFromEnv({ DYNAMODB_MAX_SOCKETS: '' })).toBeUndefined();
  });

  it('reads the count the local desk sets', () => {
    expect(maxSocketsFromEnv({ DYNAMODB_MAX_SOCKETS: '12' })).toBe(12);
  });

  it('refuses anything but a whole number of at least 1, naming the variable', () => {
    for (const value of ['0', '-3', '1.5', 'douze']) {
      expect(() => maxSocketsFromEnv({ DYNAMODB_MAX_SOCKETS: value })).toThrow(DynamodbSocketsError);
      expect(() => maxSocketsFromEnv({ DYNAMODB_MAX_SOCKETS: value })).toThrow(/DYNAMODB_MAX_SOCKETS/);
    }
  });
});
