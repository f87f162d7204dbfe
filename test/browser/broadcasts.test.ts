/**
 * « Diffusions » in a real browser (Debian's Chromium), against the whole desk: an admin writes
 * a broadcast to a circonscription and a school, previews its exact recipients, sends a test to
 * themselves, schedules it for the next minute (Paris time), and follows it to « Envoyée »;
 * every director's mail lands in the SES stand-in's store, once. axe finds nothing on each page.
 * Screenshots land in `test-results/console/`.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken } from '#local/jwt.ts';
import type { Broadcast } from '#shared/domain/broadcast.ts';
import { sentMails } from '../support/outbox.ts';
import {
  type Browser,
  expectPageClean,
  go,
  heading,
  launchBrowser,
  type PageWatch,
  signIn,
  watchPage,
} from './support/browser.ts';
import { type BrowserDesk, startBrowserDesk } from './support/desk.ts';
import { api, eventually } from './support/waiting.ts';

let desk: BrowserDesk;
let browser: Browser;
let page: Page;
let watch: PageWatch;
let adminToken: string;

/** The directors of circonscription Clamecy (demo directory) and of school 0211234C. */
const RECIPIENTS = [
  'camille.martin@ac-dijon.fr',
  'jean-pierre.bidault@ac-dijon.fr',
  'noemie.marchand@ac-dijon.fr',
  'stephanie.lacroix@ac-dijon.fr',
];
const SUBJECT = 'LSU indisponible lundi matin';

/** What the scenarios leave for the next: the broadcast's id. */
const seen: { id?: string } = {};

beforeAll(async () => {
  // The scheduler's tick every 2 s rather than every minute: the broadcast starts at its minute.
  desk = await startBrowserDesk({ schedulerTickMs: 2000 });
  browser = await launchBrowser();
  page = await browser.context.newPage();
  watch = watchPage(page);
  adminToken = await issueToken(
    { email: 'admin@ac-dijon.fr', groups: ['admin'] },
    { keyPath: desk.jwtKeyPath },
  );
  await signIn(page, desk.url, 'admin@ac-dijon.fr', '/diffusions');
});

afterAll(async () => {
  await browser?.close();
  await desk?.stop();
});

/** No WCAG 2.1 AA violation, no CSP violation, no script error on the page as it stands. */
const expectCleanPage = (name: string) => expectPageClean(page, watch, name);

async function broadcastOf(id: string): Promise<Broadcast> {
  return (await api<Broadcast>(desk.url, adminToken, `/api/broadcasts/${id}`)).body;
}

/** The Paris day and wall time `minutes` from now, as the date and time fields take them. */
function parisInMinutes(minutes: number): { day: string; time: string } {
  const at = new Date(Date.now() + minutes * 60_000);
  return {
    day: new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(at),
    time: new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/Paris',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).format(at),
  };
}

describe('a broadcast, from the draft to « Envoyée »', () => {
  it('lists the broadcasts and offers « Nouvelle diffusion » to an admin', async () => {
    // Act
    await heading(page, 'Diffusions');

    // Assess
    await page.getByRole('link', { name: 'Nouvelle diffusion' }).waitFor();
    expect(await page.getByRole('link', { name: 'Diffusions', exact: true }).count()).toBeGreaterThan(0);
    await expectCleanPage('20-diffusions');
  });

  it('composes a draft to a circonscription and a school found by name, and shows its exact recipients', async () => {
    // Prepare
    await page.getByRole('link', { name: 'Nouvelle diffusion' }).click();
    await heading(page, 'Nouvelle diffusion');
    await page.getByRole('checkbox', { name: /^Clamecy/ }).waitFor();
    await expectCleanPage('21-diffusion-nouvelle');

    // Act
    await page.getByLabel('Objet').fill(SUBJECT);
    await page
      .getByLabel('Texte', { exact: false })
      .first()
      .fill(
        'LSU est indisponible lundi matin.\n\nInutile de nous écrire : nous vous préviendrons du retour.',
      );
    await page.getByRole('checkbox', { name: /^Clamecy/ }).check({ force: true });
    await page.getByRole('searchbox', { name: 'Rechercher une école' }).fill('tilleuls');
    await page.getByRole('checkbox', { name: /Les Tilleuls \(0211234C\)/ }).check({ force: true });
    await page.getByRole('button', { name: 'Enregistrer le brouillon' }).click();

    // Assess
    await heading(page, `Diffusion « ${SUBJECT} »`);
    seen.id = decodeURIComponent(new URL(page.url()).pathname.split('/').pop() ?? '');
    // The zones' names come with the zone list, which may arrive after the broadcast itself.
    await page.locator('.lsun-dl').getByText('Circonscription Clamecy', { exact: false }).waitFor();
    const summary = (await page.locator('.lsun-dl').textContent()) ?? '';
    expect(summary).toContain('Brouillon');
    expect(summary).toContain(`${RECIPIENTS.length} directeurs`);
    expect(summary).toContain('Circonscription Clamecy');
    const table = page.getByRole('table', { name: /Destinataires de la diffusion/ });
    await table.waitFor();
    for (const email of RECIPIENTS) await table.getByRole('cell', { name: email }).waitFor();
    expect((await page.locator('.lsun-preview').textContent()) ?? '').toContain('LSU est indisponible');
    await expectCleanPage('22-diffusion-brouillon');
  });

  it('sends a test copy to the admin only', async () => {
    // Act
    await page.getByRole('button', { name: 'Envoyer un test' }).click();

    // Assess
    await page.getByText('Un exemplaire de test a été envoyé à admin@ac-dijon.fr').waitFor();
    const copies = await eventually(async () => {
      const mails = await sentMails(desk.desk.endpoints.ses, 'admin@ac-dijon.fr');
      const found = mails.filter((mail) => mail.subject.includes(SUBJECT));
      return found.length > 0 ? found : undefined;
    }, 'the test copy in the outbox');
    expect(copies).toHaveLength(1);
    for (const email of RECIPIENTS) expect(await sentMails(desk.desk.endpoints.ses, email)).toEqual([]);
  });

  it('schedules it for the next minute, in Paris time', async () => {
    // Prepare: the fields hold minutes, so the time chosen is at most a minute ahead.
    const { day, time } = parisInMinutes(1);

    // Act
    await page.getByRole('radio', { name: 'À une date et une heure' }).check({ force: true });
    await page.getByLabel('Date', { exact: true }).fill(day);
    await page.getByLabel('Heure', { exact: true }).fill(time);
    await page.getByRole('button', { name: 'Programmer' }).click();

    // Assess
    await page.getByText(/Diffusion programmée pour le/).waitFor();
    const broadcast = await broadcastOf(seen.id ?? '');
    expect(broadcast.status).toBe('scheduled');
    expect(broadcast.scheduledAt).toBeDefined();
    const parisWall = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/Paris',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).format(new Date(broadcast.scheduledAt ?? ''));
    expect(parisWall).toBe(time);
    // The page shows the broadcast it reads again after the action: wait for it, not for the notice.
    await page.locator('.lsun-dl').getByText('Programmée', { exact: true }).waitFor();
    await expectCleanPage('23-diffusion-programmee');
  });

  it('starts at its time by itself and follows the progress to « Envoyée », one mail per director', async () => {
    // Act: the page refreshes itself while scheduled, then while sending.
    await page.getByRole('heading', { name: 'Progression de l’envoi' }).waitFor({ timeout: 120_000 });
    await page.locator('progress.lsun-progress').waitFor();
    await page.locator('.lsun-dl').getByText('Envoyée', { exact: true }).waitFor({ timeout: 60_000 });

    // Assess
    const progress = (await page.locator('#progression-texte').textContent()) ?? '';
    expect(progress).toContain(`${RECIPIENTS.length} destinataires traités sur ${RECIPIENTS.length}`);
    for (const email of RECIPIENTS) {
      const mails = await eventually(async () => {
        const found = (await sentMails(desk.desk.endpoints.ses, email)).filter((mail) =>
          mail.subject.includes(SUBJECT),
        );
        return found.length > 0 ? found : undefined;
      }, `the broadcast's mail to ${email}`);
      expect(mails).toHaveLength(1);
    }
    const history =
      (await page.getByRole('table', { name: /Historique de la diffusion/ }).textContent()) ?? '';
    expect(history).toContain('Envoi programmé');
    expect(history).toContain('Envoi commencé');
    await expectCleanPage('24-diffusion-envoyee');
  }, 240_000);

  it('filters the recipients by status', async () => {
    // Act
    await page.getByLabel('Statut', { exact: true }).selectOption('sent');
    await page.getByRole('button', { name: 'Filtrer' }).click();

    // Assess
    await page.waitForURL(/status=sent/);
    const table = page.getByRole('table', { name: /Destinataires de la diffusion/ });
    await table.getByRole('cell', { name: RECIPIENTS[0] }).waitFor();
    expect(await table.getByRole('row').count()).toBe(RECIPIENTS.length + 1);
    await expectCleanPage('25-diffusion-destinataires-envoyes');
  });

  it('shows the broadcast in the list with its status and counts', async () => {
    // Act
    await go(page, '/diffusions');
    await heading(page, 'Diffusions');

    // Assess
    const row = page.getByRole('row', { name: new RegExp(SUBJECT) });
    await row.waitFor();
    const text = (await row.textContent()) ?? '';
    expect(text).toContain('Envoyée');
    expect(text).toContain(`${RECIPIENTS.length} envoyés sur ${RECIPIENTS.length}`);
    await expectCleanPage('20-diffusions');
  });
});
