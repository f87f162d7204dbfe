/**
 * `npm run directory:import` as a person runs it: the real command, in a process of its own,
 * against a table of DynamoDB Local.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClient } from '#shared/adapters/aws-clients.ts';
import { makeDirectoryStore } from '#shared/adapters/directory-store.ts';
import { makeTestResources, type TestResources } from '../support/aws.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SMALL = fileURLToPath(new URL('../fixtures/directory/annuaire-petit.csv', import.meta.url));
const SAMPLE_LDIF = fileURLToPath(new URL('../fixtures/directory/annuaire-extrait.ldif', import.meta.url));

let desk: TestResources;

/** Runs the command; resolves with its exit code and outputs (it never rejects). */
function run(args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      'node_modules/.bin/tsx',
      ['local/directory-import.ts', ...args],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          AWS_ENDPOINT_URL_DYNAMODB: desk.endpoints.dynamodb,
          DESK_TABLE: desk.resources.tableName,
          ...env,
        },
      },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

beforeAll(async () => {
  desk = await makeTestResources('directory-cli');
});

afterAll(() => {
  desk?.destroy();
});

describe('npm run directory:import', () => {
  it('simulates by default, lists the refused lines, and writes nothing', async () => {
    // Act
    const result = await run([SMALL]);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('Simulation en');
    expect(result.stdout).toContain('Directeurs : 5 à ajouter, 0 à modifier, 0 à désactiver, 0 inchangé');
    expect(result.stdout).toContain('ligne 8 : UAI invalide (lettre de contrôle attendue : V)');
    const store = makeDirectoryStore({
      client: documentClient(desk.clients.dynamodb),
      tableName: desk.resources.tableName,
    });
    expect(await store.findByEmail('camille.martin@ac-dijon.fr')).toBeUndefined();
  });

  it('applies with --apply, showing its progress, then an LDIF file against the same schools', async () => {
    // Act
    const csv = await run([SMALL, '--apply']);
    const ldif = await run([SAMPLE_LDIF, '--apply']);

    // Assess
    expect(csv.stdout).toContain('Import appliqué en');
    expect(csv.stdout).toContain('Directeurs : 5 ajoutés');
    expect(csv.stderr).toContain('Écriture des entrées de contact et du journal : ');
    expect(ldif.code).toBe(1);
    expect(ldif.stdout).toContain('(LDIF, UTF-8, 9 entrées lues dont 2 ignorées (pas FrEduFonctAdm: DIR))');
    expect(ldif.stdout).toContain('Directeurs : 0 ajouté, 2 modifiés, 0 désactivé, 3 inchangés');
    expect(ldif.stdout).toContain('ligne 155 : adresse non académique');
    const store = makeDirectoryStore({
      client: documentClient(desk.clients.dynamodb),
      tableName: desk.resources.tableName,
    });
    expect((await store.findByEmail('j.girard@ac-dijon.fr'))?.entryId).toBe('julien.girard@ac-dijon.fr');
  });

  it('does nothing and says why in French for a missing file or a missing table (exit code 2)', async () => {
    const missing = await run(['/nulle/part.csv']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('Impossible de lire le fichier /nulle/part.csv');

    const noTable = await run([SMALL], { DESK_TABLE: 'table-absente' });
    expect(noTable.code).toBe(2);
    expect(noTable.stderr).toContain("La table table-absente n'existe pas dans le DynamoDB local");
  });
});
