/**
 * `npm run bench -- faults`: the fault campaign of issue 11 (test/support/fault-campaign.ts), run
 * once with its figures printed: mails, faults injected by kind, mails lost, tickets opened
 * twice, acknowledgments sent twice, permanent failures a person can see, dead letters, wall
 * time. The CI test (test/e2e/fault-campaign.test.ts) runs the same campaign and asserts on it.
 * Like every benchmark it exits 0 whatever the figures (1 only when it could not run).
 *
 *   npm run bench -- faults                     # the CI test's campaign (a bit over 1,000 mails)
 *   npx tsx bench/faults.ts --seed 7 --scale 2  # another seed, twice the mails
 */
import { parseArgs } from 'node:util';
import type { CampaignOptions } from '#test/support/fault-campaign.ts';

// The handlers log each mail: thousands of lines that would bury the figures. Set before the
// campaign's modules load, since the logger reads its level once.
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
const { defaultCampaign, formatCampaign, runFaultCampaign } = await import('#test/support/fault-campaign.ts');

const usage = `Campagne de pannes (issue 11) : le desk local complet, un proxy de pannes devant chaque service.

  npm run bench -- faults [options]

Options :
  --seed N     graine des pannes et du corpus (défaut ${defaultCampaign.seed})
  --scale X    multiplie le nombre de courriels (défaut 1 : ${defaultCampaign.requests + defaultCampaign.followUps + defaultCampaign.noKeyword + defaultCampaign.notDirector} courriels)
  --json       imprime aussi le rapport complet en JSON
`;

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== 'faults'),
  options: {
    seed: { type: 'string' },
    scale: { type: 'string', default: '1' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  console.log(usage);
} else {
  const scale = Number(values.scale);
  const seed = values.seed === undefined ? defaultCampaign.seed : Number(values.seed);
  if (!(scale > 0) || !Number.isInteger(seed)) {
    console.error('--scale : nombre > 0 ; --seed : entier');
    process.exitCode = 1;
  } else {
    const scaled = (n: number) => Math.max(1, Math.round(n * scale));
    const options: CampaignOptions = {
      ...defaultCampaign,
      seed,
      requests: scaled(defaultCampaign.requests),
      followUps: scaled(defaultCampaign.followUps),
      noKeyword: scaled(defaultCampaign.noKeyword),
      notDirector: scaled(defaultCampaign.notDirector),
      onPhase: (phase) => console.log(`… ${new Date().toISOString().slice(11, 19)} ${phase}`),
    };
    try {
      const report = await runFaultCampaign(options);
      console.log(formatCampaign(report));
      if (values.json) console.log(JSON.stringify(report, null, 2));
    } catch (error) {
      console.error('La campagne n’a pas pu aller au bout :', error);
      process.exitCode = 1;
    }
    // A stand-in left behind by a failed start must not keep the benchmark alive.
    process.exit();
  }
}
