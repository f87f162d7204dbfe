import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { resolve, sourcesUnder, specifiersOf, violationsOf } from '#test/support/import-rules.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('the import rules of the layout', () => {
  it('hold across shared/, functions/ and the console', () => {
    // Prepare
    const files = sourcesUnder(ROOT, ['shared', 'functions', 'console/src']);

    // Act
    const violations = violationsOf(files);

    // Assess
    expect(files.length).toBeGreaterThan(50);
    expect(violations).toEqual([]);
  });

  it('refuses a domain module that imports an adapter', () => {
    // Prepare
    const files = [
      {
        file: 'shared/domain/ticket.ts',
        source: "import { keys } from '#shared/adapters/keys.ts';\nexport const x = keys;\n",
      },
    ];

    // Act
    const violations = violationsOf(files);

    // Assess
    expect(violations).toEqual([
      expect.objectContaining({ file: 'shared/domain/ticket.ts', imports: '#shared/adapters/keys.ts' }),
    ]);
  });

  it('refuses a domain module that imports the AWS SDK, and one of shared/ that imports the local stack', () => {
    // Prepare
    const files = [
      { file: 'shared/domain/quota.ts', source: "import { GetCommand } from '@aws-sdk/lib-dynamodb';\n" },
      { file: 'shared/adapters/queue.ts', source: "import { freePorts } from '../../local/emulators.ts';\n" },
    ];

    // Act
    const violations = violationsOf(files);

    // Assess
    expect(violations.map((v) => v.imports)).toEqual(['@aws-sdk/lib-dynamodb', '../../local/emulators.ts']);
  });

  it('refuses an adapter that imports a step, and a step that imports an adapter', () => {
    // Prepare
    const files = [
      {
        file: 'shared/adapters/ticket-store.ts',
        source: "import type { StaffDeps } from '#shared/steps/staff/deps.ts';\n",
      },
      { file: 'shared/steps/screen.ts', source: "import { keys } from '../adapters/keys.ts';\n" },
    ];

    // Act
    const violations = violationsOf(files);

    // Assess
    expect(violations.map((v) => v.file)).toEqual([
      'shared/adapters/ticket-store.ts',
      'shared/steps/screen.ts',
    ]);
  });

  it('reads static, re-exported, side-effect and dynamic imports, and resolves aliases and relative paths', () => {
    // Prepare
    const source = [
      "import * as z from 'zod';",
      "import type { A } from './a.ts';",
      "export { B } from '#shared/domain/b.ts';",
      "import 'side-effect';",
      "const lazy = await import('#shared/adapters/c.ts');",
    ].join('\n');

    // Act
    const specifiers = specifiersOf(source);

    // Assess
    expect(specifiers).toEqual([
      'zod',
      './a.ts',
      '#shared/domain/b.ts',
      'side-effect',
      '#shared/adapters/c.ts',
    ]);
    expect(resolve('shared/steps/x.ts', '../adapters/keys.ts')).toEqual({ ours: 'shared/adapters/keys.ts' });
    expect(resolve('shared/domain/x.ts', '@aws-sdk/client-s3/dist')).toEqual({
      package: '@aws-sdk/client-s3',
    });
  });
});
