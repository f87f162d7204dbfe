import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from '#shared/http/cursor.ts';
import { BadRequestError } from '#shared/http/errors.ts';

const base64url = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

describe('pagination cursors', () => {
  it('gives back the key it was made from', () => {
    // Prepare
    const lastEvaluatedKey = {
      pk: 'TICKET#LSUN-2026-00042',
      sk: 'TICKET',
      gsi1pk: 'TICKETS',
      gsi1sk: '2026-03-01T10:00:00.000Z#LSUN-2026-00042',
      n: 7,
    };

    // Act
    const cursor = encodeCursor(lastEvaluatedKey);
    const decoded = decodeCursor(cursor ?? undefined);

    // Assess
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decoded).toEqual(lastEvaluatedKey);
  });

  it('says there is no next page with null, and reads no cursor as the first page', () => {
    // Assess
    expect(encodeCursor(undefined)).toBeNull();
    expect(decodeCursor(undefined)).toBeUndefined();
    expect(decodeCursor('')).toBeUndefined();
  });

  it.each([
    ['characters outside base64url', 'abc+/=='],
    ['base64url of something that is not JSON', base64url('not json')],
    ['a JSON array', base64url('[1,2]')],
    ['JSON null', base64url('null')],
    ['an empty object', base64url('{}')],
    ['a nested value', base64url('{"pk":{"S":"TICKETS"}}')],
    ['a boolean value', base64url('{"pk":true}')],
    ['an overlong cursor', 'A'.repeat(5000)],
  ])('refuses %s with a 400 in French', (_case, cursor) => {
    // Act
    let refusal: unknown;
    try {
      decodeCursor(cursor);
    } catch (error) {
      refusal = error;
    }

    // Assess
    expect(refusal).toBeInstanceOf(BadRequestError);
    expect((refusal as BadRequestError).status).toBe(400);
    expect((refusal as BadRequestError).code).toBe('invalid_cursor');
    expect((refusal as BadRequestError).message).toBe('Curseur de pagination invalide.');
  });
});
