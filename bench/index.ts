/**
 * Every benchmark of the project, one after the other: the intake benchmark (bench/intake.ts),
 * the broadcast benchmark (bench/broadcast.ts, with its defaults: 2,000 directors), the knowledge
 * base's search benchmark (bench/kb.ts: 2,000 articles), then the bundle size report
 * (scripts/bundle-size.ts) once that script exists. Each runs in its own process, so one's
 * memory and CPU do not weigh on the other's figures.
 *
 *   tsx bench/index.ts [intake options]     (the options go to the intake benchmark)
 *   tsx bench/broadcast.ts [options]        (the broadcast benchmark alone, with its options)
 *   tsx bench/index.ts crash [options]      (the crash campaign alone: bench/crash.ts)
 *   tsx bench/index.ts hostile [options]    (the hostile mail campaign alone: bench/hostile.ts)
 *   tsx bench/index.ts cost [--mails N]     (the AWS bill per 10,000 mails alone: bench/cost.ts)
 *   tsx bench/index.ts console [options]    (the console at 50,000 tickets alone: bench/console.ts)
 *
 * Exits 0 whatever the numbers, like each benchmark; non-zero only if one could not run.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Runs a TypeScript script with the same tsx loader as this one; resolves with its exit code. */
function runScript(file: string, args: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...process.execArgv, file, ...args], {
      cwd: root,
      stdio: 'inherit',
    });
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    child.once('error', () => resolve(1));
  });
}

// `npm run bench -- crash|hostile|faults|cost|console [options]`: one campaign or the cost count alone.
const campaigns: Record<string, string> = {
  crash: path.join(root, 'bench', 'crash.ts'),
  hostile: path.join(root, 'bench', 'hostile.ts'),
  faults: path.join(root, 'bench', 'faults.ts'),
  cost: path.join(root, 'bench', 'cost.ts'),
  console: path.join(root, 'bench', 'console.ts'),
};
const campaign = campaigns[process.argv[2] ?? ''];
if (campaign !== undefined) process.exit(await runScript(campaign, process.argv.slice(3)));
const benchmarks: Array<{ file: string; args: string[] }> = [
  { file: path.join(root, 'bench', 'intake.ts'), args: process.argv.slice(2) },
  { file: path.join(root, 'bench', 'broadcast.ts'), args: [] },
  { file: path.join(root, 'bench', 'kb.ts'), args: [] },
  { file: path.join(root, 'scripts', 'bundle-size.ts'), args: [] },
];

let failed = 0;
for (const { file, args } of benchmarks) {
  if (!existsSync(file)) {
    console.log(`\n(${path.relative(root, file)} absent : ignoré)`);
    continue;
  }
  console.log(`\n▶ ${path.relative(root, file)}`);
  if ((await runScript(file, args)) !== 0) failed++;
}
process.exitCode = failed > 0 ? 1 : 0;
