/**
 * The directory's generations: each change writes the whole new state as a generation (a META
 * item and the state's compressed parts), then switches the pointer to it in one conditional
 * write; generations no reader needs any more are removed afterwards. Why it is built this way,
 * and what a reader sees when an apply fails halfway: `docs/directory.md`.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { decodeState, encodeState } from '#shared/directory/snapshot.ts';
import type { DirectoryState } from '#shared/domain/directory.ts';
// zod/mini: built at the import of the Lambda functions (see shared/domain/zod.ts).
import * as z from '#shared/domain/zod.ts';
import { logger } from '#shared/logger.ts';
import { withRetries } from '#shared/retry.ts';
import { BATCH_WRITE_SIZE, inBatches, MAX_ATTEMPTS } from './batches.ts';
import { changedMeanwhile, DirectoryStoreError, orFail, parseItem } from './errors.ts';
import { directoryKeys, Key, padGeneration } from './keys.ts';

/** Where a generation's state is stored: enough to read it with one BatchGetItem. */
export const GenerationRef = z.object({
  generation: z.number().check(z.int(), z.positive()),
  parts: z.number().check(z.int(), z.nonnegative()),
  sha256: z.string(),
});
export type GenerationRef = z.infer<typeof GenerationRef>;

/** What made a generation: stamped on its audit entries, so a resumed apply writes the same ones. */
export const Provenance = z.object({
  at: z.string(),
  actor: z.string(),
  source: z.enum(['import', 'console']),
});
export type Provenance = z.infer<typeof Provenance>;

/** The pointer item's content: the current generation, the one before, and its projection's state. */
export const Pointer = z.object({
  ...GenerationRef.shape,
  ...Provenance.shape,
  previous: z.nullable(GenerationRef),
  /** `pending`: the switch is done, the contact and audit entries may not all be written yet. */
  projection: z.enum(['done', 'pending']),
});
export type Pointer = z.infer<typeof Pointer>;

/** A stored part of a generation's state. */
const Part = z.object({ sk: z.string(), data: z.instanceof(Uint8Array) });

/** A generation's META item, as listed for garbage collection. */
const Listed = z.pick(GenerationRef, { generation: true, parts: true });

/** BatchGetItem's answer left keys unread: the call is made again for those. */
class UnreadPartsError extends DirectoryStoreError {
  override name = 'UnreadPartsError';
}

/** A generation's parts are gone: removed as too old while it was being read. */
export class MissingPartsError extends DirectoryStoreError {
  override name = 'MissingPartsError';
}

/** The Put and Update of a transaction (`TransactWriteItems`), as the document client takes them. */
type Action = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
type PutAction = NonNullable<Action['Put']>;
type UpdateAction = NonNullable<Action['Update']>;

/** The generations adapter over the desk's table. */
export function makeGenerations({
  client,
  tableName,
}: {
  client: DynamoDBDocumentClient;
  tableName: string;
}) {
  /**
   * The Put that switches the pointer to `next`, on condition that it still shows `base` with
   * its projection done (or, with no `base`, that there is no pointer yet).
   */
  function pointerPut(next: Pointer, base: Pointer | undefined): PutAction {
    return {
      TableName: tableName,
      Item: { ...directoryKeys.pointer, type: 'directory_pointer', ...next },
      ...(base
        ? {
            ConditionExpression: '#generation = :base AND #projection = :done',
            ExpressionAttributeNames: { '#generation': 'generation', '#projection': 'projection' },
            ExpressionAttributeValues: { ':base': base.generation, ':done': 'done' },
          }
        : { ConditionExpression: 'attribute_not_exists(pk)' }),
    };
  }

  /** The Update that marks a generation switched to. */
  function committedUpdate(generation: number): UpdateAction {
    return {
      TableName: tableName,
      Key: directoryKeys.generation(generation),
      UpdateExpression: 'SET #status = :committed',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':committed': 'committed' },
    };
  }

  return {
    /** The pointer, read consistently; undefined before the first import. */
    async readPointer(): Promise<Pointer | undefined> {
      const answer = await orFail('Reading the directory pointer failed', () =>
        client.send(
          new GetCommand({ TableName: tableName, Key: directoryKeys.pointer, ConsistentRead: true }),
        ),
      );
      return answer.Item ? parseItem(Pointer, answer.Item, 'The directory pointer') : undefined;
    },

    /**
     * A generation's state, read with BatchGetItem (again for what it leaves unread).
     * @throws MissingPartsError when the generation was removed meanwhile.
     */
    async loadState(ref: GenerationRef): Promise<DirectoryState> {
      const keys = Array.from({ length: ref.parts }, (_, index) => directoryKeys.part(ref.generation, index));
      const found = new Map<string, Uint8Array>();
      let pending: Key[] = keys;
      await withRetries(
        async () => {
          const requested = pending;
          const answer = await orFail('Reading the directory failed', () =>
            client.send(
              new BatchGetCommand({
                RequestItems: { [tableName]: { Keys: requested, ConsistentRead: true } },
              }),
            ),
          );
          for (const item of answer.Responses?.[tableName] ?? []) {
            const part = parseItem(Part, item, 'A directory part');
            found.set(part.sk, part.data);
          }
          const unread = answer.UnprocessedKeys?.[tableName]?.Keys ?? [];
          pending = parseItem(z.array(Key), unread, 'The unread keys of a directory read');
          if (pending.length > 0) {
            throw new UnreadPartsError('DynamoDB left directory parts unread after retries');
          }
        },
        { attempts: MAX_ATTEMPTS, shouldRetry: (error) => error instanceof UnreadPartsError },
      );
      const parts = keys.flatMap((key) => found.get(key.sk) ?? []);
      if (parts.length !== keys.length) {
        throw new MissingPartsError(`Directory generation ${ref.generation} has missing parts`);
      }
      return decodeState(parts, ref.sha256);
    },

    /** The next generation number: one atomic counter, so two writers never share one. */
    async nextNumber(): Promise<number> {
      const answer = await orFail('Numbering a directory generation failed', () =>
        client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: directoryKeys.sequence,
            UpdateExpression: 'ADD #last :one',
            ExpressionAttributeNames: { '#last': 'last' },
            ExpressionAttributeValues: { ':one': 1 },
            ReturnValues: 'UPDATED_NEW',
          }),
        ),
      );
      return parseItem(
        z.object({ last: z.number().check(z.int(), z.positive()) }),
        answer.Attributes,
        'The directory sequence',
      ).last;
    },

    /**
     * Writes a state (numbered already) as a generation still `building`: no reader sees it
     * until the pointer is switched to it.
     */
    async write(state: DirectoryState, provenance: Provenance, basedOn: number): Promise<GenerationRef> {
      const encoded = encodeState(state);
      const ref: GenerationRef = {
        generation: state.generation,
        parts: encoded.parts.length,
        sha256: encoded.sha256,
      };
      await orFail('Writing a directory generation failed', async () => {
        await client.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              ...directoryKeys.generation(ref.generation),
              type: 'directory_generation',
              ...ref,
              bytes: encoded.bytes,
              basedOn,
              status: 'building',
              ...provenance,
              gsi1pk: directoryKeys.generationsList,
              gsi1sk: padGeneration(ref.generation),
            },
          }),
        );
        for (const [index, data] of encoded.parts.entries()) {
          await client.send(
            new PutCommand({
              TableName: tableName,
              Item: { ...directoryKeys.part(ref.generation, index), data },
            }),
          );
        }
      });
      return ref;
    },

    pointerPut,

    /**
     * Switches the pointer on its own (a change too large for one transaction).
     * @throws DirectoryConflictError when the pointer moved since `base` was read.
     */
    async switchTo(next: Pointer, base: Pointer | undefined): Promise<void> {
      try {
        await client.send(new PutCommand(pointerPut(next, base)));
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) throw changedMeanwhile(error);
        throw new DirectoryStoreError('Switching the directory to its new generation failed', {
          cause: error,
        });
      }
    },

    committedUpdate,

    /** Marks a generation switched to, on its own (a change too large for one transaction). */
    async markCommitted(generation: number): Promise<void> {
      await orFail('Marking a directory generation committed failed', () =>
        client.send(new UpdateCommand(committedUpdate(generation))),
      );
    },

    /** Marks the current generation's projection done, unless someone did, or moved on. */
    async markProjectionDone(generation: number): Promise<void> {
      try {
        await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: directoryKeys.pointer,
            UpdateExpression: 'SET #projection = :done',
            ConditionExpression: '#generation = :generation AND #projection = :pending',
            ExpressionAttributeNames: { '#generation': 'generation', '#projection': 'projection' },
            ExpressionAttributeValues: { ':done': 'done', ':pending': 'pending', ':generation': generation },
          }),
        );
      } catch (error) {
        // Someone finished it first, or moved on: either way this generation's projection is done.
        if (!(error instanceof ConditionalCheckFailedException)) {
          throw new DirectoryStoreError('Marking the directory projection done failed', { cause: error });
        }
      }
    },

    /**
     * Removes the generations no reader needs any more: those below the newest of `keep`, except
     * those in `keep` (the current one and the one before it, which a resumed projection
     * compares). Generations above belong to applies still in flight. Best effort: a failure
     * here leaves items no reader looks at, removed by the next change.
     */
    async collectGarbage(keep: number[]): Promise<void> {
      try {
        const answer = await client.send(
          new QueryCommand({
            TableName: tableName,
            IndexName: 'gsi1',
            KeyConditionExpression: 'gsi1pk = :list',
            ExpressionAttributeValues: { ':list': directoryKeys.generationsList },
          }),
        );
        const newest = Math.max(...keep);
        // A writer numbers its generation after reading the one it builds on, so a generation
        // numbered below the current one was built on an older one: its switch can only fail.
        // Those still `building` (an apply that died, or one that lost) go with the rest.
        const old = (answer.Items ?? [])
          .map((item) => parseItem(Listed, item, 'A directory generation'))
          .filter(({ generation }) => generation < newest && !keep.includes(generation));
        const keys = old.flatMap(({ generation, parts }) => [
          directoryKeys.generation(generation),
          ...Array.from({ length: parts }, (_, index) => directoryKeys.part(generation, index)),
        ]);
        await inBatches(keys, BATCH_WRITE_SIZE, async (batch) => {
          await client.send(
            new BatchWriteCommand({
              RequestItems: { [tableName]: batch.map((Key) => ({ DeleteRequest: { Key } })) },
            }),
          );
        });
      } catch (error) {
        logger.warn('Removing old directory generations failed; the next change retries', {
          error: error instanceof Error ? error : String(error),
        });
      }
    },
  };
}
