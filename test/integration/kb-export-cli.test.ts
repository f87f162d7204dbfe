/**
 * `npm run kb:export -- DIR` as a person runs it: the real command, in a process of its own,
 * against a table of DynamoDB Local holding published articles; it must write the same files as
 * the `kb-export` function writes to S3.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeFolderKbSite } from '#local/kb-folder-site.ts';
import { makeArticleStore } from '#shared/adapters/article-store.ts';
import { documentClient } from '#shared/adapters/aws-clients.ts';
import { makeKbSite } from '#shared/adapters/kb-site.ts';
import type { ArticleInput } from '#shared/domain/article.ts';
import type { KbExportRequest } from '#shared/domain/messages.ts';
import { exportKnowledgeBase } from '#shared/steps/kb/export.ts';
import { seedArticles } from '#shared/steps/kb/seed.ts';
import { makeTestResources, type TestResources } from '../support/aws.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PUBLIC_BASE_URL = 'https://assistance.example.fr';

let desk: TestResources;
let dir: string;
let publicIds: string[];
let internalIds: string[];

/** Runs the command; resolves with its exit code and outputs (it never rejects). */
function run(args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      'node_modules/.bin/tsx',
      ['local/kb-export.ts', ...args],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          AWS_ENDPOINT_URL_DYNAMODB: desk.endpoints.dynamodb,
          DESK_TABLE: desk.resources.tableName,
          PUBLIC_BASE_URL,
          ...env,
        },
      },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

beforeAll(async () => {
  desk = await makeTestResources('kb-export-cli');
  dir = await mkdtemp(join(tmpdir(), 'lsun-kb-export-'));
  const demo = JSON.parse(await readFile(join(ROOT, 'data', 'kb-demo.json'), 'utf8')) as ArticleInput[];
  // Three public articles and one internal: enough to tell what is exported from what is not.
  const chosen = [
    ...demo.filter((article) => article.visibility === 'public').slice(0, 3),
    ...demo.filter((article) => article.visibility === 'internal').slice(0, 1),
  ];
  const queued: KbExportRequest[] = [];
  const ids = await seedArticles(
    chosen,
    {
      store: makeArticleStore({
        client: documentClient(desk.clients.dynamodb),
        tableName: desk.resources.tableName,
      }),
      exports: { send: async (message: KbExportRequest) => void queued.push(message) } as never,
      now: () => new Date('2026-12-07T08:00:00Z'),
    },
    { email: 'admin@ac-dijon.fr', groups: ['admin'] },
  );
  publicIds = ids.slice(0, 3);
  internalIds = ids.slice(3);
});

afterAll(async () => {
  desk?.destroy();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('npm run kb:export', () => {
  it('writes the pages of the published public articles, the index, both feeds, search.js and the search index', async () => {
    // Prepare: a page left from an article no longer public.
    const folder = join(dir, 'site');
    await mkdir(join(folder, 'articles'), { recursive: true });
    await writeFile(join(folder, 'articles', '999.html'), 'ancienne page');

    // Act
    const result = await run([folder]);

    // Assess
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('3 articles publics');
    const paths = (await makeFolderKbSite({ folder }).paths()).sort();
    expect(paths).toEqual(
      [
        'atom.xml',
        'feed.json',
        'index.html',
        'search-index.json',
        'search.js',
        ...publicIds.map((id) => `articles/${id}.html`),
      ].sort(),
    );
    expect(paths).not.toContain(`articles/${internalIds[0]}.html`);
    const feed = JSON.parse(await readFile(join(folder, 'feed.json'), 'utf8')) as {
      items: { id: string; url: string }[];
    };
    expect(feed.items.map((item) => item.url).sort()).toEqual(
      publicIds.map((id) => `${PUBLIC_BASE_URL}/kb/articles/${id}.html`).sort(),
    );
    expect(await readFile(join(folder, 'atom.xml'), 'utf8')).toContain(`${PUBLIC_BASE_URL}/kb/articles/`);
  });

  it('writes the same files, byte for byte, as the kb-export function writes to S3', async () => {
    // Prepare: the function's export of the same articles, into the bucket.
    const folder = join(dir, 'same');
    const store = makeArticleStore({
      client: documentClient(desk.clients.dynamodb),
      tableName: desk.resources.tableName,
    });
    const now = () => new Date('2026-12-07T09:00:00Z');
    const common = {
      store,
      publicBaseUrl: PUBLIC_BASE_URL,
      deskDisplayName: 'Assistance LSUN – Académie de Dijon',
      deskAddress: 'assistance1d@ac-dijon.fr',
      subjectKeyword: 'LSUN',
      now,
    };
    await exportKnowledgeBase([], {
      ...common,
      site: makeKbSite({ client: desk.clients.s3, bucket: desk.resources.kbBucket }),
    });
    await exportKnowledgeBase([], { ...common, site: makeFolderKbSite({ folder }) });

    // Act
    const listed = await desk.clients.s3.send(
      new ListObjectsV2Command({ Bucket: desk.resources.kbBucket, Prefix: 'kb/' }),
    );

    // Assess
    const keys = (listed.Contents ?? []).map((object) => (object.Key ?? '').slice('kb/'.length)).sort();
    expect((await makeFolderKbSite({ folder }).paths()).sort()).toEqual(keys);
    for (const key of keys) {
      const object = await desk.clients.s3.send(
        new GetObjectCommand({ Bucket: desk.resources.kbBucket, Key: `kb/${key}` }),
      );
      expect(await readFile(join(folder, key), 'utf8'), key).toBe(
        await object.Body?.transformToString('utf8'),
      );
    }
  });

  it('says in French that the local desk has no data when its table is missing, and writes nothing', async () => {
    // Act
    const folder = join(dir, 'nothing');
    const result = await run([folder], { DESK_TABLE: 'pas-de-table' });

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Les données du bureau local sont absentes');
    expect(result.stderr).toContain('npm start');
    expect(await makeFolderKbSite({ folder }).paths()).toEqual([]);
  });

  it('asks for one folder when given none', async () => {
    // Act
    const result = await run([]);

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Indiquez un seul dossier');
  });
});
