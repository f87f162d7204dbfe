/**
 * The directory and zone routes of the staff API, built as the API builds them
 * (`apiHandler(serveRoutes(directoryRoutes, directoryApi(...)))`) and called with the events
 * API Gateway's JWT authorizer hands to the function, against DynamoDB Local.
 */
import { readFileSync } from 'node:fs';
import type { Context } from 'aws-lambda';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClient } from '#shared/adapters/aws-clients.ts';
import { makeBroadcastStore } from '#shared/adapters/broadcast-store.ts';
import { type DirectoryStore, makeDirectoryStore } from '#shared/adapters/directory-store.ts';
import { directoryApi } from '#shared/api/directory-api.ts';
import {
  AuditPage,
  DirectorPage,
  DirectorView,
  directoryRoutes,
  ImportReport,
  SchoolDetail,
  ZonePage,
} from '#shared/api/directory-contract.ts';
import { serveRoutes } from '#shared/api/router.ts';
import { type ApiEvent, apiHandler } from '#shared/http/middleware.ts';
import { makeTestResources, type TestResources } from '../support/aws.ts';

const SMALL = readFileSync(new URL('../fixtures/directory/annuaire-petit.csv', import.meta.url));
const SAMPLE_LDIF = readFileSync(new URL('../fixtures/directory/annuaire-extrait.ldif', import.meta.url));
const HEADER = 'uai;ecole;commune;circonscription;departement;civilite;nom;prenom;email';
const NOW = new Date('2026-09-15T08:00:00Z');
const context = { awsRequestId: 'test', getRemainingTimeInMillis: () => 15_000 } as unknown as Context;

type Caller = { groups: string } | 'anonymous';
const ADMIN: Caller = { groups: '[admin]' };
const AGENT: Caller = { groups: '[agent]' };
const NOBODY: Caller = { groups: '[]' };

type Request = {
  as?: Caller;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Sends a binary body base64 encoded, as API Gateway does for non-text types. */
  binary?: boolean;
  json?: unknown;
};

/** An HTTP API (payload 2.0) event as the JWT authorizer leaves it. */
function event(method: string, path: string, request: Request = {}): ApiEvent {
  const caller = request.as ?? ADMIN;
  const headers: Record<string, string> = { ...(request.headers ?? {}) };
  let body: string | undefined;
  if (request.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(request.json);
  } else if (request.body !== undefined) {
    body = request.binary ? Buffer.from(request.body).toString('base64') : request.body.toString();
  }
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: new URLSearchParams(request.query ?? {}).toString(),
    headers,
    ...(request.query ? { queryStringParameters: request.query } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'test',
      ...(caller === 'anonymous'
        ? {}
        : {
            authorizer: {
              principalId: '',
              integrationLatency: 0,
              jwt: {
                claims: {
                  sub: 'sub-1',
                  email: 'Admin.Annuaire@ac-dijon.fr',
                  'cognito:groups': caller.groups,
                },
                scopes: null,
              },
            },
          }),
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' },
      requestId: 'request-1',
      routeKey: '$default',
      stage: '$default',
      time: '15/Sep/2026:08:00:00 +0000',
      timeEpoch: NOW.getTime(),
    },
    ...(body === undefined ? {} : { body }),
    isBase64Encoded: request.binary === true,
  } as unknown as ApiEvent;
}

let desk: TestResources;
let store: DirectoryStore;
let broadcastStore: ReturnType<typeof makeBroadcastStore>;
let handler: ReturnType<typeof apiHandler>;

async function call(method: string, path: string, request: Request = {}) {
  const result = await handler(event(method, path, request), context);
  const text = result.body ?? '';
  const type = String(result.headers?.['Content-Type'] ?? '');
  return {
    status: result.statusCode,
    headers: result.headers ?? {},
    text,
    // biome-ignore lint/suspicious/noExplicitAny: a test reads arbitrary JSON answers.
    body: (type.startsWith('application/json') ? JSON.parse(text) : undefined) as any,
  };
}

const csvImport = (body: string | Buffer, query: Record<string, string> = {}, as: Caller = ADMIN) =>
  call('POST', '/api/directory/import', { as, body, query, headers: { 'Content-Type': 'text/csv' } });

beforeAll(async () => {
  desk = await makeTestResources('directory-api');
  store = makeDirectoryStore({
    client: documentClient(desk.clients.dynamodb),
    tableName: desk.resources.tableName,
  });
  broadcastStore = makeBroadcastStore({
    client: documentClient(desk.clients.dynamodb),
    tableName: desk.resources.tableName,
  });
  handler = apiHandler(
    serveRoutes(
      directoryRoutes,
      directoryApi({ directory: store, academicDomain: 'ac-dijon.fr', broadcastStore, now: () => NOW }),
    ),
  );
});

afterAll(() => {
  desk?.destroy();
});

describe('who may call the directory routes', () => {
  it('answers 401 in French without a token', async () => {
    const answer = await call('GET', '/api/directory/directors', { as: 'anonymous' });
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual({ error: { code: 'unauthorized', message: 'Authentification requise.' } });
  });

  it('answers 403 in French to a caller in neither staff group, even for reads', async () => {
    for (const path of ['/api/directory/directors', '/api/zones', '/api/directory/export']) {
      const answer = await call('GET', path, { as: NOBODY });
      expect(answer.status, path).toBe(403);
      expect(answer.body.error.message).toBe("Vous n'avez pas les droits nécessaires pour cette action.");
    }
  });

  it('lets an agent read but not write', async () => {
    expect((await call('GET', '/api/zones', { as: AGENT })).status).toBe(200);
    expect((await csvImport(SMALL, {}, AGENT)).status).toBe(403);
    expect((await call('POST', '/api/directory/directors', { as: AGENT, json: {} })).status).toBe(403);
    expect(
      (await call('PUT', '/api/directory/directors/x@ac-dijon.fr', { as: AGENT, json: {} })).status,
    ).toBe(403);
    expect((await call('DELETE', '/api/directory/directors/x@ac-dijon.fr', { as: AGENT })).status).toBe(403);
  });
});

describe('POST /api/directory/import', () => {
  it('simulates by default: the counts and the refused lines, and nothing written', async () => {
    // Act
    const answer = await csvImport(SMALL);

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      applied: false,
      added: 5,
      changed: 0,
      deactivated: 0,
      format: 'csv',
      rejected: [
        { line: 8, reason: 'UAI invalide (lettre de contrôle attendue : V)' },
        { line: 9, reason: 'adresse non académique (@ac-dijon.fr attendu) : anne.leroy@gmail.com' },
      ],
    });
    expect((await call('GET', '/api/directory/directors', { as: AGENT })).body.items).toEqual([]);
  });

  it('applies with apply=true, the dry run it was reviewed as, stamped with the caller', async () => {
    // Prepare
    const dryRun = await csvImport(SMALL);

    // Act
    const answer = await csvImport(SMALL, { apply: 'true', basedOn: String(dryRun.body.basedOn) });

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ applied: true, added: 5, generation: 1 });
    const martin = await call('GET', '/api/directory/directors/camille.martin@ac-dijon.fr', { as: AGENT });
    expect(martin.body).toMatchObject({
      email: 'camille.martin@ac-dijon.fr',
      createdBy: 'admin.annuaire@ac-dijon.fr',
    });
  });

  it('refuses in French to apply a dry run made against an older version (409)', async () => {
    const answer = await csvImport(SMALL, { apply: 'true', basedOn: '0' });
    expect(answer.status).toBe(409);
    expect(answer.body.error).toMatchObject({ code: 'directory_conflict' });
    expect(answer.body.error.message).toContain('relancez la simulation');
  });

  it('keeps the bytes of a Windows-1252 file sent as binary', async () => {
    // Prepare
    const text = [
      HEADER,
      '0711304G;École élémentaire Lamartine;Mâcon;Mâcon Sud;71;M.;Bidault;Loïc;loic.bidault@ac-dijon.fr',
    ];
    const bytes = iconv.encode(text.join('\r\n'), 'win1252');

    // Act
    const answer = await call('POST', '/api/directory/import', {
      body: bytes,
      binary: true,
      headers: { 'Content-Type': 'application/octet-stream' },
    });

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ format: 'csv', encoding: 'windows-1252', rejected: [] });
  });

  it('refuses a non-UTF-8 file that came as text, whose accents are already lost, in French', async () => {
    const answer = await csvImport(
      `${HEADER}\n0711304G;\uFFFDcole;M\uFFFDcon;Mâcon Sud;71;M.;Bidault;Lo\uFFFDc;l@ac-dijon.fr`,
    );
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ code: 'not_utf8' });
    expect(answer.body.error.message).toContain('application/octet-stream');
  });

  it('reads LDIF by its content type, by format=ldif, or sniffed from its first line', async () => {
    const byType = await call('POST', '/api/directory/import', {
      body: SAMPLE_LDIF,
      headers: { 'Content-Type': 'text/ldif' },
    });
    const byQuery = await call('POST', '/api/directory/import', {
      body: SAMPLE_LDIF,
      binary: true,
      query: { format: 'ldif' },
      headers: { 'Content-Type': 'application/octet-stream' },
    });
    const sniffed = await call('POST', '/api/directory/import', {
      body: SAMPLE_LDIF,
      binary: true,
      headers: { 'Content-Type': 'application/octet-stream' },
    });
    for (const answer of [byType, byQuery, sniffed]) {
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ format: 'ldif', ignored: 2 });
      expect(answer.body.rejected.map((r: { line: number }) => r.line)).toEqual([138, 155]);
    }
  });

  it('refuses other content types (415), an empty body and a file without its columns (400), in French', async () => {
    const json = await call('POST', '/api/directory/import', { json: { a: 1 } });
    expect(json.status).toBe(415);
    expect(json.body.error.message).toBe(
      'Envoyez le fichier avec Content-Type: text/csv, text/ldif ou application/octet-stream.',
    );

    const empty = await call('POST', '/api/directory/import', { headers: { 'Content-Type': 'text/csv' } });
    expect(empty.status).toBe(400);
    expect(empty.body.error.message).toBe('Le fichier à importer est vide.');

    const columns = await csvImport('uai;nom\n0211234C;Martin\n');
    expect(columns.status).toBe(400);
    expect(columns.body.error).toMatchObject({ code: 'directory_file_invalid' });
    expect(columns.body.error.message).toContain("Colonnes manquantes dans l'en-tête");
  });
});

describe('reading the directory', () => {
  it('searches by name, address, UAI or commune, page by page', async () => {
    // Act
    const byName = await call('GET', '/api/directory/directors', { as: AGENT, query: { q: 'pern' } });
    const byUai = await call('GET', '/api/directory/directors', { as: AGENT, query: { q: '0580203F' } });
    const byCommune = await call('GET', '/api/directory/directors', { as: AGENT, query: { q: 'mâcon' } });
    const first = await call('GET', '/api/directory/directors', { as: AGENT, query: { limit: '2' } });
    const second = await call('GET', '/api/directory/directors', {
      as: AGENT,
      query: { limit: '2', cursor: first.body.nextCursor },
    });

    // Assess
    expect(byName.body.items.map((d: { id: string }) => d.id)).toEqual(['agnes.pernot@ac-dijon.fr']);
    expect(
      byName.body.items[0].schools.map((s: { uai: string; interim: boolean }) => [s.uai, s.interim]),
    ).toEqual([
      ['0891405U', false],
      ['0891406V', false],
    ]);
    expect(byUai.body.items.map((d: { lastName: string }) => d.lastName)).toEqual(['Faure']);
    expect(byCommune.body.items.map((d: { lastName: string }) => d.lastName)).toEqual(['Bidault']);
    expect(first.body.items.map((d: { lastName: string }) => d.lastName)).toEqual(['Bidault', 'Faure']);
    expect(second.body.items.map((d: { lastName: string }) => d.lastName)).toEqual(['Girard', 'Martin']);
    expect(second.body.nextCursor).toEqual(expect.any(String));
  });

  it('refuses a forged cursor and a query too long, in French', async () => {
    const cursor = await call('GET', '/api/directory/directors', { as: AGENT, query: { cursor: 'abc' } });
    expect(cursor.status).toBe(400);
    expect(cursor.body.error.message).toBe('Curseur de pagination invalide.');
    const query = await call('GET', '/api/directory/directors', { as: AGENT, query: { q: 'x'.repeat(201) } });
    expect(query.status).toBe(400);
    expect(query.body.error.code).toBe('invalid_query');
  });

  it('shows one director, found with an encoded address too, and says in French when there is none', async () => {
    const found = await call('GET', '/api/directory/directors/camille.martin%40ac-dijon.fr', { as: AGENT });
    expect(found.status).toBe(200);
    expect(found.body).toMatchObject({
      lastName: 'Martin',
      active: true,
      schools: [{ uai: '0211234C', commune: 'Dijon' }],
    });
    const missing = await call('GET', '/api/directory/directors/personne@ac-dijon.fr', { as: AGENT });
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toBe(
      "Le directeur personne@ac-dijon.fr n'existe pas dans l'annuaire.",
    );
  });

  it("shows on a director's page the hard bounce a broadcast's mail to their address met", async () => {
    // Prepare
    await broadcastStore.recordAddressProblem({
      email: 'julien.girard@ac-dijon.fr',
      kind: 'bounced',
      at: '2026-09-14T07:00:05.000Z',
      detail: 'General',
      broadcastId: 'diffusion-1',
    });

    // Act
    const bounced = await call('GET', '/api/directory/directors/julien.girard@ac-dijon.fr', { as: AGENT });
    const clean = await call('GET', '/api/directory/directors/camille.martin@ac-dijon.fr', { as: AGENT });

    // Assess
    expect(bounced.status).toBe(200);
    expect(DirectorView.parse(bounced.body).addressProblems).toEqual([
      {
        email: 'julien.girard@ac-dijon.fr',
        kind: 'bounced',
        at: '2026-09-14T07:00:05.000Z',
        detail: 'General',
        broadcastId: 'diffusion-1',
      },
    ]);
    expect(clean.body).not.toHaveProperty('addressProblems');
  });

  it('shows a school with its zones and directors; refuses a bad UAI (400) and an unknown one (404)', async () => {
    const school = await call('GET', '/api/directory/schools/0891406v', { as: AGENT });
    expect(school.status).toBe(200);
    expect(school.body).toMatchObject({
      school: {
        uai: '0891406V',
        name: 'École primaire Colette',
        commune: 'Saint-Fargeau',
        circonscription: 'Auxerre 1',
        circonscriptionCode: '89-auxerre-1',
        departement: '89',
        mailbox: 'ce.0891406v@ac-dijon.fr',
      },
      zones: [
        { type: 'academie', code: 'ac-dijon' },
        { type: 'departement', code: '89' },
        { type: 'circonscription', code: '89-auxerre-1' },
      ],
      activeDirectors: 1,
      directors: [{ id: 'agnes.pernot@ac-dijon.fr', interim: false, active: true }],
    });
    const bad = await call('GET', '/api/directory/schools/0891406W', { as: AGENT });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toBe('UAI invalide (lettre de contrôle attendue : V).');
    const unknown = await call('GET', '/api/directory/schools/0211747K', { as: AGENT });
    expect(unknown.status).toBe(404);
  });

  it('lists the zones with their parent and active directors, filtered by type and parent', async () => {
    const all = await call('GET', '/api/zones', { as: AGENT });
    expect(all.body.items[0]).toEqual({
      type: 'academie',
      code: 'ac-dijon',
      name: 'Académie de Dijon',
      parent: null,
      activeDirectors: 5,
    });
    const inYonne = await call('GET', '/api/zones', {
      as: AGENT,
      query: { type: 'circonscription', parent: '89' },
    });
    expect(inYonne.body).toEqual({
      items: [
        {
          type: 'circonscription',
          code: '89-auxerre-1',
          name: 'Auxerre 1',
          parent: { type: 'departement', code: '89' },
          activeDirectors: 1,
        },
      ],
      nextCursor: null,
    });
    const badType = await call('GET', '/api/zones', { as: AGENT, query: { type: 'region' } });
    expect(badType.status).toBe(400);
  });
});

describe('editing the directory', () => {
  const paul = {
    civility: 'M.',
    lastName: 'Petit',
    firstName: 'Paul',
    emails: ['Paul.Petit@ac-dijon.fr'],
    schools: [{ uai: '0210101W', interim: true }],
  };

  it('creates a director (201), recognised at once by the intake', async () => {
    const answer = await call('POST', '/api/directory/directors', { json: paul });
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({
      id: 'paul.petit@ac-dijon.fr',
      schools: [{ uai: '0210101W', interim: true }],
    });
    expect((await store.findByEmail('paul.petit@ac-dijon.fr'))?.schools[0]?.uai).toBe('0210101W');
  });

  it('refuses what an import would refuse, field by field, in French (400)', async () => {
    // Act
    const answer = await call('POST', '/api/directory/directors', {
      json: {
        ...paul,
        emails: ['paul@gmail.com', 'camille.martin@ac-dijon.fr'],
        schools: [
          { uai: '0210101X' },
          { uai: '0580203F', name: 'X', commune: 'Nevers', circonscription: 'N1', departement: '71' },
        ],
      },
    });

    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('invalid_director');
    expect(answer.body.error.details).toEqual([
      { path: 'emails.0', message: 'adresse non académique (@ac-dijon.fr attendu) : paul@gmail.com' },
      {
        path: 'emails.1',
        message:
          'adresse camille.martin@ac-dijon.fr déjà attribuée à Mme Camille Martin (camille.martin@ac-dijon.fr)',
      },
      { path: 'schools.0.uai', message: 'UAI invalide (lettre de contrôle attendue : W)' },
      { path: 'schools.1.departement', message: "le département 71 ne correspond pas à l'UAI 0580203F" },
    ]);
  });

  it('refuses a body of the wrong shape with French details (400)', async () => {
    const answer = await call('POST', '/api/directory/directors', { json: { lastName: '', emails: [] } });
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('invalid_body');
    expect(answer.body.error.details).toEqual(
      expect.arrayContaining([
        { path: 'lastName', message: 'nom manquant' },
        { path: 'emails', message: 'au moins une adresse électronique' },
      ]),
    );
  });

  it('replaces a director with PUT and records who did it', async () => {
    // Act
    const answer = await call('PUT', '/api/directory/directors/paul.petit@ac-dijon.fr', {
      json: { ...paul, emails: ['paul.petit@ac-dijon.fr', 'p.petit@ac-dijon.fr'] },
    });
    const history = await call('GET', '/api/directory/audit', {
      as: AGENT,
      query: { entity: 'director', id: 'paul.petit@ac-dijon.fr' },
    });

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.body.emails).toEqual(['paul.petit@ac-dijon.fr', 'p.petit@ac-dijon.fr']);
    expect(
      history.body.items.map((entry: { action: string; actor: string }) => [entry.action, entry.actor]),
    ).toEqual([
      ['changed', 'admin.annuaire@ac-dijon.fr'],
      ['added', 'admin.annuaire@ac-dijon.fr'],
    ]);
    expect(history.body.items[0].fields).toEqual(['emails']);
  });

  it('answers 404 in French for a PUT or DELETE of nobody', async () => {
    const put = await call('PUT', '/api/directory/directors/personne@ac-dijon.fr', { json: paul });
    expect(put.status).toBe(404);
    expect(put.body.error.message).toBe("Le directeur personne@ac-dijon.fr n'existe pas dans l'annuaire.");
    expect((await call('DELETE', '/api/directory/directors/personne@ac-dijon.fr')).status).toBe(404);
  });

  it('deactivates with DELETE: the director stays on record, no longer recognised nor counted', async () => {
    // Act
    const answer = await call('DELETE', '/api/directory/directors/paul.petit%40ac-dijon.fr');

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ id: 'paul.petit@ac-dijon.fr', active: false });
    expect(await store.findByEmail('p.petit@ac-dijon.fr')).toBeUndefined();
    const inactive = await call('GET', '/api/directory/directors', { as: AGENT, query: { active: 'false' } });
    expect(inactive.body.items.map((d: { id: string }) => d.id)).toContain('paul.petit@ac-dijon.fr');
    const zones = await call('GET', '/api/zones', {
      as: AGENT,
      query: { type: 'ecole', parent: '21-dijon-sud' },
    });
    expect(zones.body.items).toEqual([expect.objectContaining({ code: '0210101W', activeDirectors: 1 })]);
  });
});

describe('GET /api/directory/export', () => {
  it('answers a CSV file for Excel with the import columns', async () => {
    // Act
    const answer = await call('GET', '/api/directory/export', { as: AGENT });

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.headers['Content-Type']).toBe('text/csv; charset=utf-8');
    expect(answer.headers['Content-Disposition']).toBe(
      'attachment; filename="annuaire-directeurs-2026-09-15.csv"',
    );
    expect(
      answer.text.startsWith(
        '\uFEFFuai;ecole;commune;circonscription;departement;civilite;nom;prenom;email;',
      ),
    ).toBe(true);
    expect(answer.text).toContain(
      '0211234C;École élémentaire Les Tilleuls;Dijon;Dijon Centre;21;Mme;Martin;Camille;',
    );
  });

  it('neutralises a formula an import let into the directory', async () => {
    // Prepare
    await csvImport(
      [
        HEADER,
        '0211234C;@SOMME(A1:A9);Dijon;Dijon Centre;21;Mme;Martin;Camille;camille.martin@ac-dijon.fr',
      ].join('\n'),
      { apply: 'true' },
    );

    // Act
    const answer = await call('GET', '/api/directory/export', { as: AGENT });

    // Assess
    expect(answer.text).toContain("0211234C;'@SOMME(A1:A9);Dijon;");
    expect(answer.text).not.toMatch(/;@SOMME/);
  });
});

describe('the answers, against the directory contract', () => {
  it('answers exactly what directory-contract.ts declares, no field missing and none unnamed', async () => {
    // Act
    const answers = [
      [DirectorPage, await call('GET', '/api/directory/directors', { as: AGENT })],
      [DirectorView, await call('GET', '/api/directory/directors/camille.martin@ac-dijon.fr', { as: AGENT })],
      [SchoolDetail, await call('GET', '/api/directory/schools/0891406V', { as: AGENT })],
      [ZonePage, await call('GET', '/api/zones', { as: AGENT })],
      [AuditPage, await call('GET', '/api/directory/audit', { as: AGENT })],
      [ImportReport, await csvImport(SMALL)],
    ] as const;

    // Assess
    for (const [schema, answer] of answers) {
      expect(answer.status).toBe(200);
      expect(schema.parse(answer.body)).toEqual(answer.body);
    }
  });
});
