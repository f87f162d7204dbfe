/**
 * Every key of the directory's items in the desk's table, in one place. The contact entry's key
 * is the one `shared/adapters/keys.ts` declares, since the intake reads it too.
 *
 * Items (pk / sk):
 * - `DIRECTORY` / `CURRENT`: the pointer. Which generation is current (with its parts count and
 *   checksum, so one GetItem says how to read it), the one before, and whether the contact
 *   entries of the current one are all written (`projection: done`) or not yet (`pending`).
 * - `DIRECTORY` / `SEQUENCE`: the last generation number handed out.
 * - `DIRGEN#<n>` / `META`: one generation: who made it, when, from what, and its state
 *   (`building`, `committed`); listed on gsi1 under `DIRGENS` so old ones can be removed.
 * - `DIRGEN#<n>` / `PART#<i>`: the generation's state, gzip-compressed JSON cut into parts
 *   (`shared/directory/snapshot.ts`). Never on an index: the parts stay out of gsi1's copies.
 * - `CONTACT#<address>` / `CONTACT`: what the intake asks about a sender, ready to use, one per
 *   director address and per school mailbox, stamped with the generation that wrote it. This copy
 *   is what lets `findByEmail` answer with a single GetItem.
 * - `DIRAUDIT#<entity>#<id>` / `<at>#<generation>`: one audit entry per changed director, school
 *   or circonscription: who, when, what (before, after); listed newest first on gsi1 under
 *   `DIRAUDIT`.
 *
 * Generation numbers are zero-padded so that keys sort as numbers do.
 */
// zod/mini: built at the import of the Lambda functions (see shared/domain/zod.ts).
import * as z from '#shared/domain/zod.ts';
import { keys } from '../keys.ts';

/** The primary key of an item. */
export const Key = z.object({ pk: z.string(), sk: z.string() });
export type Key = z.infer<typeof Key>;

/** An item as written: its key and its attributes. */
export type Item = Key & Record<string, unknown>;

/** A generation number as it appears in keys. */
export const padGeneration = (generation: number) => String(generation).padStart(10, '0');

const auditPartition = (entity: string, id: string) => `DIRAUDIT#${entity}#${id}`;

/** Keys of the directory items (exported for tests). */
export const directoryKeys = {
  pointer: { pk: 'DIRECTORY', sk: 'CURRENT' } satisfies Key,
  sequence: { pk: 'DIRECTORY', sk: 'SEQUENCE' } satisfies Key,
  generation: (generation: number): Key => ({ pk: `DIRGEN#${padGeneration(generation)}`, sk: 'META' }),
  part: (generation: number, index: number): Key => ({
    pk: `DIRGEN#${padGeneration(generation)}`,
    sk: `PART#${String(index).padStart(3, '0')}`,
  }),
  contact: (email: string): Key => keys.directoryContact(email),
  /** The partition of one entity's audit entries, newest last (queried backwards). */
  auditOf: auditPartition,
  audit: (entity: string, id: string, at: string, generation: number): Key => ({
    pk: auditPartition(entity, id),
    sk: `${at}#${padGeneration(generation)}`,
  }),
  /** gsi1 partitions: every generation's META item, and every audit entry, in time order. */
  generationsList: 'DIRGENS',
  auditList: 'DIRAUDIT',
  auditListSort: (at: string, generation: number, entity: string, id: string) =>
    `${at}#${padGeneration(generation)}#${entity}#${id}`,
} as const;
