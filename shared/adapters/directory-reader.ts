/**
 * Today's directory, read only: for the functions that read it and never change it
 * (`broadcast-send` freezes a broadcast's recipients from it). The directory store
 * (`directory-store.ts`) reads the same generations the same way, and also brings the import,
 * edit, diff, audit and projection code: 19 KB of `broadcast-send`'s bundle for one `current()`.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type DirectoryState, EMPTY_DIRECTORY } from '#shared/domain/directory.ts';
import { withRetries } from '#shared/retry.ts';
import { MissingPartsError, makeGenerations } from './directory/generations.ts';

/** Reads the current generation, cached by generation number (a generation never changes). */
export function makeDirectoryReader({
  client,
  tableName,
}: {
  client: DynamoDBDocumentClient;
  tableName: string;
}) {
  const generations = makeGenerations({ client, tableName });
  let cached: { generation: number; state: DirectoryState } | undefined;

  async function readOnce(): Promise<{ state: DirectoryState }> {
    const pointer = await generations.readPointer();
    const generation = pointer?.generation ?? 0;
    if (cached?.generation === generation) return cached;
    const state = pointer ? await generations.loadState(pointer) : EMPTY_DIRECTORY;
    cached = { generation, state };
    return cached;
  }

  return {
    /** The current directory's state. */
    current(): Promise<{ state: DirectoryState }> {
      // As the store does: the pointer moved, and its previous generation was removed, between
      // reading the pointer and the parts: read again.
      return withRetries(readOnce, {
        attempts: 2,
        shouldRetry: (error) => error instanceof MissingPartsError,
        delayMs: () => 0,
      });
    },
  };
}
