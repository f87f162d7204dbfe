/**
 * A directory state as bytes to store: JSON, gzip-compressed, cut into parts small enough for a
 * DynamoDB item. The académie's size (2,000 directors, 2,000 schools) makes 1.3 MB of JSON and
 * 75 KB compressed: a whole generation is written in a couple of PutItems and read in one
 * BatchGetItem.
 */
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { DirectoryState } from '#shared/domain/directory.ts';

/** Below DynamoDB's 400 KB item limit, with room for the keys and attribute names. */
export const PART_BYTES = 350_000;

/** A state ready to store. */
export type EncodedState = { parts: Uint8Array[]; bytes: number; sha256: string };

/** Raised when stored parts do not make the state they were written from. */
export class SnapshotCorruptError extends Error {
  override name = 'SnapshotCorruptError';
}

/** Encodes a state into parts, with the checksum that `decodeState` verifies. */
export function encodeState(state: DirectoryState, partBytes = PART_BYTES): EncodedState {
  const zipped = gzipSync(Buffer.from(JSON.stringify(state), 'utf8'));
  const parts: Uint8Array[] = [];
  for (let start = 0; start < zipped.length; start += partBytes) {
    parts.push(zipped.subarray(start, start + partBytes));
  }
  return { parts, bytes: zipped.length, sha256: createHash('sha256').update(zipped).digest('hex') };
}

/**
 * Decodes the parts of a state.
 * @throws SnapshotCorruptError when a part is missing or altered, or the content is not a state.
 */
export function decodeState(parts: readonly Uint8Array[], sha256: string): DirectoryState {
  const zipped = Buffer.concat(parts);
  if (createHash('sha256').update(zipped).digest('hex') !== sha256) {
    throw new SnapshotCorruptError('Directory snapshot parts do not match their checksum');
  }
  try {
    return DirectoryState.parse(JSON.parse(gunzipSync(zipped).toString('utf8')));
  } catch (error) {
    throw new SnapshotCorruptError('Directory snapshot is not a directory state', { cause: error });
  }
}
