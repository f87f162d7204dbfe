/**
 * `npm start`: the whole desk on this machine. Ports can be changed with SMTP_PORT, HTTP_PORT,
 * SES_PORT, DYNAMODB_PORT and SQS_PORT; data is kept under `.data/`. Ctrl-C stops it cleanly.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { JavaMissingError } from './emulators.ts';
import { startDesk } from './stack.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const port = (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback);
const Ports = z.object({
  SMTP_PORT: port(2525),
  HTTP_PORT: port(3000),
  SES_PORT: port(8005),
  DYNAMODB_PORT: port(8000),
  SQS_PORT: port(9324),
});

async function main() {
  const parsed = Ports.safeParse(process.env);
  if (!parsed.success) {
    console.error(
      `Port invalide : ${parsed.error.issues.map((i) => `${i.path.join('.')} (${i.message})`).join(', ')}`,
    );
    process.exit(2);
  }
  const ports = parsed.data;
  console.log('Démarrage du bureau d’assistance LSUN local…');
  const desk = await startDesk({
    ports: {
      smtp: ports.SMTP_PORT,
      http: ports.HTTP_PORT,
      ses: ports.SES_PORT,
      dynamodb: ports.DYNAMODB_PORT,
      sqs: ports.SQS_PORT,
    },
    dataDir: path.join(root, '.data'),
    seedDirectory: path.join(root, 'data', 'annuaire-demo.csv'),
    consoleDir: path.join(root, 'dist', 'console'),
    env: { POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN' },
  });
  console.log(`
Assistance LSUN tourne en local :
  SMTP (réception, à la place de SES)   smtp://127.0.0.1:${desk.smtpPort}   pour assistance1d@ac-dijon.fr et assistance.1erdegre@ac-dijon.fr
  API du personnel                      ${desk.httpUrl}/api   (jeton : npm run token -- --email agent@ac-dijon.fr --group admin)
  Courriels envoyés (SES local)         ${desk.endpoints.ses}/   (JSON : ${desk.endpoints.ses}/store)
  DynamoDB Local                        ${desk.endpoints.dynamodb}   (données dans .data/ ; écoute sur toutes les interfaces, sans option pour l'en empêcher)
  SQS et S3 (fauxqs)                    ${desk.endpoints.sqs}

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
