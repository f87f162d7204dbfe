import { transformSync } from 'esbuild';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import type { Article } from '#shared/domain/article.ts';
import { renderMarkdown } from '#shared/kb/markdown.ts';
import { articlePage, articlePagePath, commonFiles, type KbSiteOptions } from '#shared/kb/site.ts';

const OPTIONS: KbSiteOptions = {
  publicBaseUrl: 'https://assistance-lsun.ac-dijon.fr',
  deskDisplayName: 'Assistance LSUN – Académie de Dijon',
  now: '2027-01-04T08:00:00.000Z',
  deskAddress: 'assistance1d@ac-dijon.fr',
};

function article(id: string, fields: Partial<Article> = {}): Article {
  return {
    id,
    title: `Article ${id}`,
    symptom: 'Le **bulletin périodique** ne s’affiche pas.',
    solution: '1. Ouvrez LSU.\n2. Cliquez sur « Exporter ».',
    tags: ['bulletin', 'export'],
    application: 'LSUN',
    visibility: 'public',
    status: 'published',
    version: 3,
    createdAt: '2026-11-02T08:00:00.000Z',
    createdBy: 'agent@ac-dijon.fr',
    updatedAt: '2026-11-03T09:30:00.000Z',
    updatedBy: 'admin@ac-dijon.fr',
    publishedAt: '2026-11-03T09:00:00.000Z',
    ...fields,
  };
}

function file(files: { path: string; body: string }[], path: string): string {
  const found = files.find((candidate) => candidate.path === path);
  if (!found) throw new Error(`no ${path} among ${files.map((f) => f.path).join(', ')}`);
  return found.body;
}

/** RFC 3339 date-time, as JSON Feed and Atom require. */
const Rfc3339 = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/, {
  error: 'RFC 3339 date expected',
});

/** JSON Feed 1.1 (https://jsonfeed.org/version/1.1): its required fields, and the types of those we fill. */
const JsonFeed11 = z.object({
  version: z.literal('https://jsonfeed.org/version/1.1'),
  title: z.string().min(1),
  home_page_url: z.url(),
  feed_url: z.url(),
  description: z.string(),
  language: z.string(),
  authors: z.array(z.object({ name: z.string().min(1), url: z.url().optional() })).min(1),
  items: z.array(
    z
      .object({
        id: z.string().min(1),
        url: z.url(),
        title: z.string(),
        content_html: z.string().optional(),
        content_text: z.string().optional(),
        summary: z.string(),
        date_published: Rfc3339,
        date_modified: Rfc3339,
        tags: z.array(z.string()),
        language: z.string(),
      })
      .refine((item) => item.content_html !== undefined || item.content_text !== undefined, {
        error: 'an item has content_html or content_text',
      }),
  ),
});

type AtomLink = { '@_rel'?: string; '@_href': string; '@_type'?: string };
type AtomText = string | { '#text': string; '@_type'?: string };
type AtomEntry = {
  id: string;
  title: AtomText;
  updated: string;
  published: string;
  link: AtomLink[];
  summary?: AtomText;
  content: { '#text': string; '@_type': string };
  category?: { '@_term': string }[];
};
type AtomDocument = {
  feed: {
    '@_xmlns': string;
    id: string;
    title: AtomText;
    updated: string;
    author: { name: string }[];
    link: AtomLink[];
    entry?: AtomEntry[];
  };
};

/** The Atom feed read back as XML (well-formed first), with entities decoded. */
function readAtom(xml: string): AtomDocument {
  expect(XMLValidator.validate(xml)).toBe(true);
  return new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    parseTagValue: false,
    trimValues: false,
    isArray: (name) => ['entry', 'link', 'category', 'author'].includes(name),
  }).parse(xml) as AtomDocument;
}

function text(value: AtomText | undefined): string | undefined {
  return typeof value === 'object' ? value['#text'] : value;
}

/** The article links of the index's full list, in order. */
function listedIds(indexHtml: string): string[] {
  const list =
    /<ul class="fr-raw-list" id="articles">([\s\S]*?)<\/ul>\s*<\/section>/.exec(indexHtml)?.[1] ?? '';
  return [...list.matchAll(/<a href="\/kb\/articles\/(\d+)\.html">/g)].map(([, id]) => id ?? '');
}

describe('commonFiles', () => {
  it('gives the index, both feeds and the search script, each with its type', () => {
    // Act
    const files = commonFiles([article('1')], OPTIONS);

    // Assess
    expect(files.map(({ path, contentType }) => [path, contentType])).toEqual([
      ['index.html', 'text/html; charset=utf-8'],
      ['feed.json', 'application/feed+json; charset=utf-8'],
      ['atom.xml', 'application/atom+xml; charset=utf-8'],
      ['search.js', 'text/javascript; charset=utf-8'],
    ]);
  });
});

describe('the JSON Feed', () => {
  it('holds what JSON Feed 1.1 requires, with the types it gives, for each article passed', () => {
    // Prepare
    const articles = [article('1', { cause: 'Une période *non close*.' }), article('2', { tags: [] })];

    // Act
    const feed = JsonFeed11.parse(JSON.parse(file(commonFiles(articles, OPTIONS), 'feed.json')));

    // Assess
    expect(feed).toMatchObject({
      title: 'Base de connaissances LSUN',
      home_page_url: 'https://assistance-lsun.ac-dijon.fr/kb/',
      feed_url: 'https://assistance-lsun.ac-dijon.fr/kb/feed.json',
      language: 'fr',
      authors: [{ name: 'Assistance LSUN – Académie de Dijon' }],
    });
    expect(feed.items).toHaveLength(2);
    const first = feed.items.find((item) => item.url.endsWith('/kb/articles/1.html'));
    expect(first).toMatchObject({
      id: 'tag:ac-dijon.fr,2026:assistance-lsun/kb/1',
      url: 'https://assistance-lsun.ac-dijon.fr/kb/articles/1.html',
      title: 'Article 1',
      summary: 'Le bulletin périodique ne s’affiche pas.',
      date_published: '2026-11-03T09:00:00.000Z',
      date_modified: '2026-11-03T09:30:00.000Z',
      tags: ['bulletin', 'export'],
      language: 'fr',
    });
  });

  it('gives each item its symptom, cause and rendered solution under their headings', () => {
    const feed = JsonFeed11.parse(
      JSON.parse(
        file(commonFiles([article('1', { cause: 'Une période *non close*.' })], OPTIONS), 'feed.json'),
      ),
    );

    const html = feed.items[0]?.content_html ?? '';
    expect(html).toContain('<h2>Symptôme</h2>');
    expect(html).toContain('<strong>bulletin périodique</strong>');
    expect(html).toContain('<h2>Cause</h2>');
    expect(html).toContain('<em>non close</em>');
    expect(html).toContain('<h2>Solution</h2>');
    expect(html).toContain(renderMarkdown('1. Ouvrez LSU.\n2. Cliquez sur « Exporter ».'));
    expect(html.indexOf('Symptôme')).toBeLessThan(html.indexOf('Cause'));
    expect(html.indexOf('Cause')).toBeLessThan(html.indexOf('Solution'));
  });

  it('leaves out the cause heading when the article has none', () => {
    const feed = JsonFeed11.parse(JSON.parse(file(commonFiles([article('1')], OPTIONS), 'feed.json')));

    expect(feed.items[0]?.content_html).not.toContain('Cause');
  });

  it('is a valid feed with no item when no article is published', () => {
    const feed = JsonFeed11.parse(JSON.parse(file(commonFiles([], OPTIONS), 'feed.json')));

    expect(feed.items).toEqual([]);
  });
});

describe('the Atom feed', () => {
  it("reads back as RFC 4287: the feed's id, title, updated, author, alternate and self links", () => {
    // Act
    const atom = readAtom(file(commonFiles([article('1'), article('2')], OPTIONS), 'atom.xml'));

    // Assess
    const { feed } = atom;
    expect(feed['@_xmlns']).toBe('http://www.w3.org/2005/Atom');
    expect(feed.id).toBe('tag:ac-dijon.fr,2026:assistance-lsun/kb');
    expect(text(feed.title)).toBe('Base de connaissances LSUN');
    expect(Rfc3339.safeParse(feed.updated).success).toBe(true);
    expect(feed.author[0]?.name).toBe('Assistance LSUN – Académie de Dijon');
    expect(feed.link).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          '@_rel': 'alternate',
          '@_href': 'https://assistance-lsun.ac-dijon.fr/kb/',
        }),
        expect.objectContaining({
          '@_rel': 'self',
          '@_href': 'https://assistance-lsun.ac-dijon.fr/kb/atom.xml',
        }),
      ]),
    );
  });

  it('gives each entry an id, title, updated, published, alternate link, HTML content and a category per tag', () => {
    const atom = readAtom(
      file(commonFiles([article('7', { tags: ['bulletin', 'accès directeur'] })], OPTIONS), 'atom.xml'),
    );

    const entries = atom.feed.entry ?? [];
    expect(entries).toHaveLength(1);
    const [entry] = entries;
    expect(entry?.id).toBe('tag:ac-dijon.fr,2026:assistance-lsun/kb/7');
    expect(text(entry?.title)).toBe('Article 7');
    expect(entry?.updated).toBe('2026-11-03T09:30:00.000Z');
    expect(entry?.published).toBe('2026-11-03T09:00:00.000Z');
    expect(entry?.link).toEqual([
      expect.objectContaining({
        '@_rel': 'alternate',
        '@_href': 'https://assistance-lsun.ac-dijon.fr/kb/articles/7.html',
      }),
    ]);
    expect(entry?.content['@_type']).toBe('html');
    expect(entry?.content['#text']).toContain('<h2>Solution</h2>');
    expect(entry?.content['#text']).toContain('<li>Cliquez sur « Exporter ».</li>');
    expect(entry?.category?.map((category) => category['@_term'])).toEqual(['bulletin', 'accès directeur']);
  });

  it("is updated at the newest article's change, or at the export's time when there is none", () => {
    const articles = [
      article('1', { updatedAt: '2026-11-03T09:30:00.000Z' }),
      article('2', { updatedAt: '2026-12-01T07:00:00.000Z' }),
    ];

    expect(readAtom(file(commonFiles(articles, OPTIONS), 'atom.xml')).feed.updated).toBe(
      '2026-12-01T07:00:00.000Z',
    );
    const empty = readAtom(file(commonFiles([], OPTIONS), 'atom.xml'));
    expect(empty.feed.updated).toBe(OPTIONS.now);
    expect(empty.feed.entry).toBeUndefined();
  });

  it('stays well-formed XML with a title holding markup, ampersands, quotes and control characters', () => {
    const title = 'Export <script>alert("x")</script> & « accès » \u0001\u000B fin';

    const atom = readAtom(
      file(commonFiles([article('1', { title, tags: ['<b>&</b>'] })], OPTIONS), 'atom.xml'),
    );

    expect(text(atom.feed.entry?.[0]?.title)).toBe('Export <script>alert("x")</script> & « accès »  fin');
    expect(atom.feed.entry?.[0]?.category?.[0]?.['@_term']).toBe('<b>&</b>');
  });
});

describe('ids', () => {
  it('keeps an article’s id in both feeds when its title, texts and host name change', () => {
    // Prepare
    const before = article('12');
    const after = article('12', {
      title: 'Un tout autre titre',
      solution: 'Une autre solution.',
      updatedAt: '2027-02-01T10:00:00.000Z',
      version: 4,
    });
    const moved = { ...OPTIONS, publicBaseUrl: 'https://kb.ac-dijon.fr' };

    // Act
    const ids = [
      [before, OPTIONS],
      [after, OPTIONS],
      [after, moved],
    ].map(([candidate, options]) => {
      const files = commonFiles([candidate as Article], options as KbSiteOptions);
      const json = JsonFeed11.parse(JSON.parse(file(files, 'feed.json')));
      const atom = readAtom(file(files, 'atom.xml'));
      return { json: json.items[0]?.id, atom: atom.feed.entry?.[0]?.id, feed: atom.feed.id };
    });

    // Assess
    for (const id of ids) {
      expect(id).toEqual({
        json: 'tag:ac-dijon.fr,2026:assistance-lsun/kb/12',
        atom: 'tag:ac-dijon.fr,2026:assistance-lsun/kb/12',
        feed: 'tag:ac-dijon.fr,2026:assistance-lsun/kb',
      });
    }
  });
});

describe('the index page', () => {
  it('lists exactly the articles passed, newest change first', () => {
    // Prepare
    const articles = [
      article('1', { updatedAt: '2026-10-01T08:00:00.000Z' }),
      article('2', { updatedAt: '2026-12-01T08:00:00.000Z' }),
      article('3', { updatedAt: '2026-11-01T08:00:00.000Z' }),
    ];

    // Act
    const index = file(commonFiles(articles, OPTIONS), 'index.html');

    // Assess
    expect(listedIds(index)).toEqual(['2', '3', '1']);
    expect(index).toContain('(3 articles)');
    expect(index).not.toContain('/kb/articles/4.html');
  });

  it('says so when no article is published', () => {
    const index = file(commonFiles([], OPTIONS), 'index.html');

    expect(listedIds(index)).toEqual([]);
    expect(index).toContain('Aucun article n’est encore publié.');
  });

  it('shows each article’s application, tags and date of change in French', () => {
    const index = file(
      commonFiles([article('1', { application: 'LSU', updatedAt: '2026-12-01T08:00:00.000Z' })], OPTIONS),
      'index.html',
    );

    expect(index).toContain('Application : LSU');
    expect(index).toContain('<p class="fr-tag fr-tag--sm">bulletin</p>');
    expect(index).toContain(
      'Mis à jour le <time datetime="2026-12-01T08:00:00.000Z">1er décembre 2026</time>',
    );
  });

  it('is a French page with one h1, a labelled GET search field, a live region, the feeds and search.js', () => {
    const index = file(commonFiles([article('1')], OPTIONS), 'index.html');

    expect(index.startsWith('<!doctype html>\n<html lang="fr">')).toBe(true);
    expect(index.match(/<h1[\s>]/g)).toHaveLength(1);
    expect(index).toContain('<h1>Base de connaissances LSUN</h1>');
    expect(index).toMatch(/<form role="search" action="\/kb\/" method="get"/);
    expect(index).toContain('<label class="fr-label" for="q">');
    expect(index).toMatch(/<input [^>]*id="q" name="q"/);
    expect(index).toContain('aria-live="polite"');
    expect(index).toContain('<link rel="alternate" type="application/feed+json"');
    expect(index).toContain('<link rel="alternate" type="application/atom+xml"');
    expect(index).toContain('<script src="/kb/search.js" defer></script>');
    expect(index).toContain('href="mailto:assistance1d@ac-dijon.fr"');
  });

  it('has the search box ask the public search on the pages’ own origin, never another host', () => {
    const index = file(commonFiles([article('1')], OPTIONS), 'index.html');
    const script = file(commonFiles([], OPTIONS), 'search.js');

    expect(index).not.toContain('data-api');
    expect(script).toContain("fetch('/api/public/articles?q='");
    expect(script).not.toMatch(/https?:\/\//);
  });

  it('dates a change by its day in Paris', () => {
    const index = file(
      commonFiles([article('1', { updatedAt: '2026-12-31T23:30:00.000Z' })], OPTIONS),
      'index.html',
    );

    expect(index).toContain('>1er janvier 2027</time>');
  });

  it('tells how to write to the desk with the subject keyword configured, or without an address when none is given', () => {
    const configured = file(commonFiles([], { ...OPTIONS, subjectKeyword: 'LSU1D' }), 'index.html');
    const bare = file(commonFiles([], { ...OPTIONS, deskAddress: undefined }), 'index.html');

    expect(configured).toContain('<a href="mailto:assistance1d@ac-dijon.fr">assistance1d@ac-dijon.fr</a>');
    expect(configured).toContain('avec «\u00a0LSU1D\u00a0» dans l’objet du message');
    expect(bare).toContain('écrivez à l’adresse de l’assistance depuis votre adresse académique');
    expect(bare).not.toContain('mailto:');
  });
});

describe('an article page', () => {
  it('is at articles/<id>.html', () => {
    expect(articlePagePath('42')).toBe('articles/42.html');
    expect(articlePage(article('42'), OPTIONS).path).toBe('articles/42.html');
  });

  it('holds the breadcrumb, the title, the application and tags, the rendered texts, the date and the way back', () => {
    // Prepare
    const solution =
      '## Étapes\n\n1. Ouvrez **LSU**.\n2. Voir [la notice](https://eduscol.education.fr/lsu).';

    // Act
    const page = articlePage(article('5', { solution, cause: 'La période n’est *pas close*.' }), OPTIONS);

    // Assess
    expect(page.contentType).toBe('text/html; charset=utf-8');
    const html = page.body;
    expect(html).toContain('<nav class="fr-breadcrumb" aria-label="Vous êtes ici :">');
    expect(html).toContain('<h1 id="article-titre">Article 5</h1>');
    expect(html.match(/<h1[\s>]/g)).toHaveLength(1);
    expect(html).toContain('Application : LSUN');
    expect(html).toContain('<p class="fr-tag fr-tag--sm">export</p>');
    expect(html).toContain('<h2 id="symptome">Symptôme</h2>');
    expect(html).toContain('<h2 id="cause">Cause</h2>');
    expect(html).toContain('<em>pas close</em>');
    expect(html).toContain('<h2 id="solution">Solution</h2>');
    expect(html).toContain(renderMarkdown(solution));
    expect(html).toContain('<h3>Étapes</h3>');
    expect(html).toContain('Mis à jour le <time datetime="2026-11-03T09:30:00.000Z">3 novembre 2026</time>');
    expect(html).toContain('href="/kb/">Retour à la liste des articles</a>');
    expect(html).toContain('Cet article n’a pas résolu votre problème ?');
    expect(html).toContain(
      '<link rel="canonical" href="https://assistance-lsun.ac-dijon.fr/kb/articles/5.html">',
    );
  });

  it('has no « Cause » section when the article has no cause', () => {
    const html = articlePage(article('5'), OPTIONS).body;

    expect(html).not.toContain('Cause');
  });
});

describe('escaping', () => {
  it('writes a title and tags holding markup as text on the index and the article page', () => {
    // Prepare
    const hostile = article('9', {
      title: '<script>alert("titre")</script> & <img src=x onerror=alert(1)>',
      tags: ['<b onclick="x">gras</b>'],
    });

    // Act
    const pages = [file(commonFiles([hostile], OPTIONS), 'index.html'), articlePage(hostile, OPTIONS).body];

    // Assess
    for (const html of pages) {
      expect(html).toContain(
        '&lt;script&gt;alert(&quot;titre&quot;)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(1)&gt;',
      );
      expect(html).toContain('&lt;b onclick=&quot;x&quot;&gt;gras&lt;/b&gt;');
      expect(html).not.toContain('<script>alert');
      expect(html).not.toContain('<img');
      expect(html).not.toContain('<b onclick');
    }
  });

  it('keeps the title as plain text in the JSON Feed, where it is not HTML', () => {
    const title = '<script>alert(1)</script> & co';

    const feed = JsonFeed11.parse(
      JSON.parse(file(commonFiles([article('1', { title })], OPTIONS), 'feed.json')),
    );

    expect(feed.items[0]?.title).toBe(title);
    expect(feed.items[0]?.content_html).not.toContain('<script');
  });
});

describe('no inline script or style (the CSP forbids them)', () => {
  it('leaves every page with external scripts and stylesheets only', () => {
    const pages = [
      file(commonFiles([article('1')], OPTIONS), 'index.html'),
      articlePage(article('1', { cause: 'x' }), OPTIONS).body,
    ];

    for (const html of pages) {
      expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
      expect(html).not.toMatch(/<style[\s>]/);
      expect(html).not.toMatch(/\sstyle=/);
      expect(html).not.toMatch(/\son[a-z]+=/);
      expect(html).toContain('<link rel="stylesheet" href="/dsfr/dsfr.min.css">');
      expect(html).toContain('<link rel="stylesheet" href="/dsfr/utility/icons/icons.min.css">');
    }
  });

  it('gives a search script that parses and writes answers as text, never as HTML', () => {
    const script = file(commonFiles([], OPTIONS), 'search.js');

    expect(() => new Function(script)).not.toThrow();
    expect(script).toContain("'/api/public/articles?q='");
    expect(script).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(/);
  });

  it('gives a search script in ES2017: nothing in it needs lowering for an ES2017 browser', () => {
    const script = file(commonFiles([], OPTIONS), 'search.js');

    const lowered = transformSync(script, { loader: 'js', target: 'es2017' }).code;
    const asIs = transformSync(script, { loader: 'js', target: 'esnext' }).code;

    expect(lowered).toBe(asIs);
  });
});
