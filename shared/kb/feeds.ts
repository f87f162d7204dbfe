/**
 * The knowledge base's feeds for PANDA (the académie's catalogue) and any feed reader: a JSON
 * Feed 1.1 (https://jsonfeed.org/version/1.1) and an Atom feed (RFC 4287), holding the same
 * articles with the same ids (tag URIs, stable across edits and host names).
 */
import { type Article, articleUrl } from '#shared/domain/article.ts';
import { plainText, renderMarkdown } from './markdown.ts';
import {
  articleTagId,
  byNewestChange,
  escapeXml,
  KB_ROOT,
  KB_TAG_ID,
  KB_TITLE,
  type KbSiteOptions,
  publicUrl,
} from './site-basics.ts';

/** The feeds' description. */
const KB_DESCRIPTION =
  "Questions fréquentes des directeurs et directrices d'école sur LSU et LSUN, et leurs solutions, par l'assistance du 1er degré de l'académie de Dijon.";

/** A JSON Feed 1.1 document, as far as we fill it. */
export type JsonFeed = {
  version: 'https://jsonfeed.org/version/1.1';
  title: string;
  home_page_url: string;
  feed_url: string;
  description: string;
  language: 'fr';
  authors: { name: string; url: string }[];
  items: JsonFeedItem[];
};

/** One article in the JSON Feed. */
export type JsonFeedItem = {
  id: string;
  url: string;
  title: string;
  content_html: string;
  summary: string;
  date_published: string;
  date_modified: string;
  tags: string[];
  language: 'fr';
};

/**
 * An article as both feeds show it: its texts rendered once for the two (rendering is most of
 * an export's time).
 */
export type FeedEntry = { article: Article; contentHtml: string; summary: string };

/** The feeds' entries, newest change first. */
export function feedEntries(articles: readonly Article[]): FeedEntry[] {
  return byNewestChange(articles).map((article) => ({
    article,
    contentHtml: articleContentHtml(article),
    summary: plainText(article.symptom),
  }));
}

/** The JSON Feed of these entries, in their order. */
export function jsonFeed(entries: readonly FeedEntry[], options: KbSiteOptions): JsonFeed {
  return {
    version: 'https://jsonfeed.org/version/1.1',
    title: KB_TITLE,
    home_page_url: publicUrl(options, KB_ROOT),
    feed_url: publicUrl(options, `${KB_ROOT}feed.json`),
    description: KB_DESCRIPTION,
    language: 'fr',
    authors: [{ name: options.deskDisplayName, url: publicUrl(options, KB_ROOT) }],
    items: entries.map(({ article, contentHtml, summary }) => ({
      id: articleTagId(article.id),
      url: articleUrl(options.publicBaseUrl, article.id),
      title: article.title,
      content_html: contentHtml,
      summary,
      date_published: publishedAt(article),
      date_modified: article.updatedAt,
      tags: [...article.tags],
      language: 'fr',
    })),
  };
}

/** The Atom feed of these entries, in their order (the newest change first): an XML document. */
export function atomFeed(entries: readonly FeedEntry[], options: KbSiteOptions): string {
  const updated = entries.reduce(
    (latest, { article }) =>
      Date.parse(article.updatedAt) > Date.parse(latest) ? article.updatedAt : latest,
    entries[0]?.article.updatedAt ?? options.now,
  );
  const xmlEntries = entries.map(({ article, contentHtml, summary }) => {
    const categories = article.tags.map((tag) => `    <category term="${escapeXml(tag)}"/>`);
    return [
      '  <entry>',
      `    <id>${escapeXml(articleTagId(article.id))}</id>`,
      `    <title type="text">${escapeXml(article.title)}</title>`,
      `    <updated>${escapeXml(article.updatedAt)}</updated>`,
      `    <published>${escapeXml(publishedAt(article))}</published>`,
      `    <link rel="alternate" type="text/html" href="${escapeXml(articleUrl(options.publicBaseUrl, article.id))}"/>`,
      `    <summary type="text">${escapeXml(summary)}</summary>`,
      `    <content type="html">${escapeXml(contentHtml)}</content>`,
      ...categories,
      '  </entry>',
    ].join('\n');
  });
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr">',
    `  <id>${KB_TAG_ID}</id>`,
    `  <title type="text">${escapeXml(KB_TITLE)}</title>`,
    `  <subtitle type="text">${escapeXml(KB_DESCRIPTION)}</subtitle>`,
    `  <updated>${escapeXml(updated)}</updated>`,
    `  <author><name>${escapeXml(options.deskDisplayName)}</name></author>`,
    `  <link rel="alternate" type="text/html" href="${escapeXml(publicUrl(options, KB_ROOT))}"/>`,
    `  <link rel="self" type="application/atom+xml" href="${escapeXml(publicUrl(options, `${KB_ROOT}atom.xml`))}"/>`,
    ...xmlEntries,
    '</feed>',
    '',
  ].join('\n');
}

/** An article's texts, each under its French heading, as one HTML fragment. */
export function articleContentHtml(article: Pick<Article, 'symptom' | 'cause' | 'solution'>): string {
  return [
    '<h2>Symptôme</h2>',
    renderMarkdown(article.symptom),
    ...(article.cause ? ['<h2>Cause</h2>', renderMarkdown(article.cause)] : []),
    '<h2>Solution</h2>',
    renderMarkdown(article.solution),
  ].join('\n');
}

/** When it was first published; its last change for an article published before the date was kept. */
function publishedAt(article: Article): string {
  return article.publishedAt ?? article.updatedAt;
}
