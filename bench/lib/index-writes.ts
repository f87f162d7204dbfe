/**
 * What one write of an item costs each global secondary index, as DynamoDB documents it
 * (Developer Guide, « Global secondary indexes », write capacity units): one index write when the
 * item enters the index or leaves it; two when its index key changes (the old entry deleted, the
 * new one put); one when it stays with the same key but a projected attribute changes; none when
 * neither its key nor anything the index projects changes. Each index write is billed on the
 * index entry's size: the whole item for a projection ALL, the table's and the index's keys for
 * KEYS_ONLY.
 */

/** An index as `shared/table.ts` declares it. */
export type IndexShape = {
  indexName: string;
  partitionKey: string;
  sortKey: string;
  projection: 'ALL' | 'KEYS_ONLY';
};

/** One write of an item, as the cost benchmark knows it. */
export type ItemChange = {
  /** The item's attribute names before the write (undefined: the item did not exist). */
  before: ReadonlySet<string> | undefined;
  /** Its attribute names after the write (undefined: deleted). */
  after: ReadonlySet<string> | undefined;
  /** The attributes the write set or removed; `all` for a put, which replaces the whole item. */
  changed: readonly string[] | 'all';
  /** The item's size (the larger of before and after), for an index projecting ALL. */
  itemBytes: number;
  /** The size of the index entry of a KEYS_ONLY index: table keys and index keys, names and values. */
  keyBytes: number;
};

/** Index writes and their write units, for one index and one item write. */
export function indexWriteCost(index: IndexShape, change: ItemChange): { writes: number; units: number } {
  const inside = (names: ReadonlySet<string> | undefined) =>
    names?.has(index.partitionKey) === true && names.has(index.sortKey);
  const changed = (name: string) => change.changed === 'all' || change.changed.includes(name);
  const keyMoved = changed(index.partitionKey) || changed(index.sortKey);
  let writes = 0;
  if (inside(change.before) && inside(change.after)) {
    if (keyMoved) writes = 2;
    // Same key: an ALL index holds every attribute the write changed; a KEYS_ONLY one, none.
    else if (index.projection === 'ALL') writes = 1;
  } else if (inside(change.before) || inside(change.after)) writes = 1;
  const bytes = index.projection === 'ALL' ? change.itemBytes : change.keyBytes;
  return { writes, units: writes * Math.max(1, Math.ceil(bytes / 1024)) };
}
