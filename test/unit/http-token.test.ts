import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseTokenArguments, UsageError } from '#local/token.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

describe('npm run token arguments', () => {
  it('reads the email, repeated groups and the lifetime', () => {
    // Act
    const parsed = parseTokenArguments([
      '--email',
      'agent@ac-dijon.fr',
      '--group',
      'agent',
      '--group',
      'admin',
      '--ttl',
      '600',
    ]);

    // Assess
    expect(parsed).toEqual({
      kind: 'staff',
      email: 'agent@ac-dijon.fr',
      groups: ['agent', 'admin'],
      ttlSeconds: 600,
    });
  });

  it("reads --client portail as the portal's client-credentials token, scope lsun/portal.write by default", () => {
    // Act
    const parsed = parseTokenArguments(['--client', 'portail']);
    const scoped = parseTokenArguments(['--client', 'portail', '--scope', 'lsun/autre']);

    // Assess
    expect(parsed).toEqual({
      kind: 'client',
      clientId: 'assistance-lsun-local-portail',
      scopes: ['lsun/portal.write'],
      ttlSeconds: undefined,
    });
    expect(scoped).toMatchObject({ kind: 'client', scopes: ['lsun/autre'] });
  });

  it.each([
    ['no email', ['--group', 'admin']],
    ['a bad email', ['--email', 'agent', '--group', 'admin']],
    ['no group', ['--email', 'agent@ac-dijon.fr']],
    ['an unknown group', ['--email', 'agent@ac-dijon.fr', '--group', 'root']],
    ['an unknown option', ['--email', 'agent@ac-dijon.fr', '--group', 'admin', '--role', 'x']],
    ['a stray argument', ['agent@ac-dijon.fr']],
    ['a zero lifetime', ['--email', 'agent@ac-dijon.fr', '--group', 'admin', '--ttl', '0']],
    ['an unknown client', ['--client', 'inconnu']],
    ['a client with a staff group', ['--client', 'portail', '--group', 'admin']],
    ['a scope without a client', ['--email', 'agent@ac-dijon.fr', '--group', 'admin', '--scope', 'x']],
  ])('refuses %s', (_case, argv) => {
    // Assess
    expect(() => parseTokenArguments(argv)).toThrow(UsageError);
  });

  it('exits with code 2 and a French usage message on bad arguments, printing nothing on stdout', () => {
    // Act
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'local/token.ts', '--group', 'root'], {
      cwd: repoRoot,
      encoding: 'utf8',
    });

    // Assess
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('Usage : npm run token');
    expect(run.stderr).toContain('--email doit être une adresse électronique valide.');
  });
});
