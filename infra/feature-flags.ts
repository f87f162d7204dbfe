/**
 * The context of `cdk.json` (feature flags and the desk's default settings), for code that
 * builds an `App` without the CLI.
 *
 * The CLI hands `cdk.json`'s context to the app; `new App()` in a test does not read it. Tests
 * load it from here so that they synthesize with the same feature flags as `cdk synth`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from './paths.ts';

/** Every key of `cdk.json`'s `context`, as the CLI would pass it. */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(join(projectRoot, 'cdk.json'), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  return { ...(cdkJson.context ?? {}) };
}

/** Only the feature flags of `cdk.json` (keys such as `@aws-cdk/core:...`). */
export function featureFlags(): Record<string, unknown> {
  return Object.fromEntries(Object.entries(cdkJsonContext()).filter(([key]) => key.startsWith('@aws-cdk')));
}
