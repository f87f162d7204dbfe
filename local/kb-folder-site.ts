/**
 * The public knowledge base written to a folder instead of S3: the `KbSite` port over the file
 * system, so `npm run kb:export -- DIR` runs the very export step of the `kb-export` function
 * and writes the same files (paths relative to `/kb/`, as the S3 keys are under `kb/`).
 */
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { KbSite } from '#shared/domain/kb-ports.ts';

/** Raised when a file's path would land outside the folder (`..`, an absolute path). */
export class KbFolderPathError extends Error {
  override name = 'KbFolderPathError';
}

/** A `KbSite` writing under `folder` (created as needed). */
export function makeFolderKbSite({ folder }: { folder: string }): KbSite {
  const root = resolve(folder);
  const inside = (path: string): string => {
    const target = resolve(root, path);
    if (!target.startsWith(root + sep)) throw new KbFolderPathError(`Chemin hors du dossier : ${path}`);
    return target;
  };
  return {
    async write(files) {
      for (const file of files) {
        const target = inside(file.path);
        await mkdir(dirname(target), { recursive: true });
        await writeFile(target, file.body, 'utf8');
      }
    },
    async remove(paths) {
      for (const path of paths) await rm(inside(path), { force: true });
    },
    async paths() {
      const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(
        (error: unknown) => {
          if ((error as { code?: string }).code === 'ENOENT') return [];
          throw error;
        },
      );
      return entries
        .filter((entry) => entry.isFile())
        .map((entry) => relative(root, join(entry.parentPath, entry.name)).split(sep).join('/'));
    },
  };
}
