/**
 * The staff API's directory and zone routes: every `/api/directory/*` route and `/api/zones`.
 * Reads need the `agent` group, writes `admin` (which implies `agent`); each route parses its
 * input with zod, calls the directory store, and answers JSON (`{ items, nextCursor }` for lists),
 * except the export, which answers the CSV file itself.
 */
import * as z from 'zod';
import type { DirectoryStore, DirectoryView } from '#shared/adapters/directory-store.ts';
import { DirectoryConflictError } from '#shared/adapters/directory-store.ts';
import { DirectorInput, DirectorNotFoundError, DirectoryEditError } from '#shared/directory/edit.ts';
import { exportDirectoryCsv } from '#shared/directory/export.ts';
import { type ImportFormat, importDirectoryFile } from '#shared/directory/import.ts';
import { DirectoryFileError } from '#shared/directory/rows.ts';
import type { Director } from '#shared/domain/directory.ts';
import { uaiProblem } from '#shared/domain/uai.ts';
import { ACADEMIE_ZONE, ZoneType } from '#shared/domain/zones.ts';
import { authorize } from '#shared/http/auth.ts';
import { decodeCursor, encodeCursor } from '#shared/http/cursor.ts';
import {
  BadRequestError,
  ConflictError,
  NotFoundError,
  UnsupportedMediaTypeError,
} from '#shared/http/errors.ts';
import {
  type ApiEvent,
  type ApiRoute,
  type ApiRouteHandler,
  json,
  parseBody,
  parsePath,
  parseQuery,
} from '#shared/http/middleware.ts';

/** What the directory routes need. */
export type DirectoryRouteDeps = {
  directory: DirectoryStore;
  /** The academic domain (`ac-dijon.fr`): addresses outside it are refused. */
  academicDomain: string;
  now: () => Date;
};

const limit = (fallback: number, max: number) => z.coerce.number().int().min(1).max(max).default(fallback);
const cursor = z.string().optional();

const ImportQuery = z.object({
  apply: z.enum(['true', 'false']).default('false'),
  format: z.enum(['csv', 'ldif']).optional(),
  /** The generation the reviewed dry run was made against (its `basedOn`). */
  basedOn: z.coerce.number().int().nonnegative().optional(),
});
const DirectorsQuery = z.object({
  q: z.string().max(200).default(''),
  active: z.enum(['true', 'false', 'all']).default('all'),
  limit: limit(50, 100),
  cursor,
});
const ZonesQuery = z.object({
  type: ZoneType.optional(),
  /** The code of the parent zone: the circonscriptions of `21`, the schools of `21-dijon-centre`. */
  parent: z.string().max(100).optional(),
  limit: limit(1000, 2000),
  cursor,
});
const AuditQuery = z
  .object({
    entity: z.enum(['director', 'school', 'circonscription']).optional(),
    id: z.string().max(320).optional(),
    limit: limit(50, 100),
    cursor,
  })
  .refine((query) => (query.entity === undefined) === (query.id === undefined), {
    error: 'indiquez ensemble « entity » et « id », ou aucun des deux',
  });
const DirectorPath = z.object({ id: z.string().min(1).max(320) });
const SchoolPath = z.object({ uai: z.string().min(1).max(20) });
const OffsetCursor = z.object({ offset: z.number().int().nonnegative() });

/** The media types an import accepts, and the format each one says. */
const IMPORT_TYPES: Readonly<Record<string, ImportFormat | undefined>> = {
  'text/csv': 'csv',
  'text/ldif': 'ldif',
  'text/x-ldif': 'ldif',
  'application/ldif': 'ldif',
  'application/octet-stream': undefined,
};

/** One route, its handler typed. */
const route = (method: ApiRoute['method'], path: string, handler: ApiRouteHandler): ApiRoute => ({
  method,
  path,
  handler,
});

/** A path parameter as sent: API Gateway may leave it percent-encoded (`%40` for `@`). */
function decoded(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/**
 * The bytes of an import's body. Binary types arrive base64 encoded (`isBase64Encoded`) and keep
 * their bytes, Windows-1252 included; a text type arrives as text, which API Gateway could only
 * make of UTF-8: a replacement character there means the file was not, and its accents are lost.
 */
function importBytes(event: ApiEvent): Uint8Array {
  if (typeof event.body !== 'string' || event.body.length === 0) {
    throw new BadRequestError('Le fichier à importer est vide.', { code: 'missing_body' });
  }
  if (event.isBase64Encoded) return Buffer.from(event.body, 'base64');
  if (event.body.includes('\uFFFD')) {
    throw new BadRequestError(
      "Le fichier n'est pas en UTF-8 et ses accents ont été perdus en route : envoyez-le avec Content-Type: application/octet-stream pour garder son encodage (Windows-1252).",
      { code: 'not_utf8' },
    );
  }
  return Buffer.from(event.body, 'utf8');
}

/** A page of a list held in memory, behind an opaque cursor. */
function page<T>(items: readonly T[], size: number, token: string | undefined) {
  const start = token === undefined ? 0 : OffsetCursor.safeParse(decodeCursor(token)).data?.offset;
  if (start === undefined)
    throw new BadRequestError('Curseur de pagination invalide.', { code: 'invalid_cursor' });
  const end = start + size;
  return {
    slice: items.slice(start, end),
    nextCursor: end < items.length ? encodeCursor({ offset: end }) : null,
  };
}

/** A director as the console shows them: their schools spelled out. */
function directorView(director: Director, view: DirectoryView) {
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

/** Maps the store's refusals to the API's errors (French, with a stable code). */
function asClientError(error: unknown): unknown {
  if (error instanceof DirectoryEditError) {
    return new BadRequestError(error.message, {
      code: 'invalid_director',
      details: error.problems,
      cause: error,
    });
  }
  if (error instanceof DirectorNotFoundError) {
    return new NotFoundError(error.message, { code: 'director_not_found', cause: error });
  }
  if (error instanceof DirectoryConflictError) {
    return new ConflictError(error.message, { code: 'directory_conflict', cause: error });
  }
  if (error instanceof DirectoryFileError) {
    return new BadRequestError(error.message, { code: error.code, cause: error });
  }
  return error;
}

async function refusingInFrench<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw asClientError(error);
  }
}

/**
 * The directory routes, to spread into the API's route list.
 */
export function directoryRoutes(deps: DirectoryRouteDeps): ApiRoute[] {
  const { directory } = deps;

  async function findDirector(event: ApiEvent) {
    const id = decoded(parsePath(DirectorPath, event).id).toLowerCase();
    const view = await directory.current();
    const director = view.directorsById.get(id);
    if (!director)
      throw new NotFoundError(`Le directeur ${id} n'existe pas dans l'annuaire.`, {
        code: 'director_not_found',
      });
    return { id, view, director };
  }

  return [
    route('POST', '/api/directory/import', async (event) => {
      const caller = authorize(event, 'admin');
      const query = parseQuery(ImportQuery, event);
      const contentType = (event.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
      if (!(contentType in IMPORT_TYPES)) {
        throw new UnsupportedMediaTypeError(
          'Envoyez le fichier avec Content-Type: text/csv, text/ldif ou application/octet-stream.',
        );
      }
      const bytes = importBytes(event);
      const format = query.format ?? IMPORT_TYPES[contentType];
      const report = await refusingInFrench(() =>
        importDirectoryFile(bytes, directory, {
          apply: query.apply === 'true',
          now: deps.now(),
          actor: caller.email,
          academicDomain: deps.academicDomain,
          ...(format ? { format } : {}),
          ...(query.basedOn === undefined ? {} : { basedOn: query.basedOn }),
        }),
      );
      return json(200, report);
    }),

    route('GET', '/api/directory/directors', async (event) => {
      authorize(event, 'agent');
      const query = parseQuery(DirectorsQuery, event);
      const view = await directory.current();
      const active = query.active === 'all' ? undefined : query.active === 'true';
      const found = view.search.find(query.q, active === undefined ? {} : { active });
      const { slice, nextCursor } = page(found, query.limit, query.cursor);
      return json(200, { items: slice.map((d) => directorView(d, view)), nextCursor });
    }),

    route('POST', '/api/directory/directors', async (event) => {
      const caller = authorize(event, 'admin');
      const input = parseBody(DirectorInput, event);
      const saved = await refusingInFrench(() =>
        directory.saveDirector(undefined, input, { actor: caller.email, now: deps.now() }),
      );
      return json(201, directorView(saved.director, await directory.current()));
    }),

    route('GET', '/api/directory/directors/{id}', async (event) => {
      authorize(event, 'agent');
      const { director, view } = await findDirector(event);
      return json(200, directorView(director, view));
    }),

    route('PUT', '/api/directory/directors/{id}', async (event) => {
      const caller = authorize(event, 'admin');
      const id = decoded(parsePath(DirectorPath, event).id).toLowerCase();
      const input = parseBody(DirectorInput, event);
      const saved = await refusingInFrench(() =>
        directory.saveDirector(id, input, { actor: caller.email, now: deps.now() }),
      );
      return json(200, directorView(saved.director, await directory.current()));
    }),

    route('DELETE', '/api/directory/directors/{id}', async (event) => {
      const caller = authorize(event, 'admin');
      const id = decoded(parsePath(DirectorPath, event).id).toLowerCase();
      const saved = await refusingInFrench(() =>
        directory.deactivateDirector(id, { actor: caller.email, now: deps.now() }),
      );
      return json(200, directorView(saved.director, await directory.current()));
    }),

    route('GET', '/api/directory/schools/{uai}', async (event) => {
      authorize(event, 'agent');
      const uai = decoded(parsePath(SchoolPath, event).uai).trim().toUpperCase();
      const problem = uaiProblem(uai);
      if (problem) throw new BadRequestError(`${problem}.`, { code: 'invalid_uai' });
      const view = await directory.current();
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
      return json(200, {
        school: shown,
        zones: [
          { type: 'academie', code: ACADEMIE_ZONE.code },
          { type: 'departement', code: school.departement },
          { type: 'circonscription', code: school.circonscriptionCode },
        ],
        activeDirectors: directors.filter((d) => d.active).length,
        directors,
      });
    }),

    route('GET', '/api/zones', async (event) => {
      authorize(event, 'agent');
      const query = parseQuery(ZonesQuery, event);
      const view = await directory.current();
      const zones = view.zones.filter(
        (zone) =>
          (query.type === undefined || zone.type === query.type) &&
          (query.parent === undefined || zone.parent?.code === query.parent),
      );
      const { slice, nextCursor } = page(zones, query.limit, query.cursor);
      return json(200, { items: slice, nextCursor });
    }),

    route('GET', '/api/directory/export', async (event) => {
      authorize(event, 'agent');
      const view = await directory.current();
      const day = deps.now().toISOString().slice(0, 10);
      return {
        statusCode: 200,
        headers: {
          'Content-Type': 'text/csv; charset=utf-8',
          'Content-Disposition': `attachment; filename="annuaire-directeurs-${day}.csv"`,
          'Cache-Control': 'no-store',
        },
        body: exportDirectoryCsv(view.state),
      };
    }),

    route('GET', '/api/directory/audit', async (event) => {
      authorize(event, 'agent');
      const query = parseQuery(AuditQuery, event);
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
      return json(200, { items: result.items, nextCursor: encodeCursor(result.lastKey) });
    }),
  ];
}
