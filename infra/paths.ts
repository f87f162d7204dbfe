/** Where things are in the repository, for the CDK app and the bundle-size script. */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (the folder holding `package.json` and `cdk.json`). */
export const projectRoot = dirname(dirname(fileURLToPath(import.meta.url)));

/** The lock file esbuild bundling is keyed on (NodejsFunction needs it to find the root). */
export const lockFile = join(projectRoot, 'package-lock.json');

/** Absolute path of a handler entry file, `functions/<name>.ts`. */
export function functionEntry(name: string): string {
  return join(projectRoot, 'functions', `${name}.ts`);
}
