/**
 * `npm run directory:import -- FILE [--apply]`: imports a directory file (CSV or LDIF) into the
 * running local desk (`npm start`). A dry run unless `--apply` is given. The usage text below is
 * the reference for the options and the exit codes.
 */
import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { documentClient } from '#shared/adapters/aws-clients.ts';
import { DirectoryConflictError, makeDirectoryStore } from '#shared/adapters/directory-store.ts';
import {
  type DirectorChange,
  type DirectoryFileReport,
  type ImportCounts,
  type ImportProgress,
  importDirectoryFile,
} from '#shared/directory/import.ts';
import { DirectoryFileError } from '#shared/directory/rows.ts';
import { checkLocalTable, localTable } from './local-table.ts';

const USAGE = `Usage : npm run directory:import -- FICHIER [--apply] [--details]

Importe l'annuaire des directeurs d'école dans le bureau local lancé par « npm start ».
FICHIER est
  - un export CSV (.csv) : séparateur « ; » ou « , », encodage UTF-8 ou Windows-1252 ;
    colonnes uai, ecole, commune, circonscription, departement, nom, prenom, email,
    et facultatives civilite, emails_secondaires, faisant_fonction ;
  - ou un export LDIF (.ldif) de l'annuaire académique : entrées FrEduFonctAdm: DIR,
    écoles lues dans FrEduRneResp (voir docs/directory.md).
Le fichier décrit l'état actuel des départements qu'il couvre : les directeurs actifs de ces
départements absents du fichier sont désactivés ; les autres départements ne changent pas.

  (sans option)  simulation : rien n'est écrit ; affiche ce qui serait ajouté, modifié ou
                 désactivé, et chaque ligne rejetée avec son numéro et sa raison.
  --apply        applique les lignes valides d'un coup : les lignes rejetées sont signalées
                 et ignorées.
  --details      liste tous les changements (sinon les 30 premiers).
  --help         affiche cette aide.

Variables d'environnement :
  AWS_ENDPOINT_URL_DYNAMODB  DynamoDB du bureau local
                             (défaut : http://127.0.0.1:<LSUN_DYNAMODB_PORT, 8000>)
  DESK_TABLE                 table du bureau (défaut : assistance-lsun-local)
  ACADEMIC_DOMAIN            domaine des adresses académiques (défaut : ac-dijon.fr)

Code de sortie :
  0  toutes les lignes sont valides (simulées, ou appliquées avec --apply) ;
  1  des lignes ont été rejetées (les autres ont été simulées, ou appliquées avec --apply) ;
  2  rien n'a été fait : option inconnue, fichier introuvable ou illisible, colonnes
     manquantes, bureau local injoignable, ou annuaire modifié par ailleurs pendant l'import ;
  3  l'écriture s'est interrompue : relancez la même commande, elle termine ce qui manque.
`;

const EXIT_OK = 0;
const EXIT_REJECTED_LINES = 1;
const EXIT_NOTHING_DONE = 2;
const EXIT_FAILED_HALFWAY = 3;
const SHOWN_CHANGES = 30;

/** Raised for a problem the person running the command can fix; its message is shown as is. */
class ImportCommandError extends Error {
  override name = 'ImportCommandError';
}

type Arguments = { file: string; apply: boolean; details: boolean };

function readArguments(): Arguments | undefined {
  let parsed: ReturnType<
    typeof parseArgs<{ options: Record<string, { type: 'boolean' }>; allowPositionals: true }>
  >;
  try {
    parsed = parseArgs({
      options: { apply: { type: 'boolean' }, details: { type: 'boolean' }, help: { type: 'boolean' } },
      allowPositionals: true,
    });
  } catch (error) {
    throw new ImportCommandError(`${(error as Error).message}\n\n${USAGE}`, { cause: error });
  }
  if (parsed.values.help) return undefined;
  const [file, ...extra] = parsed.positionals;
  if (file === undefined || extra.length > 0) {
    throw new ImportCommandError(`Indiquez un seul fichier à importer.\n\n${USAGE}`);
  }
  return { file, apply: parsed.values.apply === true, details: parsed.values.details === true };
}

function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count > 1 ? pluralForm : singular}`;
}

function describeCounts(
  counts: ImportCounts & { deactivated?: number },
  applied: boolean,
  feminine: boolean,
) {
  const e = feminine ? 'e' : '';
  const parts = applied
    ? [plural(counts.added, `ajouté${e}`), plural(counts.changed, `modifié${e}`)]
    : [`${counts.added} à ajouter`, `${counts.changed} à modifier`];
  if (counts.deactivated !== undefined) {
    parts.push(applied ? plural(counts.deactivated, `désactivé${e}`) : `${counts.deactivated} à désactiver`);
  }
  parts.push(plural(counts.unchanged, `inchangé${e}`));
  return parts.join(', ');
}

const FIELD_NAMES: Readonly<Record<string, string>> = {
  civility: 'civilité',
  lastName: 'nom',
  firstName: 'prénom',
  emails: 'adresses',
  assignments: 'écoles',
  active: 'actif',
};

const ACTION_NAMES: Readonly<Record<DirectorChange['action'], string>> = {
  added: '+ ajout        ',
  changed: '~ modification ',
  reactivated: '~ réactivation ',
  deactivated: '- désactivation',
};

function describeChange(change: DirectorChange): string {
  const fields =
    change.fields.length > 0 ? ` (${change.fields.map((f) => FIELD_NAMES[f] ?? f).join(', ')})` : '';
  const lines =
    change.lines.length > 0
      ? `, ${change.lines.length > 1 ? 'lignes' : 'ligne'} ${change.lines.join(', ')}`
      : '';
  return `  ${ACTION_NAMES[change.action]} ${change.name} <${change.email}>${fields}${lines}`;
}

function printReport(file: string, report: DirectoryFileReport, details: boolean, seconds: number): void {
  const encoding = report.encoding === 'utf-8' ? 'UTF-8' : 'Windows-1252';
  const read =
    report.format === 'csv'
      ? `CSV, ${encoding}, séparateur ${report.separator === '\t' ? 'tabulation' : `« ${report.separator} »`}, ${plural(report.recordsRead, 'ligne lue', 'lignes lues')}`
      : `LDIF, ${encoding}, ${plural(report.recordsRead, 'entrée lue', 'entrées lues')} dont ${plural(report.ignored, 'ignorée (pas FrEduFonctAdm: DIR)', 'ignorées (pas FrEduFonctAdm: DIR)')}`;
  console.log(`Fichier : ${file} (${read})`);
  console.log(
    report.applied
      ? `Import appliqué en ${seconds.toFixed(1).replace('.', ',')} s (version ${report.generation} de l'annuaire).`
      : `Simulation en ${seconds.toFixed(1).replace('.', ',')} s : rien n'a été écrit. Relancez avec --apply pour appliquer.`,
  );
  console.log(
    `Départements couverts : ${report.coveredDepartements.length > 0 ? report.coveredDepartements.join(', ') : 'aucun'}`,
  );
  console.log(`Directeurs : ${describeCounts(report, report.applied, false)}`);
  console.log(`Écoles décrites : ${describeCounts(report.schools, report.applied, true)}`);
  if (report.changes.length > 0) {
    const shown = details ? report.changes : report.changes.slice(0, SHOWN_CHANGES);
    console.log('Changements :');
    for (const change of shown) console.log(describeChange(change));
    if (shown.length < report.changes.length) {
      console.log(`  … et ${report.changes.length - shown.length} autres (--details pour tout voir)`);
    }
  }
  if (report.rejected.length === 0) {
    console.log('Aucune ligne rejetée.');
    return;
  }
  console.log(`${plural(report.rejected.length, 'ligne rejetée', 'lignes rejetées')} :`);
  for (const { line, reason } of report.rejected) console.log(`  ligne ${line} : ${reason}`);
}

/**
 * Progress on standard error: a line rewritten in place on a terminal, a line per quarter
 * otherwise (a log file should not fill with thousands of updates).
 */
function progressPrinter(): (progress: ImportProgress) => void {
  const terminal = process.stderr.isTTY;
  let lastQuarter = -1;
  return ({ done, total }) => {
    if (total === 0) return;
    const text = `Écriture des entrées de contact et du journal : ${done}/${total}`;
    if (terminal) {
      process.stderr.write(`\r${text}${done === total ? '\n' : ''}`);
      return;
    }
    const quarter = Math.floor((4 * done) / total);
    if (quarter !== lastQuarter) {
      lastQuarter = quarter;
      process.stderr.write(`${text}\n`);
    }
  };
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

  const table = localTable();
  const { dynamodb, tableName } = table;
  const academicDomain = process.env.ACADEMIC_DOMAIN || 'ac-dijon.fr';
  try {
    await checkLocalTable(table, ({ message, cause }) => new ImportCommandError(message, { cause }));
    const store = makeDirectoryStore({ client: documentClient(dynamodb), tableName, academicDomain });
    const started = performance.now();
    const report = await importDirectoryFile(bytes, store, {
      apply: args.apply,
      now: new Date(),
      actor: `cli:${userInfo().username}`,
      academicDomain,
      fileName: args.file,
      onProgress: progressPrinter(),
    });
    printReport(args.file, report, args.details, (performance.now() - started) / 1000);
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
    if (
      error instanceof ImportCommandError ||
      error instanceof DirectoryFileError ||
      error instanceof DirectoryConflictError
    ) {
      console.error(error.message);
      process.exitCode = EXIT_NOTHING_DONE;
      return;
    }
    console.error(
      "L'import s'est interrompu. Si l'annuaire n'avait pas encore basculé sur sa nouvelle version, rien n'a changé ; " +
        'sinon la nouvelle version est en place et seules des entrées de contact restent à écrire. Dans les deux cas, relancez la même commande.',
      error,
    );
    process.exitCode = EXIT_FAILED_HALFWAY;
  },
);
