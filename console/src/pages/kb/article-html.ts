/**
 * An article's texts as HTML, and the placeholders a draft made from a ticket holds.
 *
 * The API renders Markdown with raw HTML off and holds markdown-it's tokens to an allow-list of
 * tags and attributes (`shared/kb/markdown.ts`); the console runs DOMPurify over it again before it enters the page, as it does for mails (`mail-html.ts`): an
 * article is written by staff from directors' mails, and a second sanitiser costs nothing. No
 * `style` attribute either, which the console's CSP would refuse anyway.
 */
import DOMPurify from 'dompurify';
import { REDACTION_PATTERN, REDACTION_PLACEHOLDERS } from '#shared/domain/article.ts';
import { FORBID_TAGS } from '../../mail-html.ts';

/** A fresh copy of the pattern: a global RegExp keeps its `lastIndex` between calls. */
const placeholderPattern = () => new RegExp(REDACTION_PATTERN.source, 'g');

/**
 * The sanitised HTML of one rendered text, with each placeholder (« [nom] », « [UAI] »…) wrapped
 * in a `<mark>` so the reviewer sees what the redaction replaced.
 */
export function safeArticleHtml(html: string): string {
  const purifier = DOMPurify(window);
  purifier.addHook('afterSanitizeAttributes', (node) => {
    // An image the author left without a description is taken as decorative.
    if (node instanceof Element && node.tagName === 'IMG' && !node.hasAttribute('alt'))
      node.setAttribute('alt', '');
  });
  const clean = purifier.sanitize(html, {
    FORBID_TAGS,
    FORBID_ATTR: ['style', 'srcset', 'ping', 'formaction', 'action'],
    ALLOW_DATA_ATTR: false,
    ALLOW_UNKNOWN_PROTOCOLS: false,
  });
  // A template's content is inert: nothing in it loads or runs while the placeholders are marked.
  const template = document.createElement('template');
  template.innerHTML = clean;
  highlightPlaceholders(template.content);
  return template.innerHTML;
}

/** Wraps the placeholders of every text node in `<mark class="lsun-placeholder">`. */
function highlightPlaceholders(root: Node): void {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const texts: Text[] = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) texts.push(node as Text);
  for (const text of texts) {
    const value = text.data;
    const pattern = placeholderPattern();
    if (!pattern.test(value)) continue;
    pattern.lastIndex = 0;
    const parts = document.createDocumentFragment();
    let at = 0;
    for (const found of value.matchAll(pattern)) {
      const start = found.index ?? 0;
      if (start > at) parts.append(value.slice(at, start));
      const mark = document.createElement('mark');
      mark.className = 'lsun-placeholder';
      mark.textContent = found[0];
      parts.append(mark);
      at = start + found[0].length;
    }
    if (at < value.length) parts.append(value.slice(at));
    text.replaceWith(parts);
  }
}

/** The placeholders found in some texts, each with how many times, in the order of `REDACTION_PLACEHOLDERS`. */
export function placeholdersIn(
  texts: readonly (string | undefined)[],
): { placeholder: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const text of texts) {
    for (const found of (text ?? '').matchAll(placeholderPattern())) {
      counts.set(found[0], (counts.get(found[0]) ?? 0) + 1);
    }
  }
  return Object.values(REDACTION_PLACEHOLDERS).flatMap((placeholder) => {
    const count = counts.get(placeholder);
    return count ? [{ placeholder, count }] : [];
  });
}
