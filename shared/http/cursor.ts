/**
 * Opaque pagination cursors: DynamoDB's `LastEvaluatedKey`, as base64url JSON.
 *
 * Lists answer `{ items, nextCursor }`; the console hands `nextCursor` back as `?cursor=`
 * without reading it, so the key's shape can change without breaking the client.
 */
import { BadRequestError } from './errors.ts';

/** Longer than any key of the desk table (four short string attributes), short enough to refuse junk cheaply. */
const MAX_CURSOR_LENGTH = 2048;

/** The cursor for the next page, or null when DynamoDB says there is none. */
export function encodeCursor(lastEvaluatedKey?: Record<string, unknown>): string | null {
  if (lastEvaluatedKey === undefined) return null;
  return Buffer.from(JSON.stringify(lastEvaluatedKey), 'utf8').toString('base64url');
}

function invalidCursor(cause?: unknown): BadRequestError {
  return new BadRequestError('Curseur de pagination invalide.', { code: 'invalid_cursor', cause });
}

/**
 * The `ExclusiveStartKey` a cursor stands for; undefined for the first page (no cursor).
 * Only an object of string or number values passes, so a forged cursor is a 400 here rather
 * than a DynamoDB validation error (a 500) later.
 * @throws BadRequestError « Curseur de pagination invalide. »
 */
export function decodeCursor(s?: string): Record<string, unknown> | undefined {
  if (s === undefined || s === '') return undefined;
  if (s.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(s)) throw invalidCursor();
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
  } catch (cause) {
    throw invalidCursor(cause);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidCursor();
  const entries = Object.entries(value);
  if (entries.length === 0) throw invalidCursor();
  for (const [, attribute] of entries) {
    if (typeof attribute !== 'string' && typeof attribute !== 'number') throw invalidCursor();
  }
  return value as Record<string, unknown>;
}
