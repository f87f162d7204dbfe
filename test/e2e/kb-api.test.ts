/**
 * The knowledge base end to end, through `npm start`'s own stack: an article written, reviewed
 * and published (an agent may not publish, an admin may), then found by the public search and
 * listed in `/kb/feed.json` once the export ran; a draft made from a solved ticket with its
 * personal data redacted; suggestions on a ticket's page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendTestMail } from '#local/send-mail.ts';
import {
  ArticleDetail,
  ArticleFromTicket,
  PublicArticles,
  TicketSuggestions,
} from '#shared/api/kb-contract.ts';
import { headerOf, type SentMail, sentMails } from '../support/outbox.ts';
import { eventually, startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
let agent: string;
let admin: string;

beforeAll(async () => {
  stack = await startTestStack();
  agent = await stack.token('agent@ac-dijon.fr', ['agent']);
  admin = await stack.token('admin@ac-dijon.fr', ['admin']);
});
afterAll(async () => {
  await stack?.stop();
});

/** One call of the API; its status and JSON body. */
async function api(token: string | null, method: string, path: string, body?: unknown) {
  const response = await fetch(`${stack.desk.httpUrl}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as unknown };
}

/** The public JSON Feed, as PANDA reads it through the HTTP front. */
async function feedUrls(): Promise<string[]> {
  const response = await fetch(`${stack.desk.httpUrl}/kb/feed.json`);
  if (response.status !== 200) return [];
  const feed = (await response.json()) as { items: Array<{ url: string }> };
  return feed.items.map((item) => item.url);
}

/** Opens a ticket by mail as Camille Martin (Les Tilleuls, Dijon) and waits for its acknowledgment. */
async function openTicket(subject: string, text: string): Promise<string> {
  const sent = await sendTestMail({
    port: stack.desk.smtpPort,
    from: 'Camille Martin <camille.martin@ac-dijon.fr>',
    to: 'assistance.1erdegre@ac-dijon.fr',
    subject,
    text,
  });
  const ack = await eventually<SentMail>(
    async () =>
      (await sentMails(stack.desk.endpoints.ses, 'camille.martin@ac-dijon.fr')).find(
        (mail) => headerOf(mail, 'In-Reply-To') === `<${sent.messageId}>`,
      ),
    'the acknowledgment',
  );
  return ack.subject.match(/^\[(LSUN-\d{4}-\d{5})\]/)?.[1] ?? '';
}

const article = {
  title: 'Bulletins périodiques introuvables',
  symptom: 'Les bulletins périodiques du trimestre sont introuvables dans LSU.',
  solution: 'Vérifiez les dates des **périodes** dans le paramétrage, puis rééditez les bulletins.',
  tags: ['bulletins'],
  visibility: 'public',
};

/** Creates and publishes an article as the admin; its id. */
async function publishedArticle(input: typeof article): Promise<string> {
  const { body } = await api(admin, 'POST', '/api/articles', input);
  const { id } = ArticleDetail.parse(body);
  expect((await api(admin, 'POST', `/api/articles/${id}/publish`)).status).toBe(200);
  return id;
}

describe('the workflow up to the public knowledge base', () => {
  it('publishes a reviewed article for an admin only; then the public search and the feed have it', async () => {
    // Prepare
    const created = await api(agent, 'POST', '/api/articles', article);
    expect(created.status).toBe(201);
    const { id } = ArticleDetail.parse(created.body);
    const reviewed = await api(agent, 'POST', `/api/articles/${id}/review`);
    expect(ArticleDetail.parse(reviewed.body).status).toBe('review');

    // Act
    const byAgent = await api(agent, 'POST', `/api/articles/${id}/publish`);
    const byAdmin = await api(admin, 'POST', `/api/articles/${id}/publish`);

    // Assess
    expect(byAgent.status).toBe(403);
    expect(byAdmin.status).toBe(200);
    const published = ArticleDetail.parse(byAdmin.body);
    expect(published.status).toBe('published');
    expect(published.url).toMatch(new RegExp(`/kb/articles/${id}\\.html$`));
    await eventually(
      async () => (await feedUrls()).includes(published.url ?? ''),
      'the article in feed.json',
    );
    const found = await eventually(async () => {
      const { body } = await api(
        null,
        'GET',
        `/api/public/articles?q=${encodeURIComponent('bulletin periodique')}`,
      );
      const { items } = PublicArticles.parse(body);
      return items.some((item) => item.id === id) ? items : undefined;
    }, 'the article in the public search');
    expect(found.find((item) => item.id === id)?.url).toBe(published.url);
  });
});

describe('archiving', () => {
  it('takes an archived article out of the feed and its page away', async () => {
    // Prepare
    const id = await publishedArticle({ ...article, title: 'Article bientôt archivé' });
    const url = `${stack.desk.httpUrl}/kb/articles/${id}.html`;
    await eventually(async () => (await fetch(url)).status === 200, 'the page');

    // Act
    const archived = await api(admin, 'POST', `/api/articles/${id}/archive`);

    // Assess
    expect(ArticleDetail.parse(archived.body)).toMatchObject({ status: 'archived' });
    await eventually(
      async () => !(await feedUrls()).some((item) => item.endsWith(`/kb/articles/${id}.html`)),
      'the article out of feed.json',
    );
    await eventually(async () => (await fetch(url)).status === 404, 'the page removed');
  });
});

describe('tickets and articles', () => {
  it('makes an internal draft from an answered ticket, its personal data replaced and counted', async () => {
    // Prepare
    const number = await openTicket(
      'LSUN : absences non reportées',
      'Bonjour, je suis Camille Martin, directrice (UAI 0211234C). Les absences ne sont pas reportées dans le livret. Mon numéro : 03 80 12 34 56.',
    );
    const refused = await api(agent, 'POST', `/api/tickets/${number}/article`);
    const reply = await api(agent, 'POST', `/api/tickets/${number}/reply`, {
      text: 'Bonjour Madame Martin,\nImportez les absences depuis ONDE avant de valider la période.',
    });
    expect(reply.status).toBe(202);

    // Act
    const drafted = await api(agent, 'POST', `/api/tickets/${number}/article`);

    // Assess
    expect(refused.status).toBe(422);
    expect(drafted.status).toBe(201);
    const draft = ArticleFromTicket.parse(drafted.body);
    expect(draft).toMatchObject({ status: 'draft', visibility: 'internal', sourceTicket: number });
    expect(draft.title).toBe('LSUN : absences non reportées');
    expect(`${draft.symptom}\n${draft.solution}`).not.toMatch(/Camille|Martin|0211234C|03 80 12/);
    expect(draft.solution).toContain('ONDE');
    expect(draft.redactions.map((count) => count.kind)).toEqual(
      expect.arrayContaining(['person', 'uai', 'phone']),
    );
  });

  it('suggests the published article on a ticket about it', async () => {
    // Prepare
    const id = await publishedArticle(article);
    const number = await openTicket(
      'LSUN : bulletins périodiques introuvables',
      'Bonjour, les bulletins périodiques du premier trimestre sont introuvables dans LSU. Merci.',
    );

    // Act
    const { status, body } = await api(agent, 'GET', `/api/tickets/${number}/suggestions`);

    // Assess
    expect(status).toBe(200);
    const { items } = TicketSuggestions.parse(body);
    expect(items.map((item) => item.id)).toContain(id);
    expect(items.find((item) => item.id === id)).toMatchObject({
      solution: article.solution,
      visibility: 'public',
    });
  });
});
