/**
 * An article's Markdown, as the console's preview, the public pages and the feeds show it.
 *
 * markdown-it reads CommonMark with raw HTML off (a `<script>` typed in an article is text), then
 * sanitize-html keeps only an explicit list of tags and attributes: whatever markdown-it lets
 * through, nothing outside that list reaches a page. Links keep http(s) and mailto addresses
 * only; images become their text; headings start at h2, the page's own h1 being its title.
 */
import MarkdownIt from 'markdown-it';
import sanitizeHtml from 'sanitize-html';

const markdownIt = new MarkdownIt({ html: false, linkify: true, typographer: false });

/** `#` is h2, `##` h3, deeper ones h4: the page's title is its only h1. */
markdownIt.core.ruler.push('kb_heading_levels', (state) => {
  for (const token of state.tokens) {
    if (token.type === 'heading_open' || token.type === 'heading_close') {
      token.tag = `h${Math.min(Number(token.tag.slice(1)) + 1, 4)}`;
    }
  }
});

/** An image is its alternative text: no picture is loaded from anywhere. */
markdownIt.renderer.rules.image = (tokens, index) =>
  markdownIt.utils.escapeHtml(tokens[index]?.content ?? '');

const LINK_SCHEMES = ['http', 'https', 'mailto'];

const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: [
    'p',
    'br',
    'hr',
    'h2',
    'h3',
    'h4',
    'ul',
    'ol',
    'li',
    'em',
    'strong',
    's',
    'code',
    'pre',
    'blockquote',
    'table',
    'thead',
    'tbody',
    'tr',
    'th',
    'td',
    'a',
  ],
  allowedAttributes: { a: ['href', 'title', 'rel'], ol: ['start'], code: ['class'] },
  allowedClasses: { code: ['language-*'] },
  allowedSchemes: LINK_SCHEMES,
  allowedSchemesByTag: {},
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  transformTags: {
    // A link to anything but an http(s) or mailto address loses its tag and keeps its text.
    a: (tagName, attribs) =>
      isAllowedHref(attribs.href)
        ? { tagName, attribs: { ...attribs, rel: 'noopener' } }
        : { tagName: 'span', attribs: {} },
  },
};

/**
 * The sanitised HTML of an article's Markdown text: a fragment (no page around it) safe to put
 * in a page, a feed or the console as it is.
 */
export function renderMarkdown(markdown: string): string {
  return sanitizeHtml(markdownIt.render(markdown), SANITIZE);
}

/**
 * The text of a Markdown text without its markup, spaces collapsed, cut at a word before `max`
 * characters (with « … »): the summary of a feed's item.
 */
export function plainText(markdown: string, max = 280): string {
  const words: string[] = [];
  for (const token of markdownIt.parse(markdown, {})) {
    if (token.type !== 'inline') continue;
    for (const child of token.children ?? []) {
      if (child.type === 'text' || child.type === 'code_inline') words.push(child.content);
      if (child.type === 'softbreak' || child.type === 'hardbreak') words.push(' ');
    }
    words.push(' ');
  }
  const text = words.join('').replace(/\s+/g, ' ').trim();
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const lastSpace = cut.lastIndexOf(' ');
  return `${(lastSpace > max / 2 ? cut.slice(0, lastSpace) : cut).replace(/[\s,;:.]+$/, '')}…`;
}

function isAllowedHref(href: string | undefined): boolean {
  if (!href) return false;
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(href.trim())?.[1]?.toLowerCase();
  return scheme !== undefined && LINK_SCHEMES.includes(scheme);
}
