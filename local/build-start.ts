/**
 * `npm start`'s first step: compiles `local/start.ts` and everything it imports from this
 * repository to `dist/local/start.mjs`, which the second step runs on plain Node. The terminal's
 * process then holds only the start-up and the Ctrl-C, not tsx's loader (a second V8 isolate,
 * about 40 MiB, and its esbuild service) beside the desk's own process (docs/PERFORMANCE.md).
 * In `dist/` (ignored by git, one per checkout), so that two checkouts sharing `node_modules`
 * never run each other's desk; Node finds the packages from there.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleForNode } from './node-bundle.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

await bundleForNode(
  path.join(here, 'start.ts'),
  'start',
  path.join(here, '..', 'dist', 'local', 'start.mjs'),
);
