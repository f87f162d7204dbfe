/**
 * The geographic zones staff and broadcasts target: académie → département → circonscription →
 * school. They are data read off a directory state (its circonscriptions and schools), not a
 * fixed list, so a new circonscription or a school that moves is one import away.
 *
 * The number of active directors of each zone is computed from the state, not stored: a state
 * never changes once written (a change makes a new generation), so the count is computed once per
 * generation, in one pass over the assignments, and can never drift from the directors it counts.
 */
// zod/mini: built at the import of the Lambda functions (see shared/domain/zod.ts).

import { type DirectoryState, foldText } from './directory.ts';
import { ACADEMIE_DEPARTEMENTS, DEPARTEMENT_NAMES } from './uai.ts';
import * as z from './zod.ts';

/** The levels, from the widest. */
export const ZONE_TYPES = ['academie', 'departement', 'circonscription', 'ecole'] as const;
export const ZoneType = z.enum(ZONE_TYPES);
export type ZoneType = z.infer<typeof ZoneType>;

/** A reference to a zone: what a broadcast or a filter names. */
export const ZoneRef = z.object({ type: ZoneType, code: z.string() });
export type ZoneRef = z.infer<typeof ZoneRef>;

/** A zone as the console lists it. */
export type Zone = ZoneRef & {
  name: string;
  /** The zone it belongs to; null for the académie. */
  parent: ZoneRef | null;
  /** Active directors with at least one school in the zone, each counted once. */
  activeDirectors: number;
};

/** The académie: the root of every zone. */
export const ACADEMIE_ZONE = { type: 'academie', code: 'ac-dijon', name: 'Académie de Dijon' } as const;

/**
 * The code of a circonscription: its département and its name folded to lower-case words joined
 * by hyphens (`21-dijon-centre`), so that `Dijon Centre` and `DIJON  CENTRE` are one zone and the
 * code reads well in a URL.
 */
export function circonscriptionCodeOf(departement: string, name: string): string {
  const slug = foldText(name)
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  return `${departement}-${slug || 'sans-nom'}`;
}

/** A stable order: level, then département, then name, then code. */
function compareZones(a: Zone, b: Zone): number {
  const level = ZONE_TYPES.indexOf(a.type) - ZONE_TYPES.indexOf(b.type);
  if (level !== 0) return level;
  const parent = (a.parent?.code ?? '').localeCompare(b.parent?.code ?? '');
  if (parent !== 0) return parent;
  return foldText(a.name).localeCompare(foldText(b.name)) || a.code.localeCompare(b.code);
}

/** `type:code`, the key of a zone in maps. */
export function zoneKey(zone: ZoneRef): string {
  return `${zone.type}:${zone.code}`;
}

/**
 * Every zone of a directory state with its parent and its number of active directors, in a
 * stable order (académie, départements, circonscriptions, schools). The four départements are
 * always there, even before any import, so a broadcast form never lacks one.
 */
export function zonesOf(state: DirectoryState): Zone[] {
  const academie: ZoneRef = { type: 'academie', code: ACADEMIE_ZONE.code };
  const zones = new Map<string, Zone>();
  const add = (zone: Omit<Zone, 'activeDirectors'>) =>
    zones.set(zoneKey(zone), { ...zone, activeDirectors: 0 });

  add({ ...academie, name: ACADEMIE_ZONE.name, parent: null });
  for (const code of ACADEMIE_DEPARTEMENTS) {
    add({ type: 'departement', code, name: DEPARTEMENT_NAMES[code], parent: academie });
  }
  for (const circonscription of state.circonscriptions) {
    add({
      type: 'circonscription',
      code: circonscription.code,
      name: circonscription.name,
      parent: { type: 'departement', code: circonscription.departement },
    });
  }
  const pathOf = new Map<string, string[]>();
  for (const school of state.schools) {
    add({
      type: 'ecole',
      code: school.uai,
      name: school.name,
      parent: { type: 'circonscription', code: school.circonscriptionCode },
    });
    pathOf.set(school.uai, [
      zoneKey(academie),
      zoneKey({ type: 'departement', code: school.departement }),
      zoneKey({ type: 'circonscription', code: school.circonscriptionCode }),
      zoneKey({ type: 'ecole', code: school.uai }),
    ]);
  }

  for (const director of state.directors) {
    if (!director.active) continue;
    // A director of two schools of one circonscription counts once there.
    const reached = new Set(director.assignments.flatMap((assignment) => pathOf.get(assignment.uai) ?? []));
    for (const key of reached) {
      const zone = zones.get(key);
      if (zone) zone.activeDirectors++;
    }
  }
  return [...zones.values()].sort(compareZones);
}

/** Whether a school lies in a zone. */
export function schoolInZone(
  school: { uai: string; departement: string; circonscriptionCode: string },
  zone: ZoneRef,
): boolean {
  switch (zone.type) {
    case 'academie':
      return zone.code === ACADEMIE_ZONE.code;
    case 'departement':
      return school.departement === zone.code;
    case 'circonscription':
      return school.circonscriptionCode === zone.code;
    case 'ecole':
      return school.uai === zone.code.toUpperCase();
  }
}

/**
 * The active directors with at least one school in the zone, once each: who a broadcast to the
 * zone reaches.
 */
export function activeDirectorsInZone(state: DirectoryState, zone: ZoneRef): DirectoryState['directors'] {
  const inZone = new Set(state.schools.filter((school) => schoolInZone(school, zone)).map((s) => s.uai));
  return state.directors.filter(
    (director) => director.active && director.assignments.some((assignment) => inZone.has(assignment.uai)),
  );
}
