/**
 * The purge that follows a TTL removal: whatever the removed item alone kept goes with it (the
 * rest of its partition, the raw mails and their attachments), so nothing of a purged ticket or
 * intake entry outlives it. Run by `retention-purge` on the table's stream in AWS, and by the
 * local TTL sweeper on the stand-ins: the same step over the same ports.
 */
import { type PurgePorts, purgeCascade, type RemovedItem, rawMailKeyOf } from '#shared/domain/retention.ts';

/** What one purge removed, for the log. */
export type PurgeDone = { items: number; rawMails: number };

/**
 * Purges what `removed` took with it. Idempotent (a redelivered record finds less to delete).
 * Raw mails go before the items that name them: a purge interrupted between the two is done
 * again from the items, whereas items deleted first would leave their raw mails unnamed.
 */
export async function purgeAfterRemoval(
  removed: RemovedItem,
  deps: PurgePorts & { rawMailPrefix: string },
): Promise<PurgeDone> {
  const cascade = purgeCascade(removed, deps.rawMailPrefix);
  const rest =
    cascade.partition === undefined
      ? []
      : (await deps.partition(cascade.partition)).filter(
          (item) => !(item.pk === removed.pk && item.sk === removed.sk),
        );
  const rawMails = [
    ...new Set([
      ...cascade.rawMailKeys,
      ...rest.flatMap((item) => rawMailKeyOf(item, deps.rawMailPrefix) ?? []),
    ]),
  ];
  if (rawMails.length > 0) await deps.deleteRawMails(rawMails);
  if (rest.length > 0) await deps.deleteItems(rest);
  return { items: rest.length, rawMails: rawMails.length };
}
