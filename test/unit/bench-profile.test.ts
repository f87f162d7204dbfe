/**
 * The benchmarks' CPU profile of the desk's process (bench/lib/profile.ts): the desk runs from
 * one esbuild bundle, so each profiled line is read back to the module it came from.
 */
import { describe, expect, it } from 'vitest';
import { bundleModules, originOf } from '../../bench/lib/profile.ts';

const BUNDLE = 'file:///repo/node_modules/.cache/lsun-desk/desk-1-abc.mjs';
const SOURCE = [
  'import { x } from "zod";',
  '',
  '// shared/domain/text.ts',
  'function normalizeText() {}',
  '',
  '// shared/steps/ticket.ts',
  'async function handleTicketCommands() {}',
  '// a comment that names no module',
  'const y = 1;',
].join('\n');

describe('bundleModules', () => {
  it('gives the module of each line of a bundle, from the comment esbuild opens it with', () => {
    // Act
    const moduleOf = bundleModules(new Map([[BUNDLE, SOURCE]]));

    // Assess: lines are 0-based, as in a V8 profile's call frames.
    expect(moduleOf(BUNDLE, 0)).toBeUndefined();
    expect(moduleOf(BUNDLE, 3)).toBe('shared/domain/text.ts');
    expect(moduleOf(BUNDLE, 6)).toBe('shared/steps/ticket.ts');
    expect(moduleOf(BUNDLE, 8)).toBe('shared/steps/ticket.ts');
    expect(moduleOf('node:internal/timers', 3)).toBeUndefined();
  });

  it('names a bundle line it cannot map as the bundle, never as a package', () => {
    expect(originOf(BUNDLE, 'f')).toBe('local bundle (module not found)');
    expect(originOf('file:///repo/node_modules/zod/v4/core/core.js', 'f')).toBe('pkg zod');
  });
});
