/**
 * The desk of `npm start` on a data folder of one's choosing, for the crash campaign
 * (`local/durable-campaign.ts`): `LSUN_DATA_DIR` names the folder, the `LSUN_*_PORT` variables
 * the ports (`local/ports.ts`). It loads the demo directory on first start, builds no console,
 * and writes one line `READY <endpoints as JSON>` on its standard output once it takes mail.
 * SIGTERM stops it cleanly; the campaign mostly kills it. With `LSUN_DESK_TIED_TO_PARENT=1` it
 * also exits when its standard input closes (the campaign that started it is gone).
 *
 *   LSUN_DATA_DIR=/tmp/desk LSUN_SMTP_PORT=2626 node --import tsx local/durable-desk.ts
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { localPorts } from './ports.ts';
import { startDesk } from './stack.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The line the campaign waits for, followed by the desk's endpoints as JSON. */
export const READY_LINE = 'READY';

async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const dataDir = process.env.LSUN_DATA_DIR;
  if (!dataDir) throw new Error('LSUN_DATA_DIR manquant : le dossier des données du bureau.');
  const ports = localPorts();
  const desk = await startDesk({
    ports: {
      smtp: ports.smtp,
      http: ports.http,
      ses: ports.ses,
      dynamodb: ports.dynamodb,
      sqs: ports.fauxqs,
    },
    dataDir,
    seedDirectory: path.join(root, 'data', 'annuaire-demo.csv'),
    jwtKeyPath: path.join(dataDir, 'local-jwt-key.json'),
    env: { POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'ERROR' },
    pollersPerStage: 2,
  });
  process.stdout.write(
    `${READY_LINE} ${JSON.stringify({ ...desk.endpoints, smtpPort: desk.smtpPort, httpUrl: desk.httpUrl, resources: desk.resources })}\n`,
  );
  // Started by the campaign: dies with it (its standard input closes however it ends), so no
  // desk outlives a test run that was itself killed. DynamoDB Local follows (local/emulators.ts).
  if (process.env.LSUN_DESK_TIED_TO_PARENT === '1') {
    process.stdin.on('end', () => process.exit(1));
    process.stdin.resume();
  }
  let stopping = false;
  process.on('SIGTERM', () => {
    if (stopping) return;
    stopping = true;
    desk.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}

// Imported by the campaign for READY_LINE only; run, it starts the desk.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    process.stderr.write(
      `Le bureau n’a pas pu démarrer : ${error instanceof Error ? error.stack : String(error)}\n`,
    );
    process.exit(1);
  });
}
