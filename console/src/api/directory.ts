/**
 * The directory routes (`/api/directory/*`), called by their declarations in
 * `shared/api/directory-contract.ts`: the same schemas the API's router parses with and its
 * answers are typed by, so the directory pages read exactly what the API says.
 */

import {
  type DirectorInput,
  type DirectorSchool,
  type DirectorView,
  ImportReport,
  type SchoolDetail,
  type SchoolDirector,
} from '#shared/api/directory-contract.ts';
import { call, routePath, upload } from './client.ts';

export type { DirectorInput, DirectorSchool, ImportReport, SchoolDetail, SchoolDirector };
/** A director as the pages show them (the contract's `DirectorView`). */
export type DirectorEntry = DirectorView;

export const directorName = (director: {
  civility?: string;
  firstName: string;
  lastName: string;
  email: string;
}) => [director.civility, director.firstName, director.lastName].filter(Boolean).join(' ') || director.email;

export const directoryApi = {
  search: (q: string, cursor: string | undefined, signal?: AbortSignal) =>
    call('GET /api/directory/directors', { query: { q: q || undefined, cursor }, signal }),
  director: (id: string, signal?: AbortSignal) =>
    call('GET /api/directory/directors/{id}', { path: { id }, signal }),
  school: (uai: string, signal?: AbortSignal) =>
    call('GET /api/directory/schools/{uai}', { path: { uai }, signal }),
  create: (input: DirectorInput) => call('POST /api/directory/directors', { body: input }),
  update: (id: string, input: DirectorInput) =>
    call('PUT /api/directory/directors/{id}', { path: { id }, body: input }),
  deactivate: async (id: string) => {
    await call('DELETE /api/directory/directors/{id}', { path: { id } });
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
    upload(ImportReport, routePath('POST /api/directory/import'), file, {
      query: {
        format: /\.ldif$/i.test(file.name) ? 'ldif' : 'csv',
        ...(options.apply ? { apply: 'true', basedOn: options.basedOn } : {}),
      },
      contentType: 'application/octet-stream',
      onProgress,
    }),
  exportPath: routePath('GET /api/directory/export'),
};
