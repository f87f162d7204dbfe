/**
 * Who may call the portal's route, through the local front (which checks tokens as the route's
 * own JWT authorizer does: the portal client's audience, the scope `lsun/portal.write`) with
 * tokens printed by the token CLI (`npm run token -- --client portail`): 401 without a token,
 * 403 for a staff token and for a portal token of another scope, 400 with French reasons per
 * field for bad input, 200 for a good one.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningDesk } from '#local/stack.ts';
import { PortalAnswer } from '#shared/api/portal-contract.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

let stack: TestStack;
let desk: RunningDesk;
/** Printed by the CLI before the requests: a spawn between two requests could outlast the front's keep-alive. */
const tokens = { staff: '', portal: '', otherScope: '' };

/** A token printed by `npm run token -- ...` for this desk's signing key. */
function cliToken(...argv: string[]): string {
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'local/token.ts', ...argv, '--key', stack.jwtKeyPath],
    { cwd: repoRoot, encoding: 'utf8' },
  );
  if (run.status !== 0) throw new Error(`token CLI failed: ${run.stderr}`);
  return run.stdout.trim();
}

async function post(token: string | undefined, body: unknown) {
  const response = await fetch(`${desk.httpUrl}/api/portal/requests`, {
    method: 'POST',
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const GOOD = {
  requester: { email: 'elodie.lucas@ac-dijon.fr', name: 'Élodie Lucas' },
  subject: 'LSUN : livret introuvable',
  text: 'Bonjour, le livret de CM2 ne s’affiche plus.',
  idempotencyKey: 'e2e-0001-cle',
};

beforeAll(async () => {
  stack = await startTestStack();
  desk = stack.desk;
  tokens.staff = cliToken('--email', 'admin@ac-dijon.fr', '--group', 'admin');
  tokens.portal = cliToken('--client', 'portail');
  tokens.otherScope = cliToken('--client', 'portail', '--scope', 'lsun/portal.read');
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

describe('POST /api/portal/requests, as each caller', () => {
  it('answers 401 without a token, as API Gateway does', async () => {
    // Act
    const { status, body } = await post(undefined, GOOD);

    // Assess
    expect(status).toBe(401);
    expect(body).toEqual({ message: 'Unauthorized' });
  });

  it("refuses a staff token (403): it carries no scope, whoever's it is", async () => {
    // Act
    const { status } = await post(tokens.staff, GOOD);

    // Assess
    expect(status).toBe(403);
  });

  it('refuses a portal token of another scope (403)', async () => {
    // Act
    const { status, body } = await post(tokens.otherScope, GOOD);

    // Assess
    expect(status).toBe(403);
    expect(body).toEqual({ message: 'Forbidden' });
  });

  it('answers 400 with a French reason for each bad field', async () => {
    // Act
    const { status, body } = await post(tokens.portal, {
      requester: { email: 'pas-une-adresse' },
      subject: '',
      idempotencyKey: 'court',
      attachments: [{ uploadId: 'x', filename: 'a/b.pdf', mimeType: 'pdf' }],
    });

    // Assess
    expect(status).toBe(400);
    const error = body.error as { code: string; details: Array<{ path: string; message: string }> };
    expect(error.code).toBe('invalid_body');
    const reasons = Object.fromEntries(error.details.map((detail) => [detail.path, detail.message]));
    expect(reasons).toMatchObject({
      'requester.email':
        "L'adresse du directeur ou de la directrice doit être une adresse électronique valide.",
      subject: "L'objet de la demande est vide.",
      text: 'Le texte de la demande est requis.',
      idempotencyKey:
        "La clé d'idempotence doit compter de 8 à 100 caractères parmi lettres, chiffres, « - » et « _ ».",
      'attachments.0.uploadId': 'Identifiant de dépôt invalide.',
      'attachments.0.filename': 'Le nom du fichier ne peut contenir ni « / », ni « \\ ».',
      'attachments.0.mimeType': 'Le type du fichier doit être de la forme « type/sous-type ».',
    });
  });

  it("answers a good request from the portal's token with its outcome and ticket number", async () => {
    // Act
    const { status, body } = await post(tokens.portal, GOOD);

    // Assess
    expect(status).toBe(200);
    expect(PortalAnswer.parse(body)).toMatchObject({
      requestId: 'portail-e2e-0001-cle',
      outcome: 'ticket_created',
      ticketNumber: expect.stringMatching(/^LSUN-\d{4}-\d{5}$/),
    });
  });
});
