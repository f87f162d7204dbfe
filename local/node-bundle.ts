/**
 * One esbuild bundle of a local entry point, run on plain Node by the desk's own process, the
 * stand-ins' worker thread and `npm start`: tsx's loader (a second V8 isolate for its hooks) and
 * its esbuild service would cost each of them about 50 MiB (docs/PERFORMANCE.md).
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Compiles `entry` and everything it imports from this repository to one ES module, packages
 * left outside. Each file keeps its own `import.meta.url` (the modules that find files beside
 * them, fauxqs's store, the DKIM key, the stand-ins' own entry, go on finding them); the file
 * sits in `node_modules/.cache` so that Node resolves the packages from there. esbuild's service
 * process is stopped at once, so it does not stay beside the desk.
 */
export async function bundleForNode(
  entry: string,
  name: string,
  // Several desks (vitest's workers, other worktrees sharing node_modules) share the folder.
  outfile = path.join(
    root,
    'node_modules',
    '.cache',
    'lsun-desk',
    `${name}-${process.pid}-${randomUUID()}.mjs`,
  ),
): Promise<string> {
  const { build, stop } = await import('esbuild');
  mkdirSync(path.dirname(outfile), { recursive: true });
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'silent',
    plugins: [
      {
        name: 'own-import-meta-url',
        setup(plugin) {
          plugin.onLoad({ filter: /\.ts$/ }, (args) => ({
            // Not where it is quoted (the stand-ins' own `define` names it).
            contents: readFileSync(args.path, 'utf8').replace(
              /(?<!['"`])\bimport\.meta\.url\b(?!['"`])/g,
              JSON.stringify(pathToFileURL(args.path).href),
            ),
            loader: 'ts',
          }));
        },
      },
    ],
  }).finally(() => stop());
  return outfile;
}
