/**
 * `npm run token -- --email agent@ac-dijon.fr --group admin`: prints a local ID token
 * (and nothing else on stdout, so `TOKEN=$(npm run -s token -- ...)` works) for calling the
 * local API with `Authorization: Bearer $TOKEN`.
 *
 * `npm run token -- --client portail`: prints the access token Cognito's token endpoint gives
 * the académie's portal for the client-credentials grant (scope `lsun/portal.write`), for
 * `POST /api/portal/requests`.
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { PORTAL_SCOPE } from '#shared/api/declaration.ts';
import type { StaffGroup } from '#shared/http/auth.ts';
import { issueClientToken, issueToken, LOCAL_PORTAL_CLIENT_ID } from './jwt.ts';

export const USAGE = `Usage : npm run token -- --email <adresse> --group <agent|admin> [--group ...] [--ttl <secondes>]
        npm run token -- --client portail [--scope <portée> ...] [--ttl <secondes>]

Affiche un jeton d'accès local pour l'API locale : l'ID token d'un membre de l'assistance
(façon Cognito), ou le jeton du portail académique (client credentials).
  --email   adresse du compte, par exemple agent@ac-dijon.fr
  --group   groupe du compte : agent ou admin (répétable ; admin inclut agent)
  --client  portail : le jeton d'accès du portail (portée ${PORTAL_SCOPE})
  --scope   portée du jeton du portail (répétable ; ${PORTAL_SCOPE} par défaut)
  --ttl     durée de validité en secondes (3600 par défaut)
  --key     fichier de la clé de signature locale (.data/local-jwt-key.json par défaut)`;

/** Arguments that do not describe a token to issue. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export type TokenArguments = (
  | { kind: 'staff'; email: string; groups: StaffGroup[]; ttlSeconds: number | undefined }
  | { kind: 'client'; clientId: string; scopes: string[]; ttlSeconds: number | undefined }
) & {
  /** The signing key's file, when not the desk's default (a test's own desk). */
  keyPath?: string;
};

/** The app clients `--client` knows, by the name they have in the user pool. */
const CLIENTS: Record<string, string> = { portail: LOCAL_PORTAL_CLIENT_ID };

const Group = z.enum(['agent', 'admin']);

/**
 * Reads the command line.
 * @throws UsageError with a French reason when an argument is missing or wrong.
 */
export function parseTokenArguments(argv: string[]): TokenArguments | 'help' {
  let values: {
    email?: string;
    group?: string[];
    client?: string;
    scope?: string[];
    ttl?: string;
    key?: string;
    help?: boolean;
  };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        email: { type: 'string' },
        group: { type: 'string', multiple: true },
        client: { type: 'string' },
        scope: { type: 'string', multiple: true },
        ttl: { type: 'string' },
        key: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (cause) {
    throw new UsageError('argument inconnu ou incomplet.', { cause });
  }
  if (values.help) return 'help';
  let ttlSeconds: number | undefined;
  if (values.ttl !== undefined) {
    const ttl = z.coerce.number().int().positive().safeParse(values.ttl);
    if (!ttl.success) throw new UsageError('--ttl doit être un nombre entier de secondes, positif.');
    ttlSeconds = ttl.data;
  }
  const key = values.key === undefined ? {} : { keyPath: values.key };
  if (values.client !== undefined) {
    if (values.email !== undefined || values.group !== undefined) {
      throw new UsageError('--client ne se combine ni avec --email ni avec --group.');
    }
    const clientId = CLIENTS[values.client];
    if (clientId === undefined)
      throw new UsageError(`client inconnu « ${values.client} » : portail attendu.`);
    return { kind: 'client', clientId, scopes: values.scope ?? [PORTAL_SCOPE], ttlSeconds, ...key };
  }
  if (values.scope !== undefined) throw new UsageError('--scope ne vaut que pour --client portail.');
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
  return { kind: 'staff', email: email.data, groups, ttlSeconds, ...key };
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
  const options = parsed.keyPath === undefined ? {} : { keyPath: parsed.keyPath };
  const token =
    parsed.kind === 'client' ? await issueClientToken(parsed, options) : await issueToken(parsed, options);
  process.stdout.write(`${token}\n`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
