/** The zones a broadcast may go to (`GET /api/zones`), read once for the form and the broadcast's page. */
import type { Zone } from '#shared/api/directory-contract.ts';
import { type ZoneRef, type ZoneType, zoneKey } from '#shared/domain/zones.ts';
import { call } from '../../api/client.ts';
import { useApi } from '../../use-api.ts';

export const zoneTypeLabel: Record<ZoneType, string> = {
  academie: 'Académie',
  departement: 'Département',
  circonscription: 'Circonscription',
  ecole: 'École',
};

/** Every zone, following the cursors: a few thousand at most (the académie's schools). */
async function allZones(signal: AbortSignal): Promise<Zone[]> {
  const zones: Zone[] = [];
  let cursor: string | undefined;
  do {
    const page = await call('GET /api/zones', { query: { limit: 2000, cursor }, signal });
    zones.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return zones;
}

/** The zones, keyed by `type:code` too, for names and counts. */
export function useZones() {
  return useApi(async (signal) => {
    const zones = await allZones(signal);
    return { zones, byKey: new Map(zones.map((zone) => [zoneKey(zone), zone])) };
  }, 'zones');
}

/** « Circonscription Dijon Centre », « École élémentaire Les Tilleuls (0211234C) »; the code when the zone is unknown. */
export function zoneName(zone: ZoneRef, byKey?: Map<string, Zone>): string {
  const known = byKey?.get(zoneKey(zone));
  if (!known) return `${zoneTypeLabel[zone.type]} ${zone.code}`;
  if (zone.type === 'academie') return known.name;
  // A school's name already says « École … »: its UAI tells it apart instead.
  if (zone.type === 'ecole') return `${known.name} (${known.code})`;
  return `${zoneTypeLabel[zone.type]} ${known.name}`;
}
