/**
 * `npm run token -- --email agent@ac-dijon.fr --group admin`: prints a local ID token
 * (and nothing else on stdout, so `TOKEN=$(npm run -s token -- ...)` works) for calling the
 * local API with `Authorization: Bearer $TOKEN`.
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import type { StaffGroup } from '#shared/http/auth.ts';
import { issueToken } from './jwt.ts';

export const USAGE = `Usage : npm run token -- --email <adresse> --group <agent|admin> [--group ...] [--ttl <secondes>]

Affiche un jeton d'accès local (ID token façon Cognito) pour l'API locale.
  --email   adresse du compte, par exemple agent@ac-dijon.fr
  --group   groupe du compte : agent ou admin (répétable ; admin inclut agent)
  --ttl     durée de validité en secondes (3600 par défaut)`;

/** Arguments that do not describe a token to issue. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export type TokenArguments = { email: string; groups: StaffGroup[]; ttlSeconds: number | undefined };

const Group = z.enum(['agent', 'admin']);

/**
 * Reads the command line.
 * @throws UsageError with a French reason when an argument is missing or wrong.
 */
export function parseTokenArguments(argv: string[]): TokenArguments | 'help' {
  let values: { email?: string; group?: string[]; ttl?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        email: { type: 'string' },
        group: { type: 'string', multiple: true },
        ttl: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (cause) {
    throw new UsageError('argument inconnu ou incomplet.', { cause });
  }
  if (values.help) return 'help';
  const email = z.email().safeParse(values.email?.trim());
  if (!email.success) throw new UsageError('--email doit être une adresse électronique valide.');
  if (values.group === undefined || values.group.length === 0) {
    throw new UsageError('indiquez au moins un groupe avec --group agent ou --group admin.');
  }
  const groups: StaffGroup[] = [];
  for (const group of values.group) {
    const parsed = Group.safeParse(group);
    if (!parsed.success) throw new UsageError(`groupe inconnu « ${group} » : agent ou admin attendu.`);
    groups.push(parsed.data);
  }
  let ttlSeconds: number | undefined;
  if (values.ttl !== undefined) {
    const ttl = z.coerce.number().int().positive().safeParse(values.ttl);
    if (!ttl.success) throw new UsageError('--ttl doit être un nombre entier de secondes, positif.');
    ttlSeconds = ttl.data;
  }
  return { email: email.data, groups, ttlSeconds };
}

async function main(): Promise<void> {
  let parsed: TokenArguments | 'help';
  try {
    parsed = parseTokenArguments(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`Erreur : ${error.message}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (parsed === 'help') {
    console.log(USAGE);
    return;
  }
  process.stdout.write(`${await issueToken(parsed)}\n`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
