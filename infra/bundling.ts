/**
 * How every Lambda function is bundled: one set of esbuild options, used by `DeskFunction`
 * (through NodejsFunction) and by `scripts/bundle-size.ts`, so the size report measures
 * exactly what is deployed.
 */
import { type BundlingOptions, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';

/** The esbuild target matching the Lambda runtime of `DeskFunction` (Node.js 24). */
export const nodeTarget = 'node24';

/**
 * Lets CommonJS dependencies call `require` (for Node built-ins) inside an ES module bundle,
 * where `require` does not exist.
 */
export const esmRequireBanner =
  "import { createRequire as __lsunCreateRequire } from 'node:module'; const require = __lsunCreateRequire(import.meta.url);";

/**
 * The esbuild options, in esbuild's own vocabulary.
 *
 * - ESM, so the runtime can load the module graph without the CommonJS wrapper, and
 *   `mainFields` prefers each package's ES module build, which tree-shakes better.
 * - Nothing external, the AWS SDK included: the runtime's SDK is whatever version Lambda ships
 *   that week, not the pinned one our tests ran against; a bundled, tree-shaken client holds
 *   only the commands a function calls, which loads faster than the runtime's full packages.
 * - The SDK's default credential chain replaced by its first link, the environment, where Lambda
 *   puts the role's credentials (`shared/adapters/clients/lambda-credentials.ts`): the other
 *   links never run on Lambda and weighed 110–130 KB of each bundle. The path is relative to the
 *   project root, where esbuild resolves aliases.
 * - Minified, with a linked source map without sources (stack traces map back to the
 *   TypeScript; the map stays small because Node parses it at load with
 *   `--enable-source-maps`).
 */
export const esbuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: nodeTarget,
  mainFields: ['module', 'main'],
  banner: { js: esmRequireBanner },
  minify: true,
  sourcemap: 'linked',
  sourcesContent: false,
  external: [] as string[],
  alias: { '@aws-sdk/credential-provider-node': './shared/adapters/clients/lambda-credentials.ts' },
} as const;

/**
 * The same options as esbuild's `build` takes them (mutable copies of the arrays and maps), for
 * the scripts and tests that bundle a function as a deploy would.
 */
export function esbuildBuildOptions() {
  return {
    ...esbuildOptions,
    banner: { ...esbuildOptions.banner },
    mainFields: [...esbuildOptions.mainFields],
    external: [...esbuildOptions.external],
    alias: { ...esbuildOptions.alias },
  };
}

/** The same options for NodejsFunction, which spells them differently. */
export function nodejsBundling(): BundlingOptions {
  return {
    format: OutputFormat.ESM,
    target: esbuildOptions.target,
    mainFields: [...esbuildOptions.mainFields],
    banner: esbuildOptions.banner.js,
    minify: esbuildOptions.minify,
    sourceMap: true,
    sourcesContent: esbuildOptions.sourcesContent,
    externalModules: [...esbuildOptions.external],
    esbuildArgs: Object.fromEntries(
      Object.entries(esbuildOptions.alias).map(([from, to]) => [`--alias:${from}`, to]),
    ),
  };
}
