/**
 * The directory and zone routes of `directory-contract.ts`: import, search, read and edit
 * directors, a school's page, the zones, the export and the audit trail, each a few lines over
 * the directory store. The router has checked the group (reads `agent`, writes `admin`) and
 * parsed the request; the store's refusals are `DeskError`s, answered by the error middleware.
 */
import * as z from 'zod';
import type { DirectoryStore, DirectoryView } from '#shared/adapters/directory-store.ts';
import type { Implementations } from '#shared/api/router.ts';
import { DirectorNotFoundError } from '#shared/directory/edit.ts';
import { exportDirectoryCsv } from '#shared/directory/export.ts';
import { importDirectoryFile } from '#shared/directory/import.ts';
import type { BroadcastStore } from '#shared/domain/broadcast-ports.ts';
import type { Director } from '#shared/domain/directory.ts';
import { InvalidCursorError } from '#shared/domain/errors.ts';
import { uaiProblem } from '#shared/domain/uai.ts';
import { ACADEMIE_ZONE } from '#shared/domain/zones.ts';
import { decodeCursor, encodeCursor } from '#shared/http/cursor.ts';
import { BadRequestError, NotFoundError } from '#shared/http/errors.ts';
import {
  type DirectorView,
  type directoryRoutes,
  IMPORT_FORMATS,
  type SchoolDetail,
} from './directory-contract.ts';

/** What the directory routes need. */
export type DirectoryApiDeps = {
  directory: DirectoryStore;
  /** The academic domain (`ac-dijon.fr`): addresses outside it are refused. */
  academicDomain: string;
  /** Where the bounces and complaints of broadcasts' mails are kept, shown on a director's page. */
  broadcastStore?: Pick<BroadcastStore, 'addressProblems'>;
  now: () => Date;
};

const OffsetCursor = z.object({ offset: z.number().int().nonnegative() });

/** A page of a list held in memory, behind an opaque cursor. @throws InvalidCursorError */
function page<T>(items: readonly T[], size: number, token: string | undefined) {
  const start = token === undefined ? 0 : OffsetCursor.safeParse(decodeCursor(token)).data?.offset;
  if (start === undefined) throw new InvalidCursorError();
  const end = start + size;
  return {
    items: items.slice(start, end),
    nextCursor: end < items.length ? encodeCursor({ offset: end }) : null,
  };
}

/** A director as the console shows them: their schools spelled out. */
function directorView(director: Director, view: DirectoryView): DirectorView {
  const { emails, assignments, ...rest } = director;
  return {
    ...rest,
    email: emails[0] ?? '',
    emails,
    schools: assignments.map(({ uai, interim }) => {
      const school = view.schoolsByUai.get(uai);
      if (!school) return { uai, interim };
      const { createdAt, createdBy, updatedAt, updatedBy, ...shown } = school;
      return { ...shown, interim };
    }),
  };
}

/** A school's page: the school, the zones it lies in, its directors. */
function schoolDetail(uai: string, view: DirectoryView): SchoolDetail {
  const school = view.schoolsByUai.get(uai);
  if (!school)
    throw new NotFoundError(`L'école ${uai} n'est pas dans l'annuaire.`, { code: 'school_not_found' });
  const directors = view.state.directors
    .filter((d) => d.assignments.some((a) => a.uai === uai))
    .map((d) => ({
      id: d.id,
      ...(d.civility ? { civility: d.civility } : {}),
      lastName: d.lastName,
      firstName: d.firstName,
      email: d.emails[0] ?? '',
      interim: d.assignments.find((a) => a.uai === uai)?.interim ?? false,
      active: d.active,
    }));
  const { createdAt, createdBy, updatedAt, updatedBy, ...shown } = school;
  return {
    school: shown,
    zones: [
      { type: 'academie', code: ACADEMIE_ZONE.code },
      { type: 'departement', code: school.departement },
      { type: 'circonscription', code: school.circonscriptionCode },
    ],
    activeDirectors: directors.filter((d) => d.active).length,
    directors,
  };
}

/** The directory routes' implementations. */
export function directoryApi(deps: DirectoryApiDeps) {
  const { directory } = deps;
  const edit = (caller: { email: string }) => ({ actor: caller.email, now: deps.now() });
  const shown = async (director: Director) => directorView(director, await directory.current());

  return {
    'POST /api/directory/import': async ({ caller, query, body }) => {
      const format = query.format ?? IMPORT_FORMATS[body.contentType];
      return importDirectoryFile(body.bytes, directory, {
        apply: query.apply === 'true',
        now: deps.now(),
        actor: caller.email,
        academicDomain: deps.academicDomain,
        ...(format ? { format } : {}),
        ...(query.basedOn === undefined ? {} : { basedOn: query.basedOn }),
      });
    },

    'GET /api/directory/directors': async ({ query }) => {
      const view = await directory.current();
      const active = query.active === 'all' ? undefined : query.active === 'true';
      const found = view.search.find(query.q, active === undefined ? {} : { active });
      const { items, nextCursor } = page(found, query.limit, query.cursor);
      return { items: items.map((director) => directorView(director, view)), nextCursor };
    },

    'POST /api/directory/directors': async ({ caller, body }) =>
      shown((await directory.saveDirector(undefined, body, edit(caller))).director),

    'GET /api/directory/directors/{id}': async ({ path }) => {
      const view = await directory.current();
      const director = view.directorsById.get(path.id);
      if (!director) throw new DirectorNotFoundError(path.id);
      const problems = await deps.broadcastStore?.addressProblems(director.emails);
      return {
        ...directorView(director, view),
        ...(problems && problems.length > 0 ? { addressProblems: problems } : {}),
      };
    },

    'PUT /api/directory/directors/{id}': async ({ caller, path, body }) =>
      shown((await directory.saveDirector(path.id, body, edit(caller))).director),

    'DELETE /api/directory/directors/{id}': async ({ caller, path }) =>
      shown((await directory.deactivateDirector(path.id, edit(caller))).director),

    'GET /api/directory/schools/{uai}': async ({ path }) => {
      const problem = uaiProblem(path.uai);
      if (problem) throw new BadRequestError(`${problem}.`, { code: 'invalid_uai' });
      return schoolDetail(path.uai, await directory.current());
    },

    'GET /api/zones': async ({ query }) => {
      const view = await directory.current();
      const zones = view.zones.filter(
        (zone) =>
          (query.type === undefined || zone.type === query.type) &&
          (query.parent === undefined || zone.parent?.code === query.parent),
      );
      return page(zones, query.limit, query.cursor);
    },

    'GET /api/directory/export': async () => {
      const view = await directory.current();
      const day = deps.now().toISOString().slice(0, 10);
      return {
        text: exportDirectoryCsv(view.state),
        filename: `annuaire-directeurs-${day}.csv`,
        contentType: 'text/csv; charset=utf-8',
      };
    },

    'GET /api/directory/audit': async ({ query }) => {
      const startKey = decodeCursor(query.cursor);
      const result = await directory.listAudit({
        ...(query.entity && query.id
          ? {
              entity: query.entity,
              id: query.entity === 'school' ? query.id.toUpperCase() : query.id.toLowerCase(),
            }
          : {}),
        limit: query.limit,
        ...(startKey ? { startKey } : {}),
      });
      return { items: result.items, nextCursor: encodeCursor(result.lastKey) };
    },
  } satisfies Implementations<typeof directoryRoutes>;
}
