/**
 * The commit a benchmark ran on, as every figure kept in `docs/` must name it: `git rev-parse
 * --short HEAD`, plus the count of tracked files that differed from it (the code measured is the
 * working tree's, so a run on a modified tree says so).
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/** `1a2b3c4`, `1a2b3c4 (+2 fichiers modifiés)`, or `inconnu` outside a git checkout. */
export function measuredCommit(): string {
  try {
    const run = (args: string[]) => execFileSync('git', args, { cwd: here, encoding: 'utf8' }).trim();
    const changed = run(['status', '--porcelain', '--untracked-files=no']).split('\n').filter(Boolean).length;
    return `${run(['rev-parse', '--short', 'HEAD'])}${changed > 0 ? ` (+${changed} fichiers modifiés)` : ''}`;
  } catch {
    return 'inconnu';
  }
}
