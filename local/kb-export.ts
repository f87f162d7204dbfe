/**
 * `npm run kb:export -- DIR`: writes the public knowledge base of the running local desk
 * (`npm start`) to a folder: the same files as the `kb-export` function writes to S3 (the
 * article pages, `index.html`, `feed.json`, `atom.xml`, `search.js`, `search-index.json`), from
 * the published public articles, through the same export step. For PANDA, or to look at the
 * files. The usage text below is the reference for the options and the exit codes.
 */
import { parseArgs } from 'node:util';
import { makeArticleStore } from '#shared/adapters/article-store.ts';
import { documentClient } from '#shared/adapters/aws-clients.ts';
import { exportKnowledgeBase } from '#shared/steps/kb/export.ts';
import { makeFolderKbSite } from './kb-folder-site.ts';
import { checkLocalTable, localTable } from './local-table.ts';
import { localPorts } from './ports.ts';

const USAGE = `Usage : npm run kb:export -- DOSSIER

Écrit dans DOSSIER la base de connaissances publique du bureau local lancé par « npm start » :
les pages des articles publiés publics (articles/<id>.html), index.html, feed.json (JSON Feed 1.1),
atom.xml (Atom), search.js et search-index.json : les mêmes fichiers que sous /kb/.
Le dossier est créé s'il manque ; les pages d'articles qui ne sont plus publics en sont retirées.

  --help         affiche cette aide.

Variables d'environnement :
  AWS_ENDPOINT_URL_DYNAMODB  DynamoDB du bureau local
                             (défaut : http://127.0.0.1:<LSUN_DYNAMODB_PORT, 8000>)
  DESK_TABLE                 table du bureau (défaut : assistance-lsun-local)
  PUBLIC_BASE_URL            adresse publique nommée dans les liens et les flux
                             (défaut : http://127.0.0.1:<LSUN_HTTP_PORT, 3000>)
  DESK_DISPLAY_NAME          nom du bureau dans les flux (défaut : Assistance LSUN – Académie de Dijon)

Code de sortie :
  0  les fichiers sont écrits ;
  2  rien n'a été fait : option inconnue, pas de dossier, bureau local injoignable ou sans table ;
  3  l'écriture s'est interrompue ou un article a changé pendant l'export : relancez la commande.
`;

const EXIT_OK = 0;
const EXIT_NOTHING_DONE = 2;
const EXIT_FAILED_HALFWAY = 3;

/** Raised for a problem the person running the command can fix; its message is shown as is. */
class ExportCommandError extends Error {
  override name = 'ExportCommandError';
}

function readArguments(): { folder: string } | undefined {
  let parsed: ReturnType<
    typeof parseArgs<{ options: Record<string, { type: 'boolean' }>; allowPositionals: true }>
  >;
  try {
    parsed = parseArgs({ options: { help: { type: 'boolean' } }, allowPositionals: true });
  } catch (error) {
    throw new ExportCommandError(`${(error as Error).message}\n\n${USAGE}`, { cause: error });
  }
  if (parsed.values.help) return undefined;
  const [folder, ...extra] = parsed.positionals;
  if (folder === undefined || extra.length > 0) {
    throw new ExportCommandError(`Indiquez un seul dossier où écrire les fichiers.\n\n${USAGE}`);
  }
  return { folder };
}

async function main(): Promise<number> {
  const args = readArguments();
  if (!args) {
    console.log(USAGE);
    return EXIT_OK;
  }
  const table = localTable();
  const { dynamodb, tableName } = table;
  const publicBaseUrl = (process.env.PUBLIC_BASE_URL || `http://127.0.0.1:${localPorts().http}`).replace(
    /\/+$/,
    '',
  );
  const deskDisplayName = process.env.DESK_DISPLAY_NAME || 'Assistance LSUN – Académie de Dijon';
  try {
    await checkLocalTable(
      table,
      ({ absent, message, cause }) =>
        new ExportCommandError(
          absent
            ? `Les données du bureau local sont absentes. ${message} (npm start crée la table et charge les articles de démonstration.)`
            : message,
          { cause },
        ),
    );
    const outcome = await exportKnowledgeBase([], {
      store: makeArticleStore({ client: documentClient(dynamodb), tableName }),
      site: makeFolderKbSite({ folder: args.folder }),
      publicBaseUrl,
      deskDisplayName,
      deskAddress: (process.env.DESK_ADDRESSES || 'assistance1d@ac-dijon.fr').split(',')[0]?.trim() ?? '',
      subjectKeyword: process.env.SUBJECT_KEYWORD || 'LSUN',
      now: () => new Date(),
    });
    const articles = outcome.publicArticles > 1 ? 'articles publics' : 'article public';
    console.log(
      `Base de connaissances écrite dans ${args.folder} : ${outcome.publicArticles} ${articles}, ${outcome.written} fichiers écrits, ${outcome.removed} retirés.`,
    );
    if (outcome.publicArticles === 0) {
      console.log('Aucun article publié public : les flux et l’index sont vides.');
    }
    return EXIT_OK;
  } finally {
    dynamodb.destroy();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof ExportCommandError) {
      console.error(error.message);
      process.exitCode = EXIT_NOTHING_DONE;
      return;
    }
    console.error(
      "L'export s'est interrompu ; relancez la même commande, elle réécrit tous les fichiers.",
      error,
    );
    process.exitCode = EXIT_FAILED_HALFWAY;
  },
);
