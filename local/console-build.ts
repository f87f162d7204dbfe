/**
 * The built console that `npm start` and the browser tests serve: built once (`npm run console:build`'s command) when
 * `dist/console` is missing or older than any source it is made from.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const CONSOLE_DIST = path.join(ROOT, 'dist', 'console');

/** Newest modification time under these paths (files and folders, recursively). */
function newest(paths: string[]): number {
  let latest = 0;
  const visit = (at: string) => {
    if (!existsSync(at)) return;
    const info = statSync(at);
    latest = Math.max(latest, info.mtimeMs);
    if (info.isDirectory()) for (const name of readdirSync(at)) visit(path.join(at, name));
  };
  for (const one of paths) visit(one);
  return latest;
}

/**
 * The sources of the bundle: the console and the shared modules it imports (the contracts, the
 * records, the directory's edit rules behind `DirectorInput`).
 */
const SOURCES = ['console', 'shared/api', 'shared/domain', 'shared/directory'].map((part) =>
  path.join(ROOT, part),
);

/** Builds the console unless `dist/console` is newer than its sources. Returns whether it built. */
export function ensureConsoleBuilt(): boolean {
  const index = path.join(CONSOLE_DIST, 'index.html');
  if (existsSync(index) && statSync(index).mtimeMs > newest(SOURCES)) return false;
  execFileSync(
    process.execPath,
    [
      path.join(ROOT, 'node_modules/vite/bin/vite.js'),
      'build',
      '--config',
      'console/vite.config.ts',
      '--logLevel',
      'warn',
    ],
    {
      cwd: ROOT,
      stdio: 'inherit',
    },
  );
  return true;
}
