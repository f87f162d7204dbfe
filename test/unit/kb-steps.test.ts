/**
 * The knowledge base's steps over in-memory ports: writing and reading articles, edits at the
 * version read, the workflow and who may move it, which changes ask for an export, the staff
 * search and its cache, drafts from tickets with their personal data redacted, suggestions on a
 * ticket, the public search, and seeding.
 */
import { describe, expect, it } from 'vitest';
import {
  type Article,
  type ArticleActor,
  ArticleChangedError,
  ArticleForbiddenError,
  type ArticleHistoryEntry,
  ArticleInput,
  TicketNotReadyForArticleError,
} from '#shared/domain/article.ts';
import type { DirectoryState } from '#shared/domain/directory.ts';
import type { ArticleStore } from '#shared/domain/kb-ports.ts';
import type { KbExportRequest } from '#shared/domain/messages.ts';
import type { Ticket } from '#shared/domain/records.ts';
import type { StoredMessage, TicketRecord } from '#shared/domain/ticket-actions.ts';
import { ArticleIndex } from '#shared/kb/search.ts';
import type { KbDeps } from '#shared/steps/kb/deps.ts';
import { draftFromTicket } from '#shared/steps/kb/from-ticket.ts';
import { createArticle, editArticleContent, moveArticleTo, readArticle } from '#shared/steps/kb/manage.ts';
import {
  INDEX_LAG_MS,
  searchArticles,
  searchPublicArticles,
  suggestForTicket,
  ticketTitle,
} from '#shared/steps/kb/search.ts';
import { seedArticles } from '#shared/steps/kb/seed.ts';

const agent: ArticleActor = { email: 'agent@ac-dijon.fr', groups: ['agent'] };
const admin: ArticleActor = { email: 'admin@ac-dijon.fr', groups: ['admin'] };
const BASE = 'https://assistance.example.fr';

/** An article store in memory, counting its full reads (the staff search's cache). */
function memoryStore() {
  const articles = new Map<string, Article>();
  const history = new Map<string, ArticleHistoryEntry[]>();
  let last = 0;
  let catalogue = 0;
  const reads = { all: 0 };
  const store: ArticleStore = {
    async nextId() {
      last += 1;
      return String(last);
    },
    async create(article, entry) {
      articles.set(article.id, article);
      history.set(article.id, [entry]);
      catalogue += 1;
    },
    async get(id) {
      return articles.get(id);
    },
    async replace(article, version, entry) {
      if (articles.get(article.id)?.version !== version) return false;
      articles.set(article.id, article);
      history.get(article.id)?.push(entry);
      catalogue += 1;
      return true;
    },
    async history(id) {
      return history.get(id) ?? [];
    },
    async all() {
      reads.all += 1;
      return [...articles.values()];
    },
    async published() {
      return [...articles.values()].filter((article) => article.status === 'published');
    },
    async catalogueVersion() {
      return catalogue;
    },
    async publishedVersion() {
      return [...articles.values()].filter((article) => article.status === 'published').length + catalogue;
    },
  };
  return { store, reads };
}

const message = (
  extra: Partial<StoredMessage> & Pick<StoredMessage, 'id' | 'direction' | 'at' | 'text'>,
) => ({
  ticketNumber: 'LSUN-2027-00042',
  from: extra.direction === 'in' ? 'camille.martin@ac-dijon.fr' : 'assistance-lsun@ac-dijon.fr',
  subject: 'Bulletins',
  attachments: [],
  ...extra,
});

const ticket: Ticket = {
  number: 'LSUN-2027-00042',
  status: 'resolu',
  subject: 'Re : [LSUN-2027-00042] Bulletins périodiques introuvables',
  requester: { email: 'camille.martin@ac-dijon.fr', name: 'Camille Martin' },
  schools: [
    {
      uai: '0211234C',
      name: 'École élémentaire Les Tilleuls',
      commune: 'Chenôve',
      circonscription: 'Dijon Sud',
      departement: '21',
      mailbox: 'ce.0211234c@ac-dijon.fr',
    },
  ],
  participants: ['camille.martin@ac-dijon.fr'],
  openedBy: 'ses-1',
  createdAt: '2027-01-04T08:00:00.000Z',
  updatedAt: '2027-01-05T08:00:00.000Z',
  messageCount: 2,
};

function recordOf(messages: StoredMessage[]): TicketRecord {
  return { ticket, expiresAt: undefined, messages, notes: [], history: [] };
}

const answered = recordOf([
  message({
    id: 'm1',
    direction: 'in',
    at: '2027-01-04T08:00:00.000Z',
    text: "Bonjour, je suis Camille Martin, directrice à Chenôve (0211234C). Les bulletins périodiques du premier trimestre n'apparaissent pas. Joignable au 03 80 12 34 56.",
  }),
  message({
    id: 'm2',
    direction: 'out',
    at: '2027-01-04T10:00:00.000Z',
    purpose: 'staff_reply',
    author: 'agent@ac-dijon.fr',
    text: 'Première réponse : nous regardons.',
  }),
  message({
    id: 'm3',
    direction: 'out',
    at: '2027-01-05T08:00:00.000Z',
    purpose: 'staff_reply',
    author: 'agent@ac-dijon.fr',
    text: "Ouvrez le paramétrage des périodes et vérifiez les dates du trimestre, comme l'a fait Dominique Lefèvre à l'École maternelle Pasteur d'Auxerre.",
  }),
]);

const stamps = {
  createdAt: '2026-09-01T00:00:00.000Z',
  createdBy: 'import',
  updatedAt: '2026-09-01T00:00:00.000Z',
  updatedBy: 'import',
};
const directory: DirectoryState = {
  generation: 1,
  directors: [
    {
      id: 'dominique.lefevre@ac-dijon.fr',
      lastName: 'Lefèvre',
      firstName: 'Dominique',
      emails: ['dominique.lefevre@ac-dijon.fr'],
      assignments: [{ uai: '0890001A', interim: false }],
      active: true,
      ...stamps,
    },
  ],
  schools: [
    {
      uai: '0890001A',
      name: 'École maternelle Pasteur',
      commune: 'Auxerre',
      circonscription: 'Auxerre 1',
      departement: '89',
      mailbox: 'ce.0890001a@ac-dijon.fr',
      circonscriptionCode: '89-auxerre-1',
      ...stamps,
    },
  ],
  circonscriptions: [],
};

function depsWith(
  options: { tickets?: Record<string, TicketRecord>; publicIndex?: ArticleIndex } = {},
): KbDeps & { queued: KbExportRequest[]; reads: { all: number }; advance(ms: number): void } {
  const { store, reads } = memoryStore();
  const queued: KbExportRequest[] = [];
  let clock = Date.parse('2027-01-06T08:00:00.000Z');
  return {
    store,
    reads,
    queued,
    exports: {
      async send(request) {
        queued.push(request);
      },
    },
    tickets: {
      async readTicket(number) {
        return options.tickets?.[number];
      },
    },
    directory: { current: async () => ({ state: directory }) },
    publicIndex: { current: async () => options.publicIndex ?? ArticleIndex.build([]) },
    publicBaseUrl: BASE,
    // A millisecond passes at each reading, so every change has its own time.
    now: () => {
      clock += 1;
      return new Date(clock);
    },
    advance: (ms) => {
      clock += ms;
    },
  };
}

const bulletins = ArticleInput.parse({
  title: 'Bulletins périodiques introuvables',
  symptom: "Les bulletins périodiques du trimestre n'apparaissent pas dans LSU.",
  solution: 'Vérifier les dates des **périodes** dans le paramétrage.',
  tags: ['Bulletins'],
  visibility: 'public',
});
const connexion = ArticleInput.parse({
  title: 'Connexion par le portail ARENA',
  symptom: 'Le directeur ne parvient pas à se connecter à LSU : identifiant refusé.',
  solution: "Passer par le portail ARENA avec l'identifiant de la messagerie.",
  tags: ['connexion'],
  visibility: 'internal',
});

async function published(deps: KbDeps, input = bulletins) {
  const created = await createArticle(input, agent, deps);
  return moveArticleTo(created.id, 'published', admin, deps);
}

describe('writing articles', () => {
  it('creates a draft, version 1, with its Markdown rendered and its first history line', async () => {
    // Prepare
    const deps = depsWith();

    // Act
    const article = await createArticle(bulletins, agent, deps);

    // Assess
    expect(article).toMatchObject({ id: '1', status: 'draft', version: 1, createdBy: agent.email });
    expect(article.html.solution).toContain('<strong>périodes</strong>');
    expect(article.history.map((line) => line.action)).toEqual(['created']);
    expect(article.url).toBeUndefined();
    expect(deps.queued).toEqual([]);
  });

  it('refuses an edit made on a version someone else changed since (409), and keeps theirs', async () => {
    // Prepare
    const deps = depsWith();
    const article = await createArticle(bulletins, agent, deps);
    await editArticleContent(article.id, { ...bulletins, title: 'Premier', version: 1 }, agent, deps);

    // Act
    const stale = editArticleContent(article.id, { ...bulletins, title: 'Second', version: 1 }, agent, deps);

    // Assess
    await expect(stale).rejects.toBeInstanceOf(ArticleChangedError);
    expect((await readArticle(article.id, deps)).title).toBe('Premier');
  });

  it('answers the article unchanged, with no new version, when an edit changes nothing', async () => {
    // Prepare
    const deps = depsWith();
    const article = await createArticle(bulletins, agent, deps);

    // Act
    const same = await editArticleContent(article.id, { ...bulletins, version: 1 }, agent, deps);

    // Assess
    expect(same.version).toBe(1);
    expect(same.history).toHaveLength(1);
  });

  it('refuses publication to an agent and lets an admin publish, with its public link and an export', async () => {
    // Prepare
    const deps = depsWith();
    const article = await createArticle(bulletins, agent, deps);

    // Act
    const refused = moveArticleTo(article.id, 'published', agent, deps);
    await expect(refused).rejects.toBeInstanceOf(ArticleForbiddenError);
    const done = await moveArticleTo(article.id, 'published', admin, deps);

    // Assess
    expect(done).toMatchObject({ status: 'published', version: 2, url: `${BASE}/kb/articles/1.html` });
    expect(deps.queued).toEqual([{ type: 'kb.export', articleId: '1', at: done.updatedAt }]);
  });

  it('asks for an export when a published public article is edited or hidden, not for drafts or internal ones', async () => {
    // Prepare
    const deps = depsWith();
    const draft = await createArticle(bulletins, agent, deps);
    await editArticleContent(draft.id, { ...bulletins, title: 'Brouillon revu', version: 1 }, agent, deps);
    const internal = await published(deps, connexion);
    const shown = await published(deps);
    deps.queued.length = 0;

    // Act
    await moveArticleTo(internal.id, 'archived', admin, deps);
    await editArticleContent(shown.id, { ...bulletins, visibility: 'internal', version: 2 }, admin, deps);

    // Assess
    expect(deps.queued.map((request) => request.articleId)).toEqual([shown.id]);
  });
});

describe('the staff search', () => {
  it('finds « Bulletins périodiques » for « bulletin periodique », filtered by status and tag', async () => {
    // Prepare
    const deps = depsWith();
    await published(deps);
    await createArticle(connexion, agent, deps);

    // Act
    const found = await searchArticles({ q: 'bulletin periodique', limit: 10 }, deps);
    const drafts = await searchArticles({ q: 'bulletin periodique', status: 'draft', limit: 10 }, deps);
    const tagged = await searchArticles({ tag: ' CONNEXION ', limit: 10 }, deps);

    // Assess
    expect(found.items.map((item) => item.title)).toEqual(['Bulletins périodiques introuvables']);
    expect(found.items[0]?.score).toBeGreaterThan(0);
    expect(drafts.items).toEqual([]);
    expect(tagged.items.map((item) => item.title)).toEqual(['Connexion par le portail ARENA']);
  });

  it('lists the most recently changed first, a page at a time with an opaque cursor', async () => {
    // Prepare
    const deps = depsWith();
    for (const title of ['Un', 'Deux', 'Trois']) await createArticle({ ...bulletins, title }, agent, deps);

    // Act
    const first = await searchArticles({ limit: 2 }, deps);
    const second = await searchArticles({ limit: 2, cursor: first.nextCursor ?? '' }, deps);

    // Assess
    expect(first.items.map((item) => item.title)).toEqual(['Trois', 'Deux']);
    expect(second).toEqual({ items: [expect.objectContaining({ title: 'Un' })], nextCursor: null });
  });

  it('rebuilds its index only when an article changed', async () => {
    // Prepare
    const deps = depsWith();
    await createArticle(bulletins, agent, deps);
    await searchArticles({ q: 'bulletins', limit: 10 }, deps);
    const readsBefore = deps.reads.all;

    // Act
    await searchArticles({ q: 'bulletins', limit: 10 }, deps);
    const unchanged = deps.reads.all;
    await createArticle(connexion, agent, deps);
    const after = await searchArticles({ q: 'ARENA', limit: 10 }, deps);

    // Assess
    expect(unchanged).toBe(readsBefore);
    expect(deps.reads.all).toBe(readsBefore + 1);
    expect(after.items.map((item) => item.title)).toEqual(['Connexion par le portail ARENA']);
  });

  it('builds its index once more when it was built in the moment after a change, from a list that lagged', async () => {
    // Prepare: the first full read misses the newest article, as a lagging index may.
    const deps = depsWith();
    const all = deps.store.all;
    let lagging = true;
    deps.store.all = async () => {
      const articles = await all();
      if (!lagging) return articles;
      lagging = false;
      return articles.slice(0, -1);
    };
    await createArticle(bulletins, agent, deps);
    const missed = await searchArticles({ q: 'bulletins', limit: 10 }, deps);

    // Act
    deps.advance(INDEX_LAG_MS);
    const found = await searchArticles({ q: 'bulletins', limit: 10 }, deps);

    // Assess
    expect(missed.items).toEqual([]);
    expect(found.items.map((item) => item.title)).toEqual([bulletins.title]);
  });
});

describe('a draft from a ticket', () => {
  it('takes the subject without tag nor « Re : », the first mail and the last reply, with the ticket’s and the directory’s names redacted, as an internal draft', async () => {
    // Prepare
    const deps = depsWith({ tickets: { [ticket.number]: answered } });

    // Act
    const draft = await draftFromTicket(ticket.number, agent, deps);

    // Assess
    expect(draft).toMatchObject({
      title: 'Bulletins périodiques introuvables',
      status: 'draft',
      visibility: 'internal',
      sourceTicket: ticket.number,
    });
    expect(draft.solution).toMatch(/^Ouvrez le paramétrage des périodes/);
    expect(draft.solution).not.toMatch(/Dominique|Lefèvre|Pasteur|Auxerre/);
    expect(draft.symptom).not.toMatch(/Camille|Martin|Chenôve|0211234C|03 80/);
    expect(draft.symptom).toContain('[nom]');
    expect(draft.redactions).toEqual(
      expect.arrayContaining([
        { kind: 'uai', count: 1 },
        { kind: 'phone', count: 1 },
        { kind: 'person', count: 2 },
        { kind: 'school', count: 1 },
        { kind: 'commune', count: 2 },
      ]),
    );
    expect(draft.history[0]).toMatchObject({ action: 'created', sourceTicket: ticket.number });
  });

  it('redacts a participant known only by an address, by the name in it', async () => {
    // Prepare
    const record: TicketRecord = {
      ...answered,
      ticket: { ...ticket, participants: [...ticket.participants, 'claude.bernard@ac-dijon.fr'] },
      messages: answered.messages.map((m) =>
        m.id === 'm1'
          ? { ...m, text: 'Ma collègue Claude Bernard ne voit pas les bulletins périodiques.' }
          : m,
      ),
    };
    const deps = depsWith({ tickets: { [ticket.number]: record } });

    // Act
    const draft = await draftFromTicket(ticket.number, agent, deps);

    // Assess
    expect(draft.symptom).toBe('Ma collègue [nom] ne voit pas les bulletins périodiques.');
  });

  it('refuses a ticket the desk has not answered yet', async () => {
    // Prepare
    const unanswered = recordOf(answered.messages.filter((m) => m.direction === 'in'));
    const deps = depsWith({ tickets: { [ticket.number]: unanswered } });

    // Act
    const attempt = draftFromTicket(ticket.number, agent, deps);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(TicketNotReadyForArticleError);
    expect(await deps.store.all()).toEqual([]);
  });

  it('makes a title from subjects as directors and the desk write them', () => {
    // Act and Assess
    expect(ticketTitle('RE: TR : [LSUN-2027-00042] [LSUN] Bulletins')).toBe('Bulletins');
    expect(ticketTitle('Re : Re: Problème LSUN de connexion')).toBe('Problème LSUN de connexion');
  });
});

describe('suggestions on a ticket', () => {
  it('suggests published articles only, internal ones too, with their solution and a link for public ones', async () => {
    // Prepare
    const deps = depsWith({ tickets: { [ticket.number]: answered } });
    const shown = await published(deps);
    await createArticle({ ...bulletins, title: 'Bulletins : brouillon' }, agent, deps);

    // Act
    const { items } = await suggestForTicket(ticket.number, deps);

    // Assess
    expect(items.map((item) => item.id)).toEqual([shown.id]);
    expect(items[0]).toMatchObject({
      visibility: 'public',
      solution: bulletins.solution,
      url: `${BASE}/kb/articles/${shown.id}.html`,
    });
  });
});

describe('the public search', () => {
  it('answers from the persisted public index, with each page’s public address', async () => {
    // Prepare
    const deps = depsWith();
    const shown = await published(deps);
    const index = ArticleIndex.build([(await deps.store.get(shown.id)) as Article]);
    const publicDeps = { ...deps, publicIndex: { current: async () => index } };

    // Act
    const { items } = await searchPublicArticles({ q: 'bulletin periodique', limit: 20 }, publicDeps);
    const blank = await searchPublicArticles({ q: '  ', limit: 20 }, publicDeps);

    // Assess
    expect(items).toEqual([
      expect.objectContaining({ id: shown.id, url: `${BASE}/kb/articles/${shown.id}.html` }),
    ]);
    expect(blank.items).toEqual([]);
  });
});

describe('seeding', () => {
  it('creates and publishes each article in order, then asks for one full export', async () => {
    // Prepare
    const deps = depsWith();

    // Act
    const ids = await seedArticles([bulletins, connexion], deps, admin);

    // Assess
    expect(ids).toEqual(['1', '2']);
    expect((await deps.store.published()).map((article) => article.id)).toEqual(['1', '2']);
    expect(deps.queued).toEqual([{ type: 'kb.export', at: expect.any(String) }]);
  });
});
