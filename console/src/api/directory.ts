/**
 * The directory routes (`/api/directory/*`, `shared/api/directory-routes.ts`). Their answers have
 * no zod schema in `shared/api/` yet (the director input does: `DirectorInput` of
 * `shared/directory/edit.ts`); these schemas follow what the routes answer, loosely (unknown
 * fields pass), and are the place to switch to shared ones when they exist.
 */

import * as z from 'zod';
import type { DirectorInput } from '#shared/directory/edit.ts';
import { requestJson, send, upload } from './client.ts';

export type { DirectorInput };

/** A school as a director's entry lists it: described when the directory knows it. */
const DirectorSchool = z.looseObject({
  uai: z.string(),
  interim: z.boolean().optional(),
  name: z.string().optional(),
  commune: z.string().optional(),
  circonscription: z.string().optional(),
  departement: z.string().optional(),
  mailbox: z.string().optional(),
});
export type DirectorSchool = z.infer<typeof DirectorSchool>;

/** A director as the routes show them (`directorView`): schools spelled out, principal address first. */
export const DirectorEntry = z.looseObject({
  id: z.string(),
  civility: z.string().optional(),
  lastName: z.string(),
  firstName: z.string(),
  email: z.string(),
  emails: z.array(z.string()).optional(),
  schools: z.array(DirectorSchool).default([]),
  active: z.boolean().optional(),
  updatedAt: z.string().optional(),
  updatedBy: z.string().optional(),
});
export type DirectorEntry = z.infer<typeof DirectorEntry>;

export const DirectorsPage = z.object({ items: z.array(DirectorEntry), nextCursor: z.string().nullable() });

/** A director of a school's page. */
const SchoolDirector = z.looseObject({
  id: z.string(),
  civility: z.string().optional(),
  lastName: z.string(),
  firstName: z.string(),
  email: z.string(),
  interim: z.boolean().optional(),
  active: z.boolean().optional(),
});
export type SchoolDirector = z.infer<typeof SchoolDirector>;

/** `GET /schools/{uai}`. */
export const SchoolDetail = z.looseObject({
  school: z.looseObject({
    uai: z.string(),
    name: z.string(),
    commune: z.string(),
    circonscription: z.string(),
    departement: z.string(),
    mailbox: z.string().optional(),
  }),
  activeDirectors: z.number().int().optional(),
  directors: z.array(SchoolDirector).default([]),
});
export type SchoolDetail = z.infer<typeof SchoolDetail>;

const Counts = z.object({ added: z.number().int(), changed: z.number().int(), unchanged: z.number().int() });

/** The report of an import, dry run or applied (`DirectoryFileReport`). */
export const ImportReport = z.looseObject({
  applied: z.boolean(),
  added: z.number().int(),
  changed: z.number().int(),
  unchanged: z.number().int(),
  deactivated: z.number().int().default(0),
  schools: Counts.optional(),
  rejected: z.array(z.object({ line: z.number().int(), reason: z.string() })),
  coveredDepartements: z.array(z.string()).default([]),
  changes: z
    .array(
      z.looseObject({
        action: z.enum(['added', 'changed', 'deactivated', 'reactivated']),
        id: z.string(),
        name: z.string(),
        email: z.string(),
        fields: z.array(z.string()).default([]),
        lines: z.array(z.number().int()).default([]),
      }),
    )
    .default([]),
  /** The generation the dry run compared against: applying with it applies exactly what was shown. */
  basedOn: z.number().int().optional(),
  recordsRead: z.number().int().optional(),
});
export type ImportReport = z.infer<typeof ImportReport>;

export const directorName = (director: {
  civility?: string;
  firstName: string;
  lastName: string;
  email: string;
}) => [director.civility, director.firstName, director.lastName].filter(Boolean).join(' ') || director.email;

const base = '/api/directory';

export const directoryApi = {
  search: (q: string, cursor: string | undefined, signal?: AbortSignal) =>
    requestJson(DirectorsPage, `${base}/directors`, { query: { q: q || undefined, cursor }, signal }),
  director: (id: string, signal?: AbortSignal) =>
    requestJson(DirectorEntry, `${base}/directors/${encodeURIComponent(id)}`, { signal }),
  school: (uai: string, signal?: AbortSignal) =>
    requestJson(SchoolDetail, `${base}/schools/${encodeURIComponent(uai)}`, { signal }),
  create: (input: DirectorInput) =>
    requestJson(DirectorEntry, `${base}/directors`, { method: 'POST', json: input }),
  update: (id: string, input: DirectorInput) =>
    requestJson(DirectorEntry, `${base}/directors/${encodeURIComponent(id)}`, { method: 'PUT', json: input }),
  deactivate: async (id: string) => {
    await send(`${base}/directors/${encodeURIComponent(id)}`, { method: 'DELETE' });
  },
  /**
   * Dry run, or apply (with the dry run's `basedOn`, so that what is applied is what was
   * reviewed: the API refuses with a 409 if the directory changed in between). The file goes as
   * bytes (`application/octet-stream`), so a Windows-1252 export keeps its accents.
   */
  import: (
    file: File,
    options: { apply: false } | { apply: true; basedOn?: number },
    onProgress: (fraction: number) => void,
  ) =>
    upload(ImportReport, `${base}/import`, file, {
      query: {
        format: /\.ldif$/i.test(file.name) ? 'ldif' : 'csv',
        ...(options.apply ? { apply: 'true', basedOn: options.basedOn } : {}),
      },
      contentType: 'application/octet-stream',
      onProgress,
    }),
  exportPath: `${base}/export`,
};
