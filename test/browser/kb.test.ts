/**
 * « Base de connaissances » in a real browser (Debian's Chromium), against the whole desk: a
 * director's mail opens a ticket, an agent answers it and marks it resolved, « Créer un article »
 * turns it into a draft without the personal data (the redactions listed, the placeholders
 * highlighted, the name after « élève » flagged), the agent edits it and submits it for review,
 * an admin publishes it, and the public pages `/kb/articles/<id>.html` and `/kb/` show it. Then
 * a second director asking the same question sees it suggested on the ticket page, and one click
 * inserts its solution and its public link into the reply; archived, it leaves the public pages.
 * axe finds nothing on each console page nor on the two public pages. Screenshots land in
 * `test-results/console/`.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken } from '#local/jwt.ts';
import { sendTestMail } from '#local/send-mail.ts';
import type { ArticleDetail, TicketSuggestions } from '#shared/api/kb-contract.ts';
import type { IntakeEntry } from '#shared/domain/records.ts';
import {
  accessibilityViolations,
  type Browser,
  expectPageClean,
  go,
  heading,
  type PageWatch,
  screenshot,
  signIn,
} from './support/browser.ts';
import { type BrowserDesk, type ConsoleSession, openConsoleSession } from './support/desk.ts';
import { api, eventually } from './support/waiting.ts';

let desk: BrowserDesk;
let browser: Browser;
let page: Page;
let watch: PageWatch;
let agentToken: string;

const QUESTION = {
  from: 'Camille Martin <camille.martin@ac-dijon.fr>',
  subject: 'LSUN : le bulletin périodique de CM2 ne s’imprime pas',
  text: [
    'Bonjour,',
    'à l’école élémentaire Les Tilleuls (0211234C), le bulletin périodique de l’élève Nolan ne s’imprime pas :',
    'le bouton « Imprimer » reste grisé depuis ce matin.',
    'Vous pouvez me joindre au 03 80 12 34 56 ou à camille.martin@ac-dijon.fr.',
    'Cordialement,',
    'Camille Martin',
  ].join('\n'),
};
const REPLY =
  'Bonjour Madame Martin, le bouton « Imprimer » reste grisé tant que la période n’est pas close : fermez la période dans « Paramétrage », puis imprimez le bulletin de Nolan. Pour toute question : camille.martin@ac-dijon.fr.';
const TITLE = 'Le bouton « Imprimer » du bulletin périodique reste grisé';

/** What the scenarios leave for the next. */
const seen: { ticket?: string; articleId?: string; publicUrl?: string } = {};

let session: ConsoleSession;

beforeAll(async () => {
  session = await openConsoleSession();
  ({ desk, browser, page, watch, agentToken } = session);
});

afterAll(async () => {
  await session?.close();
});

/** No WCAG 2.1 AA violation, no CSP violation, no script error on the page as it stands. */
const expectCleanPage = (name: string, on: Page = page) => expectPageClean(on, watch, name);

/** The ticket a director's mail opened, once the desk has opened it. */
async function ticketOf(sesMessageId: string): Promise<string> {
  const entry = await eventually(async () => {
    const { body } = await api<{ items: IntakeEntry[] }>(desk.url, agentToken, '/api/intake?limit=100');
    return body.items.find((one) => one.sesMessageId === sesMessageId && one.ticketNumber);
  }, `the ticket of ${sesMessageId}`);
  return entry.ticketNumber ?? '';
}

async function signOut(): Promise<void> {
  await page.getByRole('button', { name: 'Se déconnecter' }).first().click();
  await heading(page, 'Connexion');
}

/** The article's detail as the API answers it. */
async function articleOf(id: string): Promise<ArticleDetail> {
  return (await api<ArticleDetail>(desk.url, agentToken, `/api/articles/${id}`)).body;
}

describe('an article made from a solved ticket, from the draft to the public pages', () => {
  beforeAll(async () => {
    const sent = await sendTestMail({
      port: desk.desk.smtpPort,
      to: 'assistance1d@ac-dijon.fr',
      ...QUESTION,
    });
    seen.ticket = await ticketOf(sent.sesMessageId);
    await signIn(page, desk.url, 'agent@ac-dijon.fr', `/tickets/${seen.ticket}`);
  });

  it('shows « Articles suggérés » on the ticket, and « Créer un article » once the assistance has answered', async () => {
    // Prepare
    const ticket = seen.ticket ?? '';
    await heading(page, `Ticket ${ticket}`);
    await page.getByRole('heading', { name: 'Articles suggérés' }).waitFor();
    expect(await page.getByRole('button', { name: 'Créer un article' }).count()).toBe(0);

    // Act: the answer, and the ticket resolved with it.
    await page.getByLabel('Votre réponse').fill(REPLY);
    await page.getByLabel('Statut après la réponse').selectOption('resolu');
    await page.getByRole('button', { name: 'Envoyer la réponse' }).click();

    // Assess
    await page.getByText(/Réponse (envoyée|mise en file d’envoi) ; le ticket est « Résolu »/).waitFor();
    await page.getByRole('button', { name: 'Créer un article' }).waitFor();
    await expectCleanPage('40-kb-ticket-resolu');
  });

  it('makes a draft without the personal data: what was removed, the placeholders highlighted, the name to check', async () => {
    // Act
    await page.getByRole('button', { name: 'Créer un article' }).click();

    // Assess
    await heading(page, 'Relire le brouillon tiré du ticket');
    const [, id] = /\/base-de-connaissances\/(\d+)\/modifier$/.exec(new URL(page.url()).pathname) ?? [];
    expect(id).toBeDefined();
    seen.articleId = id;
    const notice =
      (await page.locator('.fr-alert', { hasText: 'Brouillon tiré du ticket' }).textContent()) ?? '';
    expect(notice).toContain(seen.ticket);
    expect(notice).toMatch(/Données personnelles retirées : .*adresse(s)? électronique/);
    expect(notice).toMatch(/\d+ UAI/);
    expect(notice).toMatch(/numéro de téléphone/);
    await page.getByText('Vérifiez : « Nolan » après « élève »', { exact: false }).first().waitFor();
    // The preview comes from the API once typing pauses; its placeholders are highlighted.
    await page.locator('.lsun-article-preview .lsun-article-text mark.lsun-placeholder').first().waitFor();
    const texts = [
      await page.getByLabel('Symptôme').inputValue(),
      await page.getByLabel('Solution').inputValue(),
    ].join('\n');
    expect(texts).not.toContain('0211234C');
    expect(texts).not.toContain('camille.martin@ac-dijon.fr');
    expect(texts).not.toContain('03 80 12 34 56');
    expect(texts).toContain('[UAI]');
    const draft = await articleOf(id ?? '');
    expect(draft.status).toBe('draft');
    expect(draft.sourceTicket).toBe(seen.ticket);
    await expectCleanPage('41-kb-brouillon-du-ticket');
  });

  it('saves the agent’s edit: title, tags, public visibility; the history says what changed', async () => {
    // Prepare
    const solution = await page.getByLabel('Solution').inputValue();

    // Act
    await page.getByLabel('Titre').fill(TITLE);
    await page.getByLabel('Solution').fill(solution.replace(/de Nolan/g, 'de l’élève'));
    await page.getByLabel('Étiquettes').fill('bulletin périodique, impression');
    await page.getByRole('radio', { name: 'Publique (directeurs et PANDA)' }).check({ force: true });
    await page.getByRole('button', { name: 'Enregistrer les modifications' }).click();

    // Assess
    await heading(page, TITLE);
    const facts = (await page.locator('.lsun-dl').textContent()) ?? '';
    expect(facts).toContain('Brouillon');
    expect(facts).toContain('Publique (directeurs et PANDA)');
    expect(facts).toContain('bulletin périodique, impression');
    expect(facts).toContain(seen.ticket);
    const history = page.getByRole('table', { name: /Historique de l’article/ });
    await history.getByRole('row', { name: /Article modifié/ }).waitFor();
    const edited = (await history.getByRole('row', { name: /Article modifié/ }).textContent()) ?? '';
    expect(edited).toContain('agent@ac-dijon.fr');
    expect(edited).toMatch(/titre/);
    expect(edited).toMatch(/visibilité/);
    expect(await page.getByRole('button', { name: 'Publier' }).count()).toBe(0);
    await expectCleanPage('42-kb-article-brouillon');
  });

  it('refuses to overwrite a colleague’s change saved in between, and reloads the article on request', async () => {
    // Prepare: the editor open, then a colleague saves first.
    const id = seen.articleId ?? '';
    await page.getByRole('link', { name: 'Modifier' }).click();
    await heading(page, 'Modifier l’article');
    const read = await articleOf(id);
    const colleague = await issueToken(
      { email: 'agent2@ac-dijon.fr', groups: ['agent'] },
      { keyPath: desk.jwtKeyPath },
    );
    const { title, symptom, cause, solution, application, visibility, version } = read;
    const saved = await api(desk.url, colleague, `/api/articles/${id}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        title,
        symptom,
        cause,
        solution,
        application,
        visibility,
        version,
        tags: [...read.tags, 'impression du bulletin'],
      }),
    });
    expect(saved.status).toBe(200);

    // Act
    await page.getByLabel('Titre').fill(`${TITLE} (bis)`);
    await page.getByRole('button', { name: 'Enregistrer les modifications' }).click();

    // Assess: the French message, the focus on it, nothing overwritten.
    const alert = page.locator('.fr-alert', { hasText: 'Article modifié entre-temps' });
    await alert.waitFor();
    expect((await alert.textContent()) ?? '').toContain("L'article a été modifié entre-temps");
    expect(await page.locator(':focus').getAttribute('class')).toContain('lsun-focus-target');
    expect((await articleOf(id)).title).toBe(TITLE);
    await expectCleanPage('42b-kb-conflit');
    await page.getByRole('button', { name: 'Recharger l’article' }).click();
    await expect.poll(() => page.getByLabel('Étiquettes').inputValue()).toContain('impression du bulletin');
    expect(await page.getByLabel('Titre').inputValue()).toBe(TITLE);
    await page.getByRole('link', { name: 'Revenir sans enregistrer' }).click();
    await heading(page, TITLE);
  });

  it('submits it for review as an agent; it waits in « À relire »', async () => {
    // Act
    await page.getByRole('button', { name: 'Soumettre à la relecture' }).click();

    // Assess
    await page.getByText('Article soumis à la relecture').waitFor();
    await page.locator('.lsun-dl').getByText('À relire', { exact: true }).waitFor();
    expect(await page.getByRole('button', { name: 'Soumettre à la relecture' }).count()).toBe(0);
    await go(page, '/base-de-connaissances?status=review');
    await heading(page, 'Base de connaissances : à relire');
    await page.getByRole('link', { name: TITLE }).waitFor();
    await expectCleanPage('43-kb-a-relire');
  });

  it('is published by an admin, with its public link', async () => {
    // Prepare
    await signOut();
    await signIn(page, desk.url, 'admin@ac-dijon.fr', `/base-de-connaissances/${seen.articleId}`);
    await heading(page, TITLE);

    // Act
    await page.getByRole('button', { name: 'Publier' }).click();

    // Assess
    await page.getByText('Article publié.').waitFor();
    await page.locator('.lsun-dl').getByText('Publié', { exact: true }).waitFor();
    const link = page.locator('.lsun-dl').getByRole('link', { name: /\/kb\/articles\/\d+\.html$/ });
    await link.waitFor();
    seen.publicUrl = (await link.getAttribute('href')) ?? '';
    expect(seen.publicUrl).toMatch(new RegExp(`/kb/articles/${seen.articleId}\\.html$`));
    expect((await page.locator('.lsun-dl').textContent()) ?? '').toContain('Publié');
    await page
      .getByRole('row', { name: /Publié/ })
      .first()
      .waitFor();
    await expectCleanPage('44-kb-article-publie');
  });

  it('finds it in the list by a French search without accents', async () => {
    // Act
    await go(page, '/base-de-connaissances?q=bulletin%20periodique%20imprimer');

    // Assess
    await page.getByRole('link', { name: TITLE }).waitFor();
    const row = (await page.getByRole('row', { name: new RegExp(TITLE) }).textContent()) ?? '';
    expect(row).toContain('Publié');
    expect(row).toContain('Publique');
    await expectCleanPage('45-kb-recherche');
  });

  it('shows it on its public page and lists it on /kb/, both without accessibility fault', async () => {
    // Prepare: the export runs after the publication, through its queue.
    const id = seen.articleId ?? '';
    const publicPage = await browser.context.newPage();
    const pageUrl = `${desk.url}/kb/articles/${id}.html`;
    await eventually(async () => (await fetch(pageUrl)).ok, `the public page of article ${id}`);

    // Act
    await publicPage.goto(pageUrl);

    // Assess
    await publicPage.getByRole('heading', { level: 1, name: TITLE }).waitFor();
    const body = (await publicPage.locator('body').textContent()) ?? '';
    expect(body).toContain('Paramétrage');
    expect(body).not.toContain('0211234C');
    expect(body).not.toContain('camille.martin@ac-dijon.fr');
    await screenshot(publicPage, '46-kb-page-publique');
    expect(await accessibilityViolations(publicPage)).toEqual([]);

    await eventually(async () => {
      const index = await fetch(`${desk.url}/kb/`);
      return index.ok && (await index.text()).includes(`articles/${id}.html`);
    }, 'the article in /kb/');
    await publicPage.goto(`${desk.url}/kb/`);
    await publicPage.getByRole('link', { name: TITLE }).waitFor();
    await screenshot(publicPage, '47-kb-index-public');
    expect(await accessibilityViolations(publicPage)).toEqual([]);
    await publicPage.close();
  });
});

describe('a suggested article on the ticket of another director asking the same', () => {
  let ticket: string;

  beforeAll(async () => {
    const sent = await sendTestMail({
      port: desk.desk.smtpPort,
      from: 'Jean-Pierre Bidault <jean-pierre.bidault@ac-dijon.fr>',
      to: 'assistance1d@ac-dijon.fr',
      subject: 'LSUN impression bulletin périodique',
      text: 'Bonjour,\nle bouton Imprimer du bulletin périodique est grisé, impossible d’imprimer.\nMerci.',
    });
    ticket = await ticketOf(sent.sesMessageId);
  });

  it('suggests the published article and inserts its solution and public link into the reply', async () => {
    // Prepare: the public index is re-read by the API after the export.
    const id = seen.articleId ?? '';
    await eventually(
      async () => {
        const { body } = await api<TicketSuggestions>(
          desk.url,
          agentToken,
          `/api/tickets/${ticket}/suggestions`,
        );
        return body.items?.some((item) => item.id === id);
      },
      `article ${id} suggested on ${ticket}`,
      900,
    );
    await go(page, `/tickets/${ticket}`);
    await heading(page, `Ticket ${ticket}`);
    const panel = page.locator('section', { has: page.getByRole('heading', { name: 'Articles suggérés' }) });
    await panel.getByRole('link', { name: TITLE }).waitFor();

    // Act
    await panel.getByRole('button', { name: `Insérer dans la réponse : ${TITLE}` }).click();

    // Assess
    const reply = page.getByLabel('Votre réponse');
    const text = await reply.inputValue();
    expect(text).toContain('Paramétrage');
    expect(text).toContain(`Pour en savoir plus : ${seen.publicUrl}`);
    expect(
      await reply.evaluate(
        (field) => field === (field.ownerDocument as { activeElement: unknown }).activeElement,
      ),
    ).toBe(true);
    await panel
      .getByText(`Solution de « ${TITLE} » ajoutée à la fin de votre réponse.`)
      .waitFor({ state: 'attached' });
    await expectCleanPage('48-kb-suggestion-inseree');
  });
});

describe('archiving', () => {
  it('takes the article off the public pages; it stays in the console with its history', async () => {
    // Prepare
    const id = seen.articleId ?? '';
    await go(page, `/base-de-connaissances/${id}`);
    await heading(page, TITLE);

    // Act
    await page.getByRole('button', { name: 'Archiver' }).click();

    // Assess
    await page.getByText('Article archivé : il ne sort plus').waitFor();
    await page.locator('.lsun-dl').getByText('Archivé', { exact: true }).waitFor();
    expect(
      await page
        .locator('.lsun-dl')
        .getByRole('link', { name: /\/kb\/articles\// })
        .count(),
    ).toBe(0);
    await page.getByRole('button', { name: 'Publier' }).waitFor();
    await page
      .getByRole('row', { name: /Archivé/ })
      .first()
      .waitFor();
    await eventually(
      async () => (await fetch(`${desk.url}/kb/articles/${id}.html`)).status === 404,
      `the public page of article ${id} gone`,
    );
    await expectCleanPage('49-kb-article-archive');
  });
});
