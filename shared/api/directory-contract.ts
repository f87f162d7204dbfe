/**
 * The contract of the directory and zone routes (`/api/directory/*`, `/api/zones`): one zod
 * schema per query, path and answer, each with a type of the same name, and the routes'
 * declarations. The API parses with them; the console's directory pages read with them.
 *
 * Reads need the `agent` group, writes `admin`. Lists answer `{ items, nextCursor }`; the
 * export answers the CSV file itself.
 *
 * Pure module: only zod and the pure directory schemas, so the browser bundle can import it.
 */
import * as z from 'zod';
import { DirectorInput } from '../directory/edit.ts';
import { Director, DirectorySchool } from '../domain/directory.ts';
// The directory's schemas are zod/mini (the functions build them at import): views of them are
// derived with its functions.
import * as mini from '../domain/zod.ts';
import { ZoneRef, ZoneType } from '../domain/zones.ts';
import { fileAnswer, fileBody, pageOf, type RouteDeclarations } from './declaration.ts';

export { DirectorInput };

const limit = (fallback: number, max: number) => z.coerce.number().int().min(1).max(max).default(fallback);
const cursor = z.string().optional();

/** A path parameter as sent: API Gateway may leave it percent-encoded (`%40` for `@`). */
function percentDecoded(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    // A lone `%` not followed by two hex digits: not an encoding, so the value is as typed.
    return value;
  }
}

/** Who last changed an entry: kept in the store, not shown with a school. */
const stamps = { createdAt: true, createdBy: true, updatedAt: true, updatedBy: true } as const;

// ---------------------------------------------------------------------------------------------
// Directors

/** A director's id in a path, read as the store keys it (decoded, lower case). */
export const DirectorPath = z.object({
  id: z
    .string()
    .min(1)
    .max(320)
    .transform((id) => percentDecoded(id).toLowerCase()),
});
export type DirectorPath = z.infer<typeof DirectorPath>;

/** The director search: free text (name, address, UAI, commune), active or not, one page. */
export const DirectorsQuery = z.object({
  q: z.string().max(200).default(''),
  active: z.enum(['true', 'false', 'all']).default('all'),
  limit: limit(50, 100),
  cursor,
});
export type DirectorsQuery = z.infer<typeof DirectorsQuery>;
export type DirectorsQueryInput = z.input<typeof DirectorsQuery>;

/** A school of a director's entry: described when the directory knows it, else its UAI alone. */
export const DirectorSchool = mini.extend(mini.partial(mini.omit(DirectorySchool, stamps)), {
  uai: z.string(),
  interim: z.boolean(),
});
export type DirectorSchool = z.infer<typeof DirectorSchool>;

/** A hard bounce or a complaint SES reported for a broadcast's mail to one of a director's addresses. */
export const AddressProblemView = z.object({
  email: z.string(),
  kind: z.enum(['bounced', 'complained']),
  at: z.string(),
  /** SES's bounce sub type or complaint feedback type. */
  detail: z.string().optional(),
  /** The broadcast whose mail it was. */
  broadcastId: z.string(),
});
export type AddressProblemView = z.infer<typeof AddressProblemView>;

/**
 * A director as the console shows them: principal address as `email`, schools spelled out; on
 * a director's own page, the latest problem of each address that has one.
 */
export const DirectorView = mini.extend(mini.omit(Director, { emails: true, assignments: true }), {
  email: z.string(),
  emails: z.array(z.string()),
  schools: z.array(DirectorSchool),
  addressProblems: z.array(AddressProblemView).optional(),
});
export type DirectorView = z.infer<typeof DirectorView>;

export const DirectorPage = pageOf(DirectorView);
export type DirectorPage = z.infer<typeof DirectorPage>;

// ---------------------------------------------------------------------------------------------
// Schools and zones

/** A UAI in a path, read as the directory writes it (decoded, trimmed, upper case). */
export const SchoolPath = z.object({
  uai: z
    .string()
    .min(1)
    .max(20)
    .transform((uai) => percentDecoded(uai).trim().toUpperCase()),
});
export type SchoolPath = z.infer<typeof SchoolPath>;

/** A school as its page shows it. */
export const SchoolView = mini.omit(DirectorySchool, stamps);
export type SchoolView = z.infer<typeof SchoolView>;

/** A director of a school's page, active or not. */
export const SchoolDirector = z.object({
  id: z.string(),
  civility: z.string().optional(),
  lastName: z.string(),
  firstName: z.string(),
  email: z.string(),
  interim: z.boolean(),
  active: z.boolean(),
});
export type SchoolDirector = z.infer<typeof SchoolDirector>;

/** `GET /api/directory/schools/{uai}`: the school, the zones it lies in (widest first), its directors. */
export const SchoolDetail = z.object({
  school: SchoolView,
  zones: z.array(ZoneRef),
  activeDirectors: z.number().int(),
  directors: z.array(SchoolDirector),
});
export type SchoolDetail = z.infer<typeof SchoolDetail>;

/** The zones of one level, or under one parent zone. */
export const ZonesQuery = z.object({
  type: z.optional(ZoneType),
  /** The code of the parent zone: the circonscriptions of `21`, the schools of `21-dijon-centre`. */
  parent: z.string().max(100).optional(),
  limit: limit(1000, 2000),
  cursor,
});
export type ZonesQuery = z.infer<typeof ZonesQuery>;
export type ZonesQueryInput = z.input<typeof ZonesQuery>;

/** A zone with its parent (null for the académie) and its active directors, each counted once. */
export const Zone = mini.extend(ZoneRef, {
  name: z.string(),
  parent: z.nullable(ZoneRef),
  activeDirectors: z.number().int(),
});
export type Zone = z.infer<typeof Zone>;

export const ZonePage = pageOf(Zone);
export type ZonePage = z.infer<typeof ZonePage>;

// ---------------------------------------------------------------------------------------------
// Audit

const AuditEntity = z.enum(['director', 'school', 'circonscription']);

/** The audit trail, newest first: all of it, or that of one director, school or circonscription. */
export const AuditQuery = z
  .object({
    entity: AuditEntity.optional(),
    id: z.string().max(320).optional(),
    limit: limit(50, 100),
    cursor,
  })
  .refine((query) => (query.entity === undefined) === (query.id === undefined), {
    error: 'indiquez ensemble « entity » et « id », ou aucun des deux',
  });
export type AuditQuery = z.infer<typeof AuditQuery>;
export type AuditQueryInput = z.input<typeof AuditQuery>;

/** One change of one entry, with who made it, when, and from where (an import or the console). */
export const AuditEntry = z.object({
  at: z.string(),
  actor: z.string(),
  source: z.enum(['import', 'console']),
  entity: AuditEntity,
  entityId: z.string(),
  action: z.enum(['added', 'changed', 'deactivated', 'reactivated', 'removed']),
  /** The fields that changed; empty for an addition or a removal. */
  fields: z.array(z.string()),
  before: z.record(z.string(), z.unknown()).optional(),
  after: z.record(z.string(), z.unknown()).optional(),
  generation: z.number().int(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

export const AuditPage = pageOf(AuditEntry);
export type AuditPage = z.infer<typeof AuditPage>;

// ---------------------------------------------------------------------------------------------
// Import

/** The media types an import accepts, and the format each says (octet-stream: sniffed, or `format=`). */
export const IMPORT_FORMATS: Readonly<Record<string, 'csv' | 'ldif' | undefined>> = {
  'text/csv': 'csv',
  'text/ldif': 'ldif',
  'text/x-ldif': 'ldif',
  'application/ldif': 'ldif',
  'application/octet-stream': undefined,
};

/** A dry run by default; `apply=true` with the dry run's `basedOn` applies exactly what was reviewed. */
export const ImportQuery = z.object({
  apply: z.enum(['true', 'false']).default('false'),
  format: z.enum(['csv', 'ldif']).optional(),
  /** The generation the reviewed dry run was made against (its `basedOn`). */
  basedOn: z.coerce.number().int().nonnegative().optional(),
});
export type ImportQuery = z.infer<typeof ImportQuery>;

const ImportCounts = z.object({
  added: z.number().int(),
  changed: z.number().int(),
  unchanged: z.number().int(),
});

/** One director an import adds, changes or deactivates, with the file lines they come from. */
export const DirectorChange = z.object({
  action: z.enum(['added', 'changed', 'deactivated', 'reactivated']),
  id: z.string(),
  name: z.string(),
  email: z.string(),
  fields: z.array(z.string()),
  lines: z.array(z.number().int()),
});
export type DirectorChange = z.infer<typeof DirectorChange>;

/**
 * The report of an import, dry run or applied. Top-level counts are directors; `schools` counts
 * the schools the file describes; `rejected` lists the refused lines with a French reason.
 */
export const ImportReport = ImportCounts.extend({
  applied: z.boolean(),
  deactivated: z.number().int(),
  schools: ImportCounts,
  rejected: z.array(z.object({ line: z.number().int(), reason: z.string() })),
  coveredDepartements: z.array(z.string()),
  changes: z.array(DirectorChange),
  /** The generation compared against: pass it back as `basedOn` to apply exactly this. */
  basedOn: z.number().int(),
  /** The generation after the import: `basedOn` when nothing was written. */
  generation: z.number().int(),
  format: z.enum(['csv', 'ldif']),
  encoding: z.enum(['utf-8', 'windows-1252']),
  separator: z.string().optional(),
  /** Data lines (CSV) or entries (LDIF) read. */
  recordsRead: z.number().int(),
  /** LDIF entries skipped because they are not directors' entries. */
  ignored: z.number().int(),
});
export type ImportReport = z.infer<typeof ImportReport>;

// ---------------------------------------------------------------------------------------------
// The routes

/** Every directory and zone route. */
export const directoryRoutes = {
  'POST /api/directory/import': {
    group: 'admin',
    query: ImportQuery,
    body: fileBody(
      Object.keys(IMPORT_FORMATS),
      'Envoyez le fichier avec Content-Type: text/csv, text/ldif ou application/octet-stream.',
    ),
    response: ImportReport,
    status: 200,
  },
  'GET /api/directory/directors': {
    group: 'agent',
    query: DirectorsQuery,
    response: DirectorPage,
    status: 200,
  },
  'POST /api/directory/directors': {
    group: 'admin',
    body: DirectorInput,
    response: DirectorView,
    status: 201,
  },
  'GET /api/directory/directors/{id}': {
    group: 'agent',
    path: DirectorPath,
    response: DirectorView,
    status: 200,
  },
  'PUT /api/directory/directors/{id}': {
    group: 'admin',
    path: DirectorPath,
    body: DirectorInput,
    response: DirectorView,
    status: 200,
  },
  'DELETE /api/directory/directors/{id}': {
    group: 'admin',
    path: DirectorPath,
    response: DirectorView,
    status: 200,
  },
  'GET /api/directory/schools/{uai}': {
    group: 'agent',
    path: SchoolPath,
    response: SchoolDetail,
    status: 200,
  },
  'GET /api/zones': { group: 'agent', query: ZonesQuery, response: ZonePage, status: 200 },
  'GET /api/directory/export': { group: 'agent', response: fileAnswer, status: 200 },
  'GET /api/directory/audit': { group: 'agent', query: AuditQuery, response: AuditPage, status: 200 },
} as const satisfies RouteDeclarations;
