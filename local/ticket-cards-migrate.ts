/**
 * `npm run tickets:cards`: the one-off migration that gives every ticket of the local desk's
 * table its card (`migrateTicketCards`), for a table kept in .data/ from before cards existed.
 * Until it has run, the ticket list filters the circonscription and free text on the tickets
 * themselves, as before: nothing is missed, it is only slower. Run it again after an interruption.
 */
import { documentClient } from '#shared/adapters/aws-clients.ts';
import { migrateTicketCards } from '#shared/adapters/ticket-card-migration.ts';
import { checkLocalTable, localTable } from './local-table.ts';

const USAGE = `Usage : npm run tickets:cards

Écrit la fiche de recherche (circonscriptions et texte normalisés) de chaque ticket du bureau local
qui n'en a pas, puis marque la table : la liste des tickets filtre alors par circonscription et par
texte libre sur ces fiches. Sans danger à relancer.

Variables d'environnement : AWS_ENDPOINT_URL_DYNAMODB, DESK_TABLE (comme npm run kb:export).

Code de sortie : 0 fait ; 2 bureau local injoignable ou sans table ; 3 interrompu : relancez.
`;

/** Raised when the local desk is not there; its message is shown as is. */
class MigrateCommandError extends Error {
  override name = 'MigrateCommandError';
}

async function main(): Promise<number> {
  if (process.argv.slice(2).length > 0) {
    console.log(USAGE);
    return process.argv.includes('--help') ? 0 : 2;
  }
  const table = localTable();
  try {
    await checkLocalTable(table, ({ message, cause }) => new MigrateCommandError(message, { cause }));
    const done = await migrateTicketCards({
      client: documentClient(table.dynamodb),
      tableName: table.tableName,
    });
    console.log(
      `Fiches des tickets : ${done.tickets} tickets lus, ${done.written} fiches écrites, ${done.present} déjà là ; table marquée.`,
    );
    return 0;
  } finally {
    table.dynamodb.destroy();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof MigrateCommandError) {
      console.error(error.message);
      process.exitCode = 2;
      return;
    }
    console.error('La migration s’est interrompue ; relancez la même commande.', error);
    process.exitCode = 3;
  },
);
