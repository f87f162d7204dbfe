/**
 * Bundle size and cold import time of each Lambda function, as deployed.
 *
 * Bundles every function with the esbuild options of `DeskFunction` (infra/bundling.ts), then
 * imports each bundle in a fresh Node process, several times, next to a bare handler that
 * imports only the AWS clients the function's bundle contains. Prints, per function: the
 * minified size, the gzip size (≈ the deployment zip), the median import time, the bare
 * handler's, their ratio, and what weighs most in the bundle; then each of issue 12's targets,
 * measured, and whether it is met (in French, like the other benchmarks).
 *
 *   npx tsx scripts/bundle-size.ts [--runs 7] [--check] [--only receive,mailer]
 *
 * `--check` exits with 1 when a function misses one of issue 12's targets: under 500 KB minified
 * for the mail chain and broadcast-send, under 1 MB for the api, and for all of them an import
 * under 1.5× the bare handler (wall time, as Lambda's init feels it). Targets are a report, not a
 * test: timings vary. The imports' CPU time is printed beside: on a machine others are using, the
 * wall time measures them too, the CPU time much less. It follows the benchmarks' rules
 * (bench/lib/rules.ts): a run during which other processes took more than 0.1 core is refused
 * (exit 2; `--machine-occupee` shows it, labelled « non publiables »), and each run's JSON is kept
 * under bench/results/.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';
import { pipeline } from '#shared/pipeline.ts';
import { measuredCommit } from '../bench/lib/commit.ts';
import { BenchRules, withoutRuleFlags } from '../bench/lib/rules.ts';
import { esbuildBuildOptions, esbuildOptions } from '../infra/bundling.ts';
import { functionEntry, projectRoot } from '../infra/paths.ts';

const chainTargetBytes = 500 * 1024;
/**
 * The functions held to a size target (issue 12), with that target: the mail chain and the
 * broadcast's sender run once per mail or per chunk, so their cold start is felt; the api carries
 * the console's every route and gets twice the room.
 */
const sizeTargets = new Map<string, number>([
  [pipeline.receiver.entry, chainTargetBytes],
  ...pipeline.stages.map((stage): [string, number] => [stage.consumer, chainTargetBytes]),
  ['broadcast-send', chainTargetBytes],
  [pipeline.api.entry, 1024 * 1024],
]);
const allFunctions = [...sizeTargets.keys()];
const importRatioTarget = 1.5;

type Bundle = { file: string; bytes: number; gzipBytes: number; metafile: Metafile };
type Row = {
  name: string;
  bundle: Bundle;
  bare: Bundle;
  clients: string[];
  importMs: number | undefined;
  bareMs: number | undefined;
  /** CPU time of the same imports (user + system): what a busy machine changes least. */
  importCpuMs: number | undefined;
  bareCpuMs: number | undefined;
  error: string | undefined;
  heaviest: { pkg: string; bytes: number }[];
};

/** Raised when a bundle cannot be built or imported. */
export class BundleSizeError extends Error {
  override name = 'BundleSizeError';
}

const usage = `npx tsx scripts/bundle-size.ts [--runs N] [--check] [--only f1,f2] [--machine-occupee]
  --runs N     imports à froid par fonction et par handler nu (5 par défaut)
  --check      code de sortie 1 si un objectif de l'issue 12 est manqué
  --only …     seulement ces fonctions (${allFunctions.join(', ')}) : pour suivre un changement sans
               occuper la machine le temps de toutes ; le chiffre publié les prend toutes`;

function parseArgs(argv: string[]): { runs: number; check: boolean; functions: string[]; help: boolean } {
  const runsIndex = argv.indexOf('--runs');
  const runs = runsIndex >= 0 ? Number(argv[runsIndex + 1]) : 5;
  if (!Number.isInteger(runs) || runs < 1) throw new BundleSizeError('--runs takes a positive integer');
  const onlyIndex = argv.indexOf('--only');
  const functions = onlyIndex >= 0 ? (argv[onlyIndex + 1] ?? '').split(',').filter(Boolean) : allFunctions;
  const unknown = functions.filter((name) => !allFunctions.includes(name));
  if (functions.length === 0 || unknown.length > 0)
    throw new BundleSizeError(
      `--only takes some of ${allFunctions.join(', ')}; got ${unknown.join(', ') || 'none'}`,
    );
  return { runs, check: argv.includes('--check'), functions, help: argv.includes('--help') };
}

async function bundle(outfile: string, input: { entry: string } | { contents: string }): Promise<Bundle> {
  const result = await build({
    ...esbuildBuildOptions(),
    ...('entry' in input
      ? { entryPoints: [input.entry] }
      : { stdin: { contents: input.contents, resolveDir: projectRoot, loader: 'ts' as const } }),
    outfile,
    absWorkingDir: projectRoot,
    metafile: true,
    logLevel: 'silent',
  });
  const code = readFileSync(outfile);
  return { file: outfile, bytes: code.length, gzipBytes: gzipSync(code).length, metafile: result.metafile };
}

/** The npm package an esbuild input path belongs to, or `(project)` for our own files. */
function packageOf(inputPath: string): string {
  const match = inputPath.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/g);
  const last = match?.at(-1);
  return last ? last.replace('node_modules/', '') : '(project)';
}

function heaviestPackages(metafile: Metafile): { pkg: string; bytes: number }[] {
  const byPackage = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [path, input] of Object.entries(output.inputs)) {
      const pkg = packageOf(path);
      byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + input.bytesInOutput);
    }
  }
  return [...byPackage.entries()]
    .map(([pkg, bytes]) => ({ pkg, bytes }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, 5);
}

/** AWS SDK client packages that made it into the bundle (bytes in the output, not just imported). */
function awsClientsIn(metafile: Metafile): string[] {
  const present = new Set<string>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [path, input] of Object.entries(output.inputs)) {
      const pkg = packageOf(path);
      if (input.bytesInOutput > 0 && (/^@aws-sdk\/client-/.test(pkg) || pkg === '@aws-sdk/lib-dynamodb')) {
        present.add(pkg);
      }
    }
  }
  return [...present].sort();
}

/** A handler that constructs the given clients at module scope, as a real one would. */
async function bareHandlerSource(clients: string[]): Promise<string> {
  const lines: string[] = [];
  const made: string[] = [];
  let index = 0;
  const needsDynamo = clients.includes('@aws-sdk/lib-dynamodb');
  const all =
    needsDynamo && !clients.includes('@aws-sdk/client-dynamodb')
      ? [...clients, '@aws-sdk/client-dynamodb']
      : clients;
  for (const pkg of all) {
    if (pkg === '@aws-sdk/lib-dynamodb') continue;
    const exports = Object.keys(await import(pkg));
    const clientClass = exports
      .filter((name) => /^[A-Z][A-Za-z0-9]*Client$/.test(name))
      .sort((a, b) => a.length - b.length)[0];
    if (!clientClass) throw new BundleSizeError(`No client class exported by ${pkg}`);
    const alias = `C${index++}`;
    lines.push(`import { ${clientClass} as ${alias} } from '${pkg}';`);
    if (pkg === '@aws-sdk/client-dynamodb' && needsDynamo) {
      lines.push("import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';");
      made.push(`DynamoDBDocumentClient.from(new ${alias}({}))`);
    } else {
      made.push(`new ${alias}({})`);
    }
  }
  lines.push(`const clients = [${made.join(', ')}];`);
  lines.push('export const handler = async () => clients.length;');
  return lines.join('\n');
}

/** Environment of a fresh import: the desk configuration with placeholders, no credentials needed. */
function importEnvironment(): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'bundle-size',
    AWS_SECRET_ACCESS_KEY: 'bundle-size',
    DESK_TABLE: 'desk',
    RAW_MAIL_BUCKET: 'raw-mail',
    INTAKE_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/000000000000/intake',
    TICKETS_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/000000000000/tickets',
    OUTBOX_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/000000000000/outbox',
    BROADCAST_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/000000000000/broadcast',
    SES_EVENTS_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/000000000000/ses-events',
    KB_EXPORT_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/000000000000/kb-export',
    KB_BUCKET: 'kb',
    PUBLIC_BASE_URL: 'https://assistance.example',
    SES_CONFIGURATION_SET: 'desk',
    POWERTOOLS_SERVICE_NAME: 'assistance-lsun',
    POWERTOOLS_LOG_LEVEL: 'ERROR',
    POWERTOOLS_METRICS_DISABLED: 'true',
  };
}

/**
 * Milliseconds to import a module in a fresh Node process, with the flags Lambda uses: the wall
 * time, and the CPU time the process spent meanwhile (user + system, all its threads).
 */
function importOnce(file: string): { wallMs: number; cpuMs: number } {
  const script = `const c=process.cpuUsage();const t=process.hrtime.bigint();await import(${JSON.stringify(pathToFileURL(file).href)});const w=Number(process.hrtime.bigint()-t)/1e6;const u=process.cpuUsage(c);process.stdout.write(w+' '+(u.user+u.system)/1e3);`;
  const child = spawnSync(process.execPath, ['--enable-source-maps', '--input-type=module', '-e', script], {
    env: importEnvironment(),
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (child.status !== 0) {
    throw new BundleSizeError(
      `import of ${relative(projectRoot, file)} failed: ${child.stderr.trim().split('\n')[0]}`,
    );
  }
  const [wallMs, cpuMs] = child.stdout.split(' ').map(Number);
  if (!Number.isFinite(wallMs) || !Number.isFinite(cpuMs))
    throw new BundleSizeError(`import of ${relative(projectRoot, file)} printed no time`);
  return { wallMs: wallMs as number, cpuMs: cpuMs as number };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

async function measure(name: string, workDir: string, runs: number): Promise<Row> {
  const dir = join(workDir, name);
  mkdirSync(dir, { recursive: true });
  const fnBundle = await bundle(join(dir, 'index.mjs'), { entry: functionEntry(name) });
  const clients = awsClientsIn(fnBundle.metafile);
  const bare = await bundle(join(dir, 'bare.mjs'), { contents: await bareHandlerSource(clients) });
  const row: Row = {
    name,
    bundle: fnBundle,
    bare,
    clients,
    importMs: undefined,
    bareMs: undefined,
    importCpuMs: undefined,
    bareCpuMs: undefined,
    error: undefined,
    heaviest: heaviestPackages(fnBundle.metafile),
  };
  try {
    const fnTimes: Array<{ wallMs: number; cpuMs: number }> = [];
    const bareTimes: Array<{ wallMs: number; cpuMs: number }> = [];
    // Interleaved, so a burst of load on the machine hits both alike.
    for (let run = 0; run < runs; run++) {
      fnTimes.push(importOnce(fnBundle.file));
      bareTimes.push(importOnce(bare.file));
    }
    row.importMs = median(fnTimes.map((time) => time.wallMs));
    row.bareMs = median(bareTimes.map((time) => time.wallMs));
    row.importCpuMs = median(fnTimes.map((time) => time.cpuMs));
    row.bareCpuMs = median(bareTimes.map((time) => time.cpuMs));
  } catch (error) {
    row.error = (error as Error).message;
  }
  return row;
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} Ko`;
const ms = (value: number | undefined) => (value === undefined ? '–' : `${value.toFixed(1)} ms`);

const ratioText = (value: number | undefined, bare: number | undefined) =>
  value !== undefined && bare ? `${(value / bare).toFixed(2)}×` : '–';

/** One of issue 12's targets for one function, with what was measured and whether it is met. */
type TargetCheck = { target: string; measured: string; met: boolean };

/**
 * Each target of a function, measured: its size (when it has one), then its import against the
 * bare handler's. An import that failed misses its target; so does one that was not measured.
 */
function targetChecks(row: Row): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const sizeTarget = sizeTargets.get(row.name);
  if (sizeTarget !== undefined)
    checks.push({
      target: `minifié < ${kb(sizeTarget)}`,
      measured: kb(row.bundle.bytes),
      met: row.bundle.bytes < sizeTarget,
    });
  const ratio = row.importMs !== undefined && row.bareMs ? row.importMs / row.bareMs : undefined;
  checks.push({
    target: `import < ${importRatioTarget}× le handler nu`,
    measured: row.error ? 'import en échec' : ratio === undefined ? '–' : `${ratio.toFixed(2)}×`,
    met: ratio !== undefined && ratio < importRatioTarget,
  });
  return checks;
}

/** Pads the cells of each column to the widest one and prints the rows. */
function printTable(out: (line: string) => void, header: string[], rows: string[][]): void {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((cells) => (cells[column] ?? '').length)),
  );
  for (const cells of [header, ...rows])
    out(
      cells
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join('  ')
        .trimEnd(),
    );
}

async function main(): Promise<void> {
  // The rules of every benchmark (bench/lib/rules.ts): the import times are timed runs, refused on
  // a busy machine; the report and its JSON go under bench/results/.
  const { runs, check, functions, help } = parseArgs(withoutRuleFlags(process.argv.slice(2)));
  if (help) {
    process.stdout.write(`${usage}\n`);
    return;
  }
  const rules = new BenchRules('bundles');
  const workDir = mkdtempSync(join(tmpdir(), 'lsun-bundle-size-'));
  const lines: string[] = [];
  const out = (line = '') => lines.push(line);
  try {
    out(
      `Paquets tels que déployés (esbuild ${esbuildOptions.format}, ${esbuildOptions.target}, minifiés) ; Node ${process.version} ; médiane de ${runs} imports à froid`,
    );
    out(
      `Machine : charge ${loadavg()
        .map((value) => value.toFixed(2))
        .join(' ')} au départ ; ${cpus().length} cœurs`,
    );
    out();
    const rows: Row[] = [];
    const timed = rules.run('imports');
    for (const name of functions) rows.push(await measure(name, workDir, runs));
    timed.stop();

    printTable(
      out,
      ['fonction', 'minifié', 'gzip', 'import', 'nu', 'rapport', 'CPU import', 'CPU nu', 'rapport CPU'],
      rows.map((row) => [
        row.name,
        kb(row.bundle.bytes),
        kb(row.bundle.gzipBytes),
        ms(row.importMs),
        ms(row.bareMs),
        ratioText(row.importMs, row.bareMs),
        ms(row.importCpuMs),
        ms(row.bareCpuMs),
        ratioText(row.importCpuMs, row.bareCpuMs),
      ]),
    );
    out();
    // Each target on its own line, as the other benchmarks print theirs (issue 12).
    const checks = rows.flatMap((row) => targetChecks(row).map((entry) => ({ name: row.name, ...entry })));
    printTable(
      out,
      ['Objectif (issue 12)', 'Mesuré', 'Cible', 'Résultat'],
      checks.map((entry) => [entry.name, entry.measured, entry.target, entry.met ? 'atteint' : 'MANQUÉ']),
    );
    out();
    for (const row of rows) {
      out(
        `${row.name} : clients AWS ${row.clients.join(', ') || 'aucun'} ; handler nu ${kb(row.bare.bytes)}`,
      );
      out(`  les plus lourds : ${row.heaviest.map((entry) => `${entry.pkg} ${kb(entry.bytes)}`).join(', ')}`);
      if (row.error) out(`  ${row.error}`);
    }
    out(
      `Machine : charge ${loadavg()
        .map((value) => value.toFixed(2))
        .join(' ')} à la fin (les tailles sont exactes, les temps d'import varient avec elle)`,
    );
    const missed = checks.filter((entry) => !entry.met);
    out(
      missed.length
        ? `${missed.length} objectif(s) manqué(s) sur ${checks.length}`
        : `${checks.length} objectifs atteints`,
    );
    const publication = rules.finish(
      {
        commit: measuredCommit(),
        runs,
        // The metafiles stay out: megabytes of input lists, rebuilt by running the script again.
        rows: rows.map(({ bundle, bare, ...row }) => ({
          ...row,
          bundle: { bytes: bundle.bytes, gzipBytes: bundle.gzipBytes },
          bare: { bytes: bare.bytes, gzipBytes: bare.gzipBytes },
        })),
        checks,
      },
      () => lines.join('\n'),
    );
    if (check && missed.length && !publication.refused) process.exitCode = 1;
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

await main();
