/**
 * An article's Markdown, as the console's preview, the public pages and the feeds show it.
 *
 * markdown-it reads CommonMark with raw HTML off (a `<script>` typed in an article is text), and
 * its renderer escapes every text and every attribute value it writes. So the only markup that can
 * reach a page is the tags and attributes of markdown-it's own tokens, and the allow-list below is
 * enforced on those tokens before rendering: a tag outside the list is not written (its content
 * is), an attribute outside the list is dropped, a link to anything but an http(s) or mailto address
 * keeps its text without the link. This replaces sanitize-html, which parsed the rendered HTML a
 * second time for the same result and weighed about 250 KB of the api's bundle (its parser, entity
 * tables and postcss). Images become their text; headings start at h2, the page's own h1 being its
 * title.
 */
import MarkdownIt, { type Token } from 'markdown-it';

// `xhtmlOut` writes `<br />` and `<hr />`, as the pages and feeds had them before.
const markdownIt = new MarkdownIt('default', {
  html: false,
  xhtmlOut: true,
  linkify: true,
  typographer: false,
});

/** Each tag an article may produce, with the only attributes it may keep. */
const ALLOWED_TAGS: ReadonlyMap<string, readonly string[]> = new Map([
  ['p', []],
  ['br', []],
  ['hr', []],
  ['h2', []],
  ['h3', []],
  ['h4', []],
  ['ul', []],
  ['ol', ['start']],
  ['li', []],
  ['em', []],
  ['strong', []],
  ['s', []],
  // A fenced block's language (`language-js`), written by the fence rule from its info string.
  ['code', ['class']],
  ['pre', []],
  ['blockquote', []],
  ['table', []],
  ['thead', []],
  ['tbody', []],
  ['tr', []],
  ['th', []],
  ['td', []],
  ['a', ['href', 'title']],
]);

const LINK_SCHEMES = ['http', 'https', 'mailto'];

/**
 * Holds the tokens to the allow-list, after every other rule (linkify's links included): `#` is
 * h2, `##` h3, deeper ones h4; a tag outside the list is hidden (the renderer writes nothing for
 * it, its content still renders); attributes outside the list go (a table cell's alignment style
 * among them); a link whose address is not http(s) or mailto is hidden with its closing tag.
 */
markdownIt.core.ruler.push('kb_allow_list', (state) => {
  allowOnly(state.tokens);
});

function allowOnly(tokens: Token[]): void {
  // Links cannot nest, but a stack costs nothing and pairs each closing tag with its opening.
  const linksShown: boolean[] = [];
  for (const token of tokens) {
    if (token.type === 'heading_open' || token.type === 'heading_close') {
      token.tag = `h${Math.min(Number(token.tag.slice(1)) + 1, 4)}`;
    }
    if (token.children) allowOnly(token.children);
    if (!token.tag) continue;
    const allowedAttributes = ALLOWED_TAGS.get(token.tag);
    if (allowedAttributes === undefined) {
      token.hidden = true;
      continue;
    }
    token.attrs = token.attrs?.filter(([name]) => allowedAttributes.includes(name)) ?? null;
    if (token.type === 'link_open') {
      const shown = isAllowedHref(token.attrGet('href'));
      linksShown.push(shown);
      if (shown) token.attrSet('rel', 'noopener');
      else token.hidden = true;
    } else if (token.type === 'link_close') {
      token.hidden = linksShown.pop() !== true;
    }
  }
}

/** An image is its alternative text: no picture is loaded from anywhere. */
markdownIt.renderer.rules.image = (tokens, index) =>
  markdownIt.utils.escapeHtml(tokens[index]?.content ?? '');

// Raw HTML is off, so markdown-it makes no such token; were one made, it would be text.
markdownIt.renderer.rules.html_block = (tokens, index) =>
  markdownIt.utils.escapeHtml(tokens[index]?.content ?? '');
markdownIt.renderer.rules.html_inline = markdownIt.renderer.rules.html_block;

/**
 * The HTML of an article's Markdown text: a fragment (no page around it) safe to put in a page, a
 * feed or the console as it is.
 */
export function renderMarkdown(markdown: string): string {
  return markdownIt.render(markdown);
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

function isAllowedHref(href: string | number | null): boolean {
  if (typeof href !== 'string') return false;
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(href.trim())?.[1]?.toLowerCase();
  return scheme !== undefined && LINK_SCHEMES.includes(scheme);
}
