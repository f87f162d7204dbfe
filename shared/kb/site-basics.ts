/**
 * What the public pages and the feeds share: the options of an export, the addresses and ids
 * of the files, the order of the articles, escaping and French dates.
 */
import type { Article } from '#shared/domain/article.ts';

/** What an export of the public knowledge base needs besides the articles. */
export type KbSiteOptions = {
  /** The address the public pages are served at (`https://assistance-lsun.ac-dijon.fr`): feeds hold absolute links. */
  publicBaseUrl: string;
  /** The desk's name (`DESK_DISPLAY_NAME`): the feeds' author, the pages' footer. */
  deskDisplayName: string;
  /** The export's time: the Atom feed's `updated` when there is no article. */
  now: string;
  /** The address directors write to, shown on the pages; without it they read « l'adresse de l'assistance ». */
  deskAddress?: string;
  /** The word a new request's subject must hold (`SUBJECT_KEYWORD`); « LSUN » when unset. */
  subjectKeyword?: string;
};

/** The site's title: the index's h1, the feeds' title. */
export const KB_TITLE = 'Base de connaissances LSUN';

/** Where the site is served from, on the desk's host. */
export const KB_ROOT = '/kb/';

/**
 * The feed's and each article's id: a tag URI (RFC 4151), neither a host nor a title in it, so
 * it survives an edit, a new host name and a move of the pages. Never change it: PANDA and feed
 * readers would see every article as new.
 */
export const KB_TAG_ID = 'tag:ac-dijon.fr,2026:assistance-lsun/kb';

/** An article's page, relative to `/kb/` (its S3 key is `kb/<path>`). */
export function articlePagePath(id: string): string {
  return `articles/${id}.html`;
}

/** An article's id in both feeds. */
export function articleTagId(id: string): string {
  return `${KB_TAG_ID}/${id}`;
}

/** An absolute address on the public host, for the feeds. */
export function publicUrl(options: Pick<KbSiteOptions, 'publicBaseUrl'>, path: string): string {
  return `${options.publicBaseUrl.replace(/\/+$/, '')}${path}`;
}

/** Newest change first; the greater id first for the same instant, so the order never depends on the input's. */
export function byNewestChange(articles: readonly Article[]): Article[] {
  return [...articles].sort(
    (a, b) => instant(b.updatedAt) - instant(a.updatedAt) || Number(b.id) - Number(a.id),
  );
}

function instant(iso: string): number {
  const time = Date.parse(iso);
  return Number.isNaN(time) ? 0 : time;
}

/** Text in HTML (element content and quoted attribute values). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => HTML_ENTITIES[character] ?? character);
}

const HTML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Text in XML: escaped like HTML, and without the characters XML 1.0 forbids (control
 * characters, lone surrogates), which would make the whole feed unreadable.
 */
export function escapeXml(text: string): string {
  return escapeHtml(text.replace(XML_FORBIDDEN, ''));
}

const XML_FORBIDDEN =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters removed.
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const FRENCH_DATE = new Intl.DateTimeFormat('fr-FR', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'Europe/Paris',
});

/** « 7 décembre 2026 », « 1er mars 2027 » (the day in Paris). */
export function frenchDate(iso: string): string {
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return iso;
  return FRENCH_DATE.format(time).replace(/^1 /, '1er ');
}
