/**
 * Every benchmark of the project (issue 12), one after the other, each in its own process so that
 * one's memory and CPU do not weigh on the next one's figures:
 *
 *   intake         the current intake benchmark (bench/intake.ts): max rate, 35/s paced, requests per outcome
 *   gateway        the gateway-shaped load (bench/gateway.ts): a connection per mail, an API poller
 *   broadcast      a broadcast to 2,000 directors (bench/broadcast.ts)
 *   kb             the knowledge base's search and suggestions, 2,000 articles (bench/kb.ts)
 *   bundles        bundle sizes and cold import (scripts/bundle-size.ts)
 *   handler-cost   the handlers' CPU per accepted mail (bench/handler-cost.ts)
 *   console        the console at 50,000 tickets (bench/console.ts): seeds the table first, the longest part
 *
 *   npm run bench                            all of the above (about 15 minutes on a quiet 2-core machine)
 *   npm run bench -- <name> [options]        one of them, with its own options
 *   npm run bench -- --mails 200             all, the options going to the intake benchmark (as before)
 *   npm run bench -- --machine-occupee       all, figures shown on a busy machine, labelled « non publiables »
 *   npm run bench -- crash|hostile|faults|cost [options]   a campaign, or the AWS bill per 10,000 mails, alone
 *
 * Each benchmark follows bench/lib/rules.ts: it refuses (exit 2) a run where other processes used
 * more than 10 % of a core. Exits non-zero if any benchmark was refused or could not run.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { BUSY_FLAG } from './lib/rules.ts';

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

/** The benchmarks `npm run bench` runs, in order. */
const benchmarks: Record<string, string> = {
  intake: path.join(root, 'bench', 'intake.ts'),
  gateway: path.join(root, 'bench', 'gateway.ts'),
  broadcast: path.join(root, 'bench', 'broadcast.ts'),
  kb: path.join(root, 'bench', 'kb.ts'),
  bundles: path.join(root, 'scripts', 'bundle-size.ts'),
  'handler-cost': path.join(root, 'bench', 'handler-cost.ts'),
  console: path.join(root, 'bench', 'console.ts'),
};
/** Run only when named: campaigns, and the cost count (its own campaign of requests). */
const campaigns: Record<string, string> = {
  crash: path.join(root, 'bench', 'crash.ts'),
  hostile: path.join(root, 'bench', 'hostile.ts'),
  faults: path.join(root, 'bench', 'faults.ts'),
  cost: path.join(root, 'bench', 'cost.ts'),
};

const [first = '', ...rest] = process.argv.slice(2);
const one = benchmarks[first] ?? campaigns[first];
if (one !== undefined) {
  if (!existsSync(one)) {
    console.log(`${path.relative(root, one)} n'existe pas (encore) dans cette branche.`);
    process.exit(1);
  }
  process.exit(await runScript(one, rest));
}
if (first !== '' && !first.startsWith('-')) {
  console.log(
    `Banc inconnu : « ${first} ». Au choix : ${[...Object.keys(benchmarks), ...Object.keys(campaigns)].join(', ')}.`,
  );
  process.exit(1);
}

const all = process.argv.slice(2);
const busy = all.includes(BUSY_FLAG) ? [BUSY_FLAG] : [];
const results: Array<{ name: string; code: number | 'absent'; seconds: number }> = [];
const started = performance.now();
for (const [name, file] of Object.entries(benchmarks)) {
  if (!existsSync(file)) {
    console.log(`\n(${path.relative(root, file)} absent : ignoré)`);
    results.push({ name, code: 'absent', seconds: 0 });
    continue;
  }
  console.log(`\n▶ ${name} (${path.relative(root, file)})`);
  const at = performance.now();
  // The options of `npm run bench -- --mails 200` go to the intake benchmark; the override to all
  // but the bundle report, which measures no run.
  const args = name === 'intake' ? all : name === 'bundles' ? [] : busy;
  const code = await runScript(file, args);
  results.push({ name, code, seconds: (performance.now() - at) / 1000 });
}
const verdict = (code: number | 'absent') =>
  code === 'absent'
    ? 'absent'
    : code === 0
      ? 'ok'
      : code === 2
        ? 'REFUSÉ (machine occupée)'
        : `ÉCHEC (code ${code})`;
console.log(
  `\n■ npm run bench : ${((performance.now() - started) / 60_000).toFixed(1)} min\n${results
    .map(
      (r) =>
        `  ${r.name.padEnd(13)} ${verdict(r.code).padEnd(26)} ${r.code === 'absent' ? '' : `${r.seconds.toFixed(0)} s`}`,
    )
    .join('\n')}`,
);
process.exitCode = results.some((r) => r.code !== 0 && r.code !== 'absent') ? 1 : 0;
