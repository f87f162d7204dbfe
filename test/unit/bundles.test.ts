/**
 * What the deployed bundles must not carry, checked on esbuild's own account of them (the
 * metafile of a build with `DeskFunction`'s options, infra/bundling.ts).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { esbuildBuildOptions } from '../../infra/bundling.ts';
import { projectRoot } from '../../infra/paths.ts';

/** Each function's bundle: every input that put bytes in it, and its code. */
type Bundled = { inputs: string[]; code: string };

let built: Promise<Map<string, Bundled>> | undefined;

/** Every input of every function's bundle that put bytes in it, by function. */
async function bundledInputs(): Promise<Map<string, string[]>> {
  const bundles = await bundled();
  return new Map([...bundles].map(([name, bundle]) => [name, bundle.inputs]));
}

/** Every function bundled once for the whole file (a build of them all takes seconds). */
function bundled(): Promise<Map<string, Bundled>> {
  built ??= buildAll();
  return built;
}

async function buildAll(): Promise<Map<string, Bundled>> {
  const entries = readdirSync(join(projectRoot, 'functions'))
    .filter((file) => file.endsWith('.ts'))
    .map((file) => ({ in: join(projectRoot, 'functions', file), out: file.replace(/\.ts$/, '') }));
  const result = await build({
    ...esbuildBuildOptions(),
    sourcemap: false,
    entryPoints: entries,
    outdir: join(projectRoot, 'cdk.out', 'bundles-test'),
    absWorkingDir: projectRoot,
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const byFunction = new Map<string, Bundled>();
  for (const [file, output] of Object.entries(result.metafile.outputs)) {
    const name =
      file
        .split('/')
        .at(-1)
        ?.replace(/\.(m?js)$/, '') ?? file;
    byFunction.set(name, {
      inputs: Object.entries(output.inputs)
        .filter(([, input]) => input.bytesInOutput > 0)
        .map(([path]) => path),
      code: result.outputFiles.find((out) => out.path.endsWith(`/${file.split('/').at(-1)}`))?.text ?? '',
    });
  }
  return byFunction;
}

describe('the deployed bundles', () => {
  it('load no X-Ray SDK, whose async hooks would tax every promise of every invocation', async () => {
    // Why: cls-hooked (behind aws-xray-sdk-core, behind Powertools Tracer) enables async hooks as
    // soon as it is imported, tracing on or off; Lambda's active tracing needs none of it.
    const inputs = await bundledInputs();
    expect(inputs.size).toBeGreaterThan(10);
    for (const [name, paths] of inputs) {
      const offending = paths.filter((path) =>
        /node_modules\/(aws-xray-sdk-core|cls-hooked|@aws-lambda-powertools\/tracer)\//.test(path),
      );
      expect(offending, name).toEqual([]);
    }
  });

  it('carry no S3 client in screen and ticket, and no directory write path in broadcast-send', async () => {
    // Why: each reads one S3 object (the raw mail, the public index) with the signed-GET reader,
    // and the S3 client would add 161 KB for it; broadcast-send only reads today's directory.
    const inputs = await bundledInputs();
    for (const name of ['screen', 'ticket']) {
      expect(inputs.get(name), name).toContain('shared/adapters/clients/s3-object-reader.ts');
      expect(
        inputs.get(name)?.filter((path) => path.includes('node_modules/@aws-sdk/client-s3/')),
        name,
      ).toEqual([]);
    }
    const send = inputs.get('broadcast-send') ?? [];
    expect(send).toContain('shared/adapters/directory-reader.ts');
    expect(
      send.filter((path) =>
        /shared\/(adapters\/directory-store|directory\/(edit|plan|diff))\.ts$/.test(path),
      ),
    ).toEqual([]);
  });

  it('carry no HTML sanitizer and no S3 client in the api', async () => {
    // Why: markdown-it's tokens are held to the allow-list before rendering, so sanitize-html
    // (its HTML parser, entity tables and postcss: about 250 KB) has nothing left to do; the
    // api's reads, heads, puts and presigned links go through the signed-request store, where
    // the S3 client and the presigner weighed 228 KB.
    const api = (await bundledInputs()).get('api') ?? [];
    expect(api).toContain('shared/adapters/clients/s3-object-store.ts');
    expect(
      api.filter((path) =>
        /node_modules\/(sanitize-html|postcss|htmlparser2|@aws-sdk\/client-s3|@aws-sdk\/middleware-sdk-s3)\//.test(
          path,
        ),
      ),
    ).toEqual([]);
  });

  it('build only the queue messages each function reads', async () => {
    // Why: zod builds every declared schema at import (and a copy at each `.min()`); the messages'
    // and the directory's schemas are declared side-effect free, so a function's bundle leaves
    // out those it never reads: 2,412 zod constructions at receive's import before, 1,242 after.
    const bundles = await bundled();
    const receive = bundles.get('receive')?.code ?? '';
    expect(receive).toContain('mail.received');
    for (const other of ['ticket.open', 'mail.send', 'broadcast.chunk']) expect(receive).not.toContain(other);
    const mailer = bundles.get('mailer')?.code ?? '';
    expect(mailer).toContain('mail.send');
    expect(mailer).not.toContain('broadcast.chunk');
  });
});

describe('the schemas built at a cold start', () => {
  it('come from zod/mini alone in receive, screen, ticket, the mailer and broadcast-send, with zod’s English messages', async () => {
    // Why: classic zod gives every schema its methods and clones it at each `.min()` or
    // `.optional()`; its module and those copies were 14–19 % of the mail chain's import CPU. One
    // classic schema reached again would bring the whole of classic zod back into the bundle.
    const inputs = await bundledInputs();
    for (const name of ['receive', 'screen', 'ticket', 'mailer', 'broadcast-send']) {
      const paths = inputs.get(name) ?? [];
      expect(paths, name).toContain('shared/domain/zod.ts');
      expect(
        paths.filter((path) => path.includes('node_modules/zod/v4/classic/')),
        name,
      ).toEqual([]);
      expect(
        paths.some((path) => path.endsWith('node_modules/zod/v4/locales/en.js')),
        name,
      ).toBe(true);
    }
  });
});
