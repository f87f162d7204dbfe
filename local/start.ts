/**
 * `npm start`: the whole desk on this machine. Ports can be changed with LSUN_SMTP_PORT,
 * LSUN_HTTP_PORT, LSUN_SES_PORT, LSUN_DYNAMODB_PORT and LSUN_FAUXQS_PORT (`local/ports.ts`); data is
 * kept under `.data/` (the table, the queues, the raw mails and the mails sent: a crash loses nothing
 * answered, docs/ARCHITECTURE.md). Ctrl-C stops it cleanly. `npm start` runs it compiled
 * (`local/build-start.ts`), on plain Node; the desk itself runs in a child (`desk-process.ts`).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONSOLE_DIST, ensureConsoleBuilt } from './console-build.ts';
import { startDeskProcess } from './desk-process.ts';
import { JavaMissingError } from './java-missing.ts';
import { type LocalPorts, LocalPortsError, localPorts } from './ports.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

async function main() {
  // Lambda runs Node 22; the SDK's notice about Node 20 is noise for people trying the desk here.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  let ports: LocalPorts;
  try {
    ports = localPorts();
  } catch (error) {
    console.error(error instanceof LocalPortsError ? error.message : error);
    process.exit(2);
  }
  console.log('Démarrage du bureau d’assistance LSUN local…');
  if (ensureConsoleBuilt()) console.log('Console construite dans dist/console.');
  // The desk in a process of its own, on plain Node from a bundle (local/desk-process.ts).
  const desk = await startDeskProcess({
    ports: {
      smtp: ports.smtp,
      http: ports.http,
      ses: ports.ses,
      dynamodb: ports.dynamodb,
      sqs: ports.fauxqs,
    },
    dataDir: path.join(root, '.data'),
    seedDirectory: path.join(root, 'data', 'annuaire-demo.csv'),
    seedArticles: path.join(root, 'data', 'kb-demo.json'),
    consoleDir: CONSOLE_DIST,
    env: { POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN' },
  });
  console.log(`
Assistance LSUN tourne en local :
  Console du personnel                  ${desk.httpUrl}/   (comptes de démonstration à la connexion)
  SMTP (réception, à la place de SES)   smtp://127.0.0.1:${desk.smtpPort}   pour assistance1d@ac-dijon.fr et assistance.1erdegre@ac-dijon.fr
  Base de connaissances (public)        ${desk.httpUrl}/kb/   (flux : /kb/feed.json, /kb/atom.xml ; copie : npm run kb:export -- DOSSIER)
  API du personnel                      ${desk.httpUrl}/api   (jeton : npm run token -- --email agent@ac-dijon.fr --group admin)
  Demandes du portail                   ${desk.httpUrl}/api/portal/requests   (jeton : npm run token -- --client portail)
  Mesures (comme CloudWatch)            ${desk.httpUrl}/api/metrics   (jeton du personnel)
  Courriels envoyés (SES local)         ${desk.endpoints.ses}/   (JSON : ${desk.endpoints.ses}/store ; gardés dans .data/ses)
  DynamoDB Local                        ${desk.endpoints.dynamodb}   (données dans .data/ ; écoute sur toutes les interfaces, sans option pour l'en empêcher)
  SQS et S3 (fauxqs)                    ${desk.endpoints.sqs}   (files et objets dans .data/fauxqs : un arrêt brutal ne perd rien)

Essayer : npx tsx local/send-mail.ts --from camille.martin@ac-dijon.fr --subject "LSUN bulletins" --text "Bonjour…"
Ctrl-C pour arrêter.`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nArrêt : fin des courriels en cours, puis arrêt des services…');
    await desk.stop();
    console.log('Arrêté.');
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error) => {
  if (error instanceof JavaMissingError) {
    console.error(error.message);
  } else {
    console.error('Le bureau local n’a pas pu démarrer :', error instanceof Error ? error.message : error);
  }
  process.exit(1);
});
