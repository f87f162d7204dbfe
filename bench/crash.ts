/**
 * `npm run bench -- crash`: the crash campaign of issue 11 at scale. The desk of `npm start`
 * runs in a child process on a temporary data folder; mails go in over SMTP a few at a time;
 * the whole desk (Node and DynamoDB Local's Java) is killed with SIGKILL at random moments under
 * that load and started again on the same folder; after the last restart it drains and every
 * mail that got a 250 is audited (`local/durable-campaign.ts`). Prints: mails accepted, kills,
 * lost, duplicate tickets, duplicate acknowledgments, unknown sends.
 *
 *   npm run bench -- crash                          # 400 mails, 10 kills
 *   npm run bench -- crash --mails 100 --kills 3    # quicker
 *
 * Exits 0 whatever the figures (1 only when the campaign could not run), like every benchmark.
 */
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { killDynamoDbUnderTransactions, runCrashCampaign } from '#local/durable-campaign.ts';

const usage = `Campagne d'arrêts brutaux du bureau local (issue 11).

  npm run bench -- crash [options]

Options :
  --mails N        courriels à faire accepter (défaut 400)
  --kills K        arrêts brutaux (kill -9 de tout le bureau) sous charge (défaut 10)
  --in-flight F    courriels en cours d'envoi SMTP à la fois (défaut 4)
  --seed S         graine du plan des courriels et des instants d'arrêt (défaut : l'heure)
  --dynamodb-runs R  puis DynamoDB Local seul, tué R fois pendant des transactions (défaut 10 ; 0 : non)
`;

async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      mails: { type: 'string', default: '400' },
      kills: { type: 'string', default: '10' },
      'in-flight': { type: 'string', default: '4' },
      seed: { type: 'string' },
      'dynamodb-runs': { type: 'string', default: '10' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(usage);
    return;
  }
  const mails = Number(values.mails);
  const kills = Number(values.kills);
  const inFlight = Number(values['in-flight']);
  const seed = values.seed === undefined ? Date.now() % 100_000 : Number(values.seed);
  let commit = 'inconnu';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    // Not a checkout: the figures say so.
  }
  const started = Date.now();
  const report = await runCrashCampaign({
    mails,
    kills,
    inFlight,
    seed,
    log: (line) => console.log(`  ${new Date().toISOString().slice(11, 19)} ${line}`),
  });
  const minutes = ((Date.now() - started) / 60_000).toFixed(1);
  const rows: Array<[string, string | number]> = [
    ['courriels acceptés (250)', report.accepted],
    ['arrêts brutaux (kill -9)', report.kills],
    ['sessions SMTP coupées, renvoyées', report.resent],
    ['perdus', report.lost],
    ['tickets en double', report.duplicateTickets],
    ['accusés envoyés en double', report.duplicateAcks],
    ['envois inconnus', `${report.unknownSends}   (réclamés par le mailer, tués avant la réponse de SES)`],
    ['réponses restées en file', report.stuckSends],
    ['lettres mortes', report.deadLetters],
    [
      'issues',
      Object.entries(report.outcomes)
        .map(([outcome, count]) => `${outcome} ${count}`)
        .join(', '),
    ],
  ];
  console.log(`
Campagne d'arrêts brutaux — commit ${commit}, graine ${seed}, ${minutes} min
  commande : npm run bench -- crash --mails ${mails} --kills ${kills} --in-flight ${inFlight} --seed ${seed}
`);
  for (const [label, value] of rows) console.log(`  ${label.padEnd(34)}${value}`);

  const dynamodbRuns = Number(values['dynamodb-runs']);
  if (dynamodbRuns > 0) {
    const totals = { acknowledged: 0, acknowledgedLost: 0, partial: 0, runsLosing: 0 };
    for (let run = 0; run < dynamodbRuns; run++) {
      const result = await killDynamoDbUnderTransactions(20);
      totals.acknowledged += result.acknowledged;
      totals.acknowledgedLost += result.acknowledgedLost;
      totals.partial += result.partial;
      if (result.acknowledgedLost > 0) totals.runsLosing++;
    }
    console.log(`
DynamoDB Local seul (-dbPath), Java tué (SIGKILL) ${dynamodbRuns} fois pendant des transactions de 25 écritures (8 en cours)
  commande : npm run bench -- crash --dynamodb-runs ${dynamodbRuns}

  transactions acquittées           ${totals.acknowledged}
  acquittées puis perdues           ${totals.acknowledgedLost}   (dans ${totals.runsLosing} arrêt(s) sur ${dynamodbRuns})
  transactions trouvées en partie   ${totals.partial}`);
  }
}

main().catch((error: unknown) => {
  console.error('La campagne n’a pas pu tourner :', error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
