/**
 * « Réponses types » in a real browser (Debian's Chromium), against the whole desk: an admin
 * writes a shared template with variables; an agent sees it without « Modifier », keeps a
 * personal one and deletes it after the confirmation dialog; on a ticket opened by a director's
 * mail, « Insérer une réponse type » fills the reply box with the variables resolved, and the
 * reply sent reaches the director with the resolved text (the SES stand-in's outbox). axe finds
 * nothing on the page, the form, and both dialogs. Screenshots land in `test-results/console/`.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendTestMail } from '#local/send-mail.ts';
import type { IntakeEntry } from '#shared/domain/records.ts';
import { sentMails } from '../support/outbox.ts';
import { expectPageClean, go, heading, type PageWatch, signIn } from './support/browser.ts';
import { type BrowserDesk, type ConsoleSession, openConsoleSession } from './support/desk.ts';
import { api, eventually } from './support/waiting.ts';

let desk: BrowserDesk;
let page: Page;
let watch: PageWatch;
let agentToken: string;

const SHARED_NAME = 'Bulletins : période à clore';
const SHARED_TEXT =
  'Bonjour {{civilite}} {{nom}},\n\npour {{ecole}} ({{uai}}), fermez la période dans « Paramétrage ».\n\n{{agent}}, pour le ticket {{ticket}}';

let session: ConsoleSession;

beforeAll(async () => {
  session = await openConsoleSession();
  ({ desk, page, watch, agentToken } = session);
});

afterAll(async () => {
  await session?.close();
});

/** No WCAG 2.1 AA violation, no CSP violation, no script error on the page as it stands. */
const expectCleanPage = (name: string) => expectPageClean(page, watch, name);

async function signOut(): Promise<void> {
  await page.getByRole('button', { name: 'Se déconnecter' }).first().click();
  await heading(page, 'Connexion');
}

/** The row of a template in the list. */
const rowOf = (name: string) => page.getByRole('row', { name: new RegExp(name.replace(/[()]/g, '\\$&')) });

describe('managing templates', () => {
  it('lets an admin write a shared template with variables, refusing an unknown one by its name', async () => {
    // Prepare
    await signIn(page, desk.url, 'admin@ac-dijon.fr', '/reponses-types');
    await heading(page, 'Réponses types');
    await expectCleanPage('70-reponses-types-vide');
    await page.getByRole('link', { name: 'Nouvelle réponse type' }).click();
    await heading(page, 'Nouvelle réponse type');

    // Act: first with a typo in a variable, then corrected.
    await page.getByRole('textbox', { name: /^Nom/ }).fill(SHARED_NAME);
    await page.getByRole('textbox', { name: /^Texte/ }).fill('Bonjour {{directeur}}');
    await page.getByRole('radio', { name: /Partagée/ }).check({ force: true });
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await page
      .getByText(/Variable inconnue : \{\{directeur\}\}/)
      .first()
      .waitFor();
    await expectCleanPage('71-reponse-type-variable-inconnue');
    await page.getByRole('textbox', { name: /^Texte/ }).fill(SHARED_TEXT);
    await page.getByRole('button', { name: 'Enregistrer' }).click();

    // Assess
    await heading(page, 'Réponses types');
    await rowOf(SHARED_NAME).waitFor();
    expect(await rowOf(SHARED_NAME).textContent()).toContain('Partagée');
    await expectCleanPage('72-reponses-types-admin');
    await signOut();
  });

  it('shows an agent the shared template without « Modifier », and deletes their own after confirming', async () => {
    // Prepare
    await signIn(page, desk.url, 'agent@ac-dijon.fr', '/reponses-types');
    await rowOf(SHARED_NAME).waitFor();
    expect(
      await rowOf(SHARED_NAME)
        .getByRole('link', { name: /Modifier/ })
        .count(),
    ).toBe(0);
    await page.getByRole('link', { name: 'Nouvelle réponse type' }).click();
    await heading(page, 'Nouvelle réponse type');
    expect(await page.getByRole('radio', { name: /Partagée/ }).count()).toBe(0);
    await page.getByRole('textbox', { name: /^Nom/ }).fill('Brouillon à jeter');
    await page.getByRole('textbox', { name: /^Texte/ }).fill('Bonjour,');
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await rowOf('Brouillon à jeter').waitFor();

    // Act
    await page.getByRole('button', { name: 'Supprimer « Brouillon à jeter »' }).click();
    const dialog = page.getByRole('dialog', { name: 'Supprimer la réponse type ?' });
    await dialog.waitFor();
    await expectCleanPage('73-reponse-type-confirmer-suppression');
    await dialog.getByRole('button', { name: 'Confirmer la suppression' }).click();

    // Assess
    await page.getByText('Réponse type « Brouillon à jeter » supprimée.').waitFor();
    // The list is read again after the deletion: the row leaves once it is.
    await expect.poll(() => rowOf('Brouillon à jeter').count()).toBe(0);
    await rowOf(SHARED_NAME).waitFor();
  });
});

describe('a template inserted on a ticket and sent', () => {
  it('fills the reply box with the variables resolved, and the director receives that text', async () => {
    // Prepare: a director's mail opens a ticket.
    const sent = await sendTestMail({
      port: desk.desk.smtpPort,
      from: 'Camille Martin <camille.martin@ac-dijon.fr>',
      to: 'assistance1d@ac-dijon.fr',
      subject: 'LSUN : bulletin bloqué',
      text: 'Bonjour, le bulletin ne s’imprime pas.',
    });
    const entry = await eventually(async () => {
      const { body } = await api<{ items: IntakeEntry[] }>(desk.url, agentToken, '/api/intake?limit=100');
      return body.items.find((one) => one.sesMessageId === sent.sesMessageId && one.ticketNumber);
    }, 'the ticket');
    const ticket = entry.ticketNumber ?? '';
    await go(page, `/tickets/${ticket}`);
    await heading(page, `Ticket ${ticket}`);

    // Act
    await page.getByLabel('Votre réponse').fill('Merci pour votre message.');
    await page.getByRole('button', { name: 'Insérer une réponse type' }).click();
    const dialog = page.getByRole('dialog', { name: 'Insérer une réponse type' });
    await dialog.getByRole('radio', { name: new RegExp(SHARED_NAME) }).check({ force: true });
    await expectCleanPage('74-inserer-reponse-type');
    await dialog.getByRole('button', { name: 'Insérer dans la réponse' }).click();
    await dialog.waitFor({ state: 'hidden' });

    // Assess: the box holds what was written, then the template resolved.
    const expected = `Bonjour Madame Martin,\n\npour École élémentaire Les Tilleuls (0211234C), fermez la période dans « Paramétrage ».\n\nAgent, pour le ticket ${ticket}`;
    expect(await page.getByLabel('Votre réponse').inputValue()).toBe(
      `Merci pour votre message.\n\n${expected}`,
    );
    await expectCleanPage('75-reponse-type-inseree');
    await page.getByRole('button', { name: 'Envoyer la réponse' }).click();
    const mail = await eventually(
      async () =>
        (await sentMails(desk.desk.endpoints.ses, 'camille.martin@ac-dijon.fr')).find((one) =>
          (one.body.text ?? '').includes('fermez la période'),
        ),
      'the reply in the outbox',
    );
    expect(mail.subject).toContain(`[${ticket}]`);
    expect(mail.body.text?.replace(/\r\n/g, '\n')).toContain(expected);
  });
});
