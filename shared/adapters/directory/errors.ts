/**
 * The directory store's two kinds of failure: a refusal the person importing or editing is
 * shown (`DirectoryConflictError`, a `DeskError`), and a fault of ours (`DirectoryStoreError`,
 * never shown, keeps the SDK's or the parser's error as `cause`).
 */
import * as z from 'zod/v4/core';
import { DeskError } from '#shared/domain/errors.ts';

/** Raised when the table cannot be read or written as the directory needs; keeps the SDK error. */
export class DirectoryStoreError extends Error {
  override name = 'DirectoryStoreError';
}

/**
 * Raised when the directory changed between the moment a change was computed and the moment it
 * was to be switched in (another import or edit won), or since the dry run an apply refers to.
 * Nothing of the refused change is visible. The message is French, for the person importing.
 */
export class DirectoryConflictError extends DeskError {
  override name = 'DirectoryConflictError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('conflict', 'directory_conflict', message, options);
  }
}

/** The refusal of a change whose switch found another generation in place. */
export function changedMeanwhile(cause: unknown): DirectoryConflictError {
  return new DirectoryConflictError(
    "L'annuaire a été modifié par ailleurs pendant l'opération : rien n'a été changé, recommencez.",
    { cause },
  );
}

/** Runs a DynamoDB call, turning its failure into a `DirectoryStoreError` that keeps it. */
export async function orFail<T>(failure: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof DirectoryStoreError || error instanceof DirectoryConflictError) throw error;
    throw new DirectoryStoreError(failure, { cause: error });
  }
}

/**
 * An item read from the table, as `schema` says it must be: the store wrote it, so an item that
 * does not fit is a fault (a bug, or a hand edit), raised with the parser's findings as `cause`.
 */
export function parseItem<S extends z.$ZodType>(schema: S, item: unknown, what: string): z.output<S> {
  // The functional parse takes the directory's zod/mini schemas and the audit's classic ones alike.
  const parsed = z.safeParse(schema, item);
  if (!parsed.success) throw new DirectoryStoreError(`${what} is malformed`, { cause: parsed.error });
  return parsed.data;
}
