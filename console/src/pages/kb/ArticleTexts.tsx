/** An article's three texts, rendered: on its page and in the editor's preview. */
import type { ArticleHtml } from '#shared/api/kb-contract.ts';
import { safeArticleHtml } from './article-html.ts';

const SECTIONS = [
  ['symptom', 'Symptôme'],
  ['cause', 'Cause'],
  ['solution', 'Solution'],
] as const;

/**
 * The sections of an article, each with its heading (`h2` on the page, `h3` in the preview) and
 * its HTML sanitised once more in the browser, its placeholders highlighted.
 */
export function ArticleTexts({ html, headingLevel }: { html: Partial<ArticleHtml>; headingLevel: 2 | 3 }) {
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  return (
    <>
      {SECTIONS.map(([field, title]) => {
        const text = html[field];
        if (text === undefined || text.trim() === '') return null;
        return (
          <section key={field} className="fr-mb-3w">
            <Heading className={headingLevel === 2 ? 'fr-h4' : 'fr-h5'}>{title}</Heading>
            <div className="lsun-article-text" dangerouslySetInnerHTML={{ __html: safeArticleHtml(text) }} />
          </section>
        );
      })}
    </>
  );
}
