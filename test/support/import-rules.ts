/**
 * The import rules of the layout (docs/ARCHITECTURE.md, "What may import what"), checked by
 * reading every source file's import specifiers: a rule broken anywhere is a failing test.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

/** A source file: its path from the repository's root, and its text. */
export type SourceFile = { file: string; source: string };

/** One import that a rule forbids. */
export type Violation = { file: string; imports: string; rule: string };

type Rule = {
  /** Files the rule applies to (path prefix from the root). */
  from: string;
  /** Our folders they may not import (path prefixes); ignored when `onlyOurs` is set. */
  never?: string[];
  /** Our folders they may import, and nothing else of ours. */
  onlyOurs?: string[];
  /** Packages they may import (anything else from node_modules is refused); unset: any. */
  onlyPackages?: string[];
  why: string;
};

/** The rules, most specific first; every rule whose `from` matches a file applies to it. */
export const IMPORT_RULES: Rule[] = [
  {
    from: 'shared/domain/',
    onlyOurs: ['shared/domain/'],
    onlyPackages: ['zod'],
    why: 'the domain is plain: rules over data, testable without AWS, importing nothing of ours but itself',
  },
  {
    from: 'shared/directory/',
    onlyOurs: ['shared/domain/', 'shared/directory/'],
    why: "the directory's rules (imports, edits, search) are domain code: no store, no HTTP",
  },
  {
    from: 'shared/kb/',
    onlyOurs: ['shared/domain/', 'shared/kb/'],
    onlyPackages: ['zod', 'minisearch', '@orama/stemmers', '@orama/stopwords', 'markdown-it'],
    why: "the knowledge base's search, rendering and export are pure: articles in, index and files out; no store, no HTTP",
  },
  {
    from: 'shared/mail/',
    onlyOurs: ['shared/domain/', 'shared/mail/'],
    why: 'reading a MIME mail is pure: no store, no HTTP',
  },
  {
    from: 'shared/api/',
    onlyOurs: [
      'shared/domain/',
      'shared/api/',
      'shared/directory/',
      'shared/kb/',
      'shared/steps/',
      'shared/http/',
      'shared/adapters/',
    ],
    why: 'the API layer calls steps and stores; it is above them',
  },
  {
    from: 'shared/adapters/',
    never: ['shared/steps/', 'shared/api/', 'shared/http/'],
    why: 'adapters translate between AWS and the domain; they never call the steps or the API above them',
  },
  {
    from: 'shared/http/',
    never: ['shared/api/', 'shared/steps/', 'shared/adapters/'],
    why: 'the HTTP machinery knows no route, step or store: the API is built on it, not the reverse',
  },
  {
    from: 'shared/steps/',
    never: ['shared/adapters/', 'shared/api/'],
    why: 'a step works over the ports its domain declares; the adapters are handed to it',
  },
  {
    from: 'shared/',
    never: ['shared/wiring/'],
    why: 'shared/wiring/ is the composition root: only the entry files (and the local stack) build deps with it',
  },
  {
    from: 'shared/',
    never: ['functions/', 'infra/', 'local/', 'console/', 'bench/', 'test/'],
    why: 'shared/ is the core: entry points, infrastructure, the local stack and the console use it, never the reverse',
  },
  {
    from: 'functions/',
    never: ['infra/', 'local/', 'console/', 'functions/'],
    why: 'an entry file wires shared/ code for one Lambda function',
  },
  {
    from: 'console/src/',
    onlyOurs: ['console/', 'shared/domain/', 'shared/api/'],
    why: 'the browser bundle takes only the pure contract and domain schemas, never server code',
  },
];

const SPECIFIER =
  /(?:^|[\s;])(?:import|export)\s[^'"`]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s*['"]([^'"]+)['"]/gm;

/** The specifiers a file imports (static imports, re-exports, side-effect and dynamic imports). */
export function specifiersOf(source: string): string[] {
  return [...source.matchAll(SPECIFIER)].map((match) => match[1] ?? match[2] ?? match[3] ?? '');
}

/** `package.json` "imports" aliases, as the repository declares them. */
const ALIASES: Record<string, string> = {
  '#shared/': 'shared/',
  '#functions/': 'functions/',
  '#local/': 'local/',
};

/** What a specifier names: one of our files (path from the root), or a package. */
export function resolve(file: string, specifier: string): { ours: string } | { package: string } {
  for (const [alias, folder] of Object.entries(ALIASES)) {
    if (specifier.startsWith(alias)) return { ours: folder + specifier.slice(alias.length) };
  }
  if (specifier.startsWith('.'))
    return { ours: normalize(join(dirname(file), specifier)).replaceAll('\\', '/') };
  const parts = specifier.replace(/^node:/, 'node:').split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
  return { package: name };
}

/** Every import of these files that a rule forbids. */
export function violationsOf(files: SourceFile[], rules: Rule[] = IMPORT_RULES): Violation[] {
  const violations: Violation[] = [];
  for (const { file, source } of files) {
    for (const specifier of specifiersOf(source)) {
      const target = resolve(file, specifier);
      for (const rule of rules.filter((r) => file.startsWith(r.from))) {
        const refused =
          'ours' in target
            ? rule.onlyOurs
              ? !rule.onlyOurs.some((folder) => target.ours.startsWith(folder))
              : (rule.never ?? []).some((folder) => target.ours.startsWith(folder))
            : rule.onlyPackages !== undefined && !rule.onlyPackages.includes(target.package);
        if (refused) violations.push({ file, imports: specifier, rule: rule.why });
      }
    }
  }
  return violations;
}

/** The TypeScript sources of these folders (tests, generated and built files left out). */
export function sourcesUnder(root: string, folders: string[]): SourceFile[] {
  const files: SourceFile[] = [];
  const walk = (folder: string) => {
    for (const entry of readdirSync(join(root, folder), { withFileTypes: true })) {
      const path = `${folder}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!['node_modules', 'dist'].includes(entry.name)) walk(path);
      } else if (/\.(ts|tsx)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) {
        files.push({
          file: relative(root, join(root, path)),
          source: readFileSync(join(root, path), 'utf8'),
        });
      }
    }
  };
  for (const folder of folders) walk(folder);
  return files;
}
