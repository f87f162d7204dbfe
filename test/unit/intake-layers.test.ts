/**
 * The intake's layers hold: its steps reach the outside world only through the ports the domain
 * declares, and the intake's domain modules import nothing but the domain and zod. (The rules for
 * the whole of `shared/` are the architecture's; this pins the intake's part of them.)
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const INTAKE_STEPS = ['screen', 'ticket', 'mailer', 'receive', 'accept'];
const INTAKE_DOMAIN = ['intake', 'intake-log', 'intake-ports', 'ticket', 'desk-mails', 'messages', 'records'];

/** The module specifiers a source file imports. */
function importsOf(path: string): string[] {
  const source = readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
  return [...source.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+'([^']+)'/gm)].flatMap((match) =>
    match[1] ? [match[1]] : [],
  );
}

describe('the intake steps', () => {
  it.each(INTAKE_STEPS)('%s imports no adapter and no table key', (step) => {
    const imports = importsOf(`shared/steps/${step}.ts`);
    expect(imports.length).toBeGreaterThan(0);
    expect(imports.filter((specifier) => specifier.includes('/adapters/'))).toEqual([]);
  });
});

describe('the intake domain', () => {
  it.each(INTAKE_DOMAIN)('%s imports only the domain and zod', (module) => {
    const foreign = importsOf(`shared/domain/${module}.ts`).filter(
      (specifier) =>
        !specifier.startsWith('./') && !specifier.startsWith('#shared/domain/') && specifier !== 'zod',
    );
    expect(foreign).toEqual([]);
  });
});
