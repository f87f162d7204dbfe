/**
 * `npm run directory:import -- FILE [--apply]`: imports a directory CSV into the running local
 * desk (`npm start`). A dry run unless `--apply` is given. The usage text below is the
 * reference for the options and the exit codes.
 */
import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { documentClient } from '#shared/adapters/aws-clients.ts';
import { makeDirectoryStore } from '#shared/adapters/directory-store.ts';
import {
  type DirectoryFileReport,
  type ImportCounts,
  importDirectoryFile,
} from '#shared/directory/import.ts';
import { DirectoryFileError } from '#shared/directory/rows.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './emulators.ts';
import { localPorts } from './ports.ts';

const USAGE = `Usage : npm run directory:import -- FICHIER [--apply]

Importe l'annuaire des directeurs d'école dans le bureau local lancé par « npm start ».
FICHIER est un export CSV de l'académie : séparateur « ; » ou « , », encodage UTF-8 ou
Windows-1252 ; colonnes uai, ecole, commune, circonscription, departement, civilite
(facultative), nom, prenom, email.

  (sans option)  simulation : rien n'est écrit ; affiche ce qui serait ajouté, modifié ou
                 inchangé, et chaque ligne rejetée avec son numéro et sa raison.
  --apply        charge les lignes valides ; les lignes rejetées sont signalées et ignorées.
  --help         affiche cette aide.

Variables d'environnement :
  AWS_ENDPOINT_URL_DYNAMODB  DynamoDB du bureau local
                             (défaut : http://127.0.0.1:<LSUN_DYNAMODB_PORT, 8000>)
  DESK_TABLE                 table du bureau (défaut : assistance-lsun-local)

Code de sortie :
  0  toutes les lignes sont valides (simulées, ou chargées avec --apply) ;
  1  des lignes ont été rejetées (les autres ont été simulées, ou chargées avec --apply) ;
  2  rien n'a été fait : option inconnue, fichier introuvable ou illisible, colonnes
     manquantes, ou bureau local injoignable ;
  3  l'écriture a échoué en cours de route : relancez la même commande, elle écrit ce
     qui manque (seules les différences sont écrites).
`;

const EXIT_OK = 0;
const EXIT_REJECTED_LINES = 1;
const EXIT_NOTHING_DONE = 2;
const EXIT_FAILED_HALFWAY = 3;

/** Raised for a problem the person running the command can fix; its message is shown as is. */
class ImportCommandError extends Error {
  override name = 'ImportCommandError';
}

function parseCommandLine() {
  try {
    return parseArgs({
      options: { apply: { type: 'boolean' }, help: { type: 'boolean' } },
      allowPositionals: true,
    });
  } catch (error) {
    throw new ImportCommandError(`${(error as Error).message}\n\n${USAGE}`, { cause: error });
  }
}

function readArguments(): { file: string; apply: boolean } | undefined {
  const parsed = parseCommandLine();
  if (parsed.values.help) return undefined;
  const [file, ...extra] = parsed.positionals;
  if (file === undefined || extra.length > 0) {
    throw new ImportCommandError(`Indiquez un seul fichier à importer.\n\n${USAGE}`);
  }
  return { file, apply: parsed.values.apply === true };
}

/** Checks that the local desk answers and has its table, so the French message says which is wrong. */
async function checkDesk(client: DynamoDBClient, endpoint: string, tableName: string): Promise<void> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name === 'ResourceNotFoundException') {
      throw new ImportCommandError(
        `La table ${tableName} n'existe pas dans le DynamoDB local (${endpoint}) : lancez d'abord npm start, ou réglez DESK_TABLE.`,
        { cause: error },
      );
    }
    throw new ImportCommandError(
      `Le bureau local ne répond pas : lancez d'abord npm start (DynamoDB attendu sur ${endpoint}).`,
      { cause: error },
    );
  }
}

function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count > 1 ? pluralForm : singular}`;
}

function describeCounts(counts: ImportCounts, applied: boolean, feminine: boolean): string {
  const e = feminine ? 'e' : '';
  if (applied) {
    return [
      plural(counts.added, `ajouté${e}`),
      plural(counts.changed, `modifié${e}`),
      plural(counts.unchanged, `inchangé${e}`),
    ].join(', ');
  }
  return [
    `${counts.added} à ajouter`,
    `${counts.changed} à modifier`,
    plural(counts.unchanged, `inchangé${e}`),
  ].join(', ');
}

function printReport(file: string, report: DirectoryFileReport): void {
  const encoding = report.encoding === 'utf-8' ? 'UTF-8' : 'Windows-1252';
  const separator = report.separator === '\t' ? 'tabulation' : `« ${report.separator} »`;
  console.log(
    `Fichier : ${file} (${encoding}, séparateur ${separator}, ${plural(report.linesRead, 'ligne')} lue${report.linesRead > 1 ? 's' : ''})`,
  );
  console.log(
    report.applied
      ? 'Import appliqué.'
      : "Simulation : rien n'a été écrit. Relancez avec --apply pour appliquer.",
  );
  console.log(`Directeurs : ${describeCounts(report, report.applied, false)}`);
  console.log(`Écoles : ${describeCounts(report.schools, report.applied, true)}`);
  if (report.rejected.length === 0) {
    console.log('Aucune ligne rejetée.');
    return;
  }
  console.log(`${plural(report.rejected.length, 'ligne rejetée', 'lignes rejetées')} :`);
  for (const { line, reason } of report.rejected) console.log(`  ligne ${line} : ${reason}`);
}

async function main(): Promise<number> {
  const args = readArguments();
  if (!args) {
    console.log(USAGE);
    return EXIT_OK;
  }
  const bytes = await readFile(args.file).catch((error: unknown) => {
    throw new ImportCommandError(`Impossible de lire le fichier ${args.file} : ${(error as Error).message}`, {
      cause: error,
    });
  });

  // The SDK warns on every run that its 2027 releases need Node 22: known (the lockfile pins
  // it), and noise in front of a person reading an import report.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const endpoint = process.env.AWS_ENDPOINT_URL_DYNAMODB || `http://127.0.0.1:${localPorts().dynamodb}`;
  const tableName = process.env.DESK_TABLE || 'assistance-lsun-local';
  const dynamodb = new DynamoDBClient({
    endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 2,
    requestHandler: { connectionTimeout: 2_000 },
  });
  try {
    await checkDesk(dynamodb, endpoint, tableName);
    const store = makeDirectoryStore({ client: documentClient(dynamodb), tableName });
    const showProgress = process.stderr.isTTY;
    const report = await importDirectoryFile(bytes, store, {
      apply: args.apply,
      now: new Date(),
      actor: `cli:${userInfo().username}`,
      onProgress: ({ phase, done, total }) => {
        if (!showProgress) return;
        const label = phase === 'read' ? 'Lecture de l’annuaire actuel' : 'Écriture';
        process.stderr.write(`\r${label} : ${done}/${total}${done === total ? '\n' : ''}`);
      },
    });
    printReport(args.file, report);
    return report.rejected.length > 0 ? EXIT_REJECTED_LINES : EXIT_OK;
  } finally {
    dynamodb.destroy();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof ImportCommandError || error instanceof DirectoryFileError) {
      console.error(error.message);
      process.exitCode = EXIT_NOTHING_DONE;
      return;
    }
    console.error(
      "L'import a échoué en cours de route ; relancez la même commande pour écrire ce qui manque.",
      error,
    );
    process.exitCode = EXIT_FAILED_HALFWAY;
  },
);
