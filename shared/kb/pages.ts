/**
 * The public pages of the knowledge base (`/kb/`): plain HTML5 in French with the DSFR's markup
 * and classes, readable without JavaScript, with no inline script or style (the CSP forbids
 * them). The index's search is enhanced by `search.js` when it runs.
 *
 * Every text an article brings is escaped, and its Markdown goes through `renderMarkdown`.
 */
import { type Article, articleUrl } from '#shared/domain/article.ts';
import { renderMarkdown } from './markdown.ts';
import {
  articlePagePath,
  byNewestChange,
  escapeHtml,
  frenchDate,
  KB_ROOT,
  KB_TITLE,
  type KbSiteOptions,
  publicUrl,
} from './site-basics.ts';

/** The index: the search form, and every article passed, newest change first. */
export function indexHtml(articles: readonly Article[], options: KbSiteOptions): string {
  const sorted = byNewestChange(articles);
  const list =
    sorted.length === 0
      ? '<p>Aucun article n’est encore publié.</p>'
      : [
          '<ul class="fr-raw-list" id="articles">',
          ...sorted.map((article) => indexEntry(article)),
          '</ul>',
        ].join('\n');
  const count = sorted.length === 1 ? '1 article' : `${sorted.length} articles`;
  const main = `
<h1>${KB_TITLE}</h1>
<p class="fr-text--lead">Les réponses de l’assistance LSUN du 1<sup>er</sup> degré aux questions fréquentes des directeurs et directrices d’école sur LSU et LSUN.</p>
<p>${writeToDesk(options)} Votre demande reçoit un numéro de ticket par retour de courriel.</p>
<form role="search" action="${KB_ROOT}" method="get" id="recherche" class="fr-my-4w">
  <div class="fr-search-bar fr-search-bar--lg">
    <label class="fr-label" for="q">Rechercher dans la base de connaissances</label>
    <input class="fr-input" type="search" id="q" name="q" placeholder="Par exemple : bulletin périodique" autocomplete="off">
    <button class="fr-btn" type="submit">Rechercher</button>
  </div>
</form>
<p id="resultats-statut" class="fr-text--lg" aria-live="polite" aria-atomic="true"></p>
<section id="resultats" aria-labelledby="resultats-titre" hidden>
  <h2 id="resultats-titre">Résultats de la recherche</h2>
  <ul class="fr-raw-list" id="resultats-liste"></ul>
</section>
<section aria-labelledby="tous-titre">
  <h2 id="tous-titre">Tous les articles <span class="fr-text--md">(${count})</span></h2>
  ${list}
</section>
<p class="fr-mt-4w">Suivre les nouveaux articles : <a class="fr-link" href="${KB_ROOT}feed.json" type="application/feed+json">flux JSON Feed de la base de connaissances</a>, <a class="fr-link" href="${KB_ROOT}atom.xml" type="application/atom+xml">flux Atom de la base de connaissances</a>.</p>`;
  return layout({
    title: KB_TITLE,
    description: 'Questions fréquentes sur LSU et LSUN et leurs solutions, par l’assistance du 1er degré.',
    canonical: publicUrl(options, KB_ROOT),
    main,
    script: `${KB_ROOT}search.js`,
    options,
  });
}

/** An article's page: breadcrumb, title, application and tags, its texts, the date, the way back. */
export function articleHtml(article: Article, options: KbSiteOptions): string {
  const title = escapeHtml(article.title);
  const main = `
<nav class="fr-breadcrumb" aria-label="Vous êtes ici :">
  <ol class="fr-breadcrumb__list">
    <li><a class="fr-breadcrumb__link" href="${KB_ROOT}">Base de connaissances</a></li>
    <li><a class="fr-breadcrumb__link" aria-current="page">${title}</a></li>
  </ol>
</nav>
<article aria-labelledby="article-titre">
  <h1 id="article-titre">${title}</h1>
  ${labels(article)}
  <section aria-labelledby="symptome">
    <h2 id="symptome">Symptôme</h2>
    ${renderMarkdown(article.symptom)}
  </section>
  ${
    article.cause
      ? `<section aria-labelledby="cause">
    <h2 id="cause">Cause</h2>
    ${renderMarkdown(article.cause)}
  </section>`
      : ''
  }
  <section aria-labelledby="solution">
    <h2 id="solution">Solution</h2>
    ${renderMarkdown(article.solution)}
  </section>
  <p class="fr-text--sm fr-mt-4w">Mis à jour le ${dateTime(article.updatedAt)}</p>
</article>
<div class="fr-callout fr-my-4w">
  <h2 class="fr-callout__title">Cet article n’a pas résolu votre problème ?</h2>
  <p class="fr-callout__text">${writeToDesk(options, 'Écrivez')}</p>
</div>
<p><a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href="${KB_ROOT}">Retour à la liste des articles</a></p>`;
  return layout({
    title: `${article.title} – ${KB_TITLE}`,
    description: `Assistance LSUN : ${article.title}`,
    canonical: articleUrl(options.publicBaseUrl, article.id),
    main,
    options,
  });
}

function indexEntry(article: Article): string {
  return `<li class="fr-mb-3w">
  <h3 class="fr-h6 fr-mb-1w"><a href="${KB_ROOT}${articlePagePath(article.id)}">${escapeHtml(article.title)}</a></h3>
  ${labels(article)}
  <p class="fr-text--sm fr-mb-0">Mis à jour le ${dateTime(article.updatedAt)}</p>
</li>`;
}

/** The application as a badge, the tags as DSFR tags (not links: there is no page per tag). */
function labels(article: Article): string {
  const tags = article.tags.map((tag) => `<li><p class="fr-tag fr-tag--sm">${escapeHtml(tag)}</p></li>`);
  return [
    `<p class="fr-badge fr-badge--sm fr-badge--blue-ecume fr-mb-1w">Application : ${escapeHtml(article.application)}</p>`,
    ...(tags.length > 0 ? [`<ul class="fr-tags-group" aria-label="Étiquettes">`, ...tags, '</ul>'] : []),
  ].join('\n  ');
}

function dateTime(iso: string): string {
  return `<time datetime="${escapeHtml(iso)}">${escapeHtml(frenchDate(iso))}</time>`;
}

/** How to ask the desk when the knowledge base has no answer, after `lead` (« Si vous ne trouvez pas de réponse, écrivez »). */
function writeToDesk(options: KbSiteOptions, lead = 'Si vous ne trouvez pas de réponse, écrivez'): string {
  const keyword = escapeHtml(options.subjectKeyword ?? 'LSUN');
  const address = options.deskAddress
    ? `<a href="mailto:${escapeHtml(options.deskAddress)}">${escapeHtml(options.deskAddress)}</a>`
    : 'l’adresse de l’assistance';
  return `${lead} à ${address} depuis votre adresse académique, avec «\u00a0${keyword}\u00a0» dans l’objet du message, en décrivant ce que vous voyez à l’écran et ce que vous avez déjà essayé.`;
}

type Layout = {
  title: string;
  description: string;
  canonical: string;
  main: string;
  script?: string;
  options: KbSiteOptions;
};

/** The frame of every page: skip links, header, main, footer; the feeds announced in the head. */
function layout({ title, description, canonical, main, script, options }: Layout): string {
  const desk = escapeHtml(options.deskDisplayName);
  return `<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<meta name="description" content="${escapeHtml(description)}">
<link rel="canonical" href="${escapeHtml(canonical)}">
<link rel="stylesheet" href="/dsfr/dsfr.min.css">
<link rel="stylesheet" href="/dsfr/utility/icons/icons.min.css">
<link rel="icon" href="/dsfr/favicon/favicon.svg" type="image/svg+xml">
<link rel="alternate" type="application/feed+json" title="${KB_TITLE} (JSON Feed)" href="${KB_ROOT}feed.json">
<link rel="alternate" type="application/atom+xml" title="${KB_TITLE} (Atom)" href="${KB_ROOT}atom.xml">
${script ? `<script src="${script}" defer></script>\n` : ''}</head>
<body>
<div class="fr-skiplinks">
  <nav class="fr-container" aria-label="Accès rapide">
    <ul class="fr-skiplinks__list">
      <li><a class="fr-link" href="#contenu">Contenu</a></li>
      <li><a class="fr-link" href="#pied-de-page">Pied de page</a></li>
    </ul>
  </nav>
</div>
<header class="fr-header">
  <div class="fr-header__body">
    <div class="fr-container">
      <div class="fr-header__body-row">
        <div class="fr-header__brand fr-enlarge-link">
          <div class="fr-header__brand-top">
            <div class="fr-header__logo">
              <p class="fr-logo">Académie<br>de Dijon</p>
            </div>
          </div>
          <div class="fr-header__service">
            <a href="${KB_ROOT}"><p class="fr-header__service-title">Assistance LSUN<span class="fr-sr-only"> – accueil de la base de connaissances</span></p></a>
            <p class="fr-header__service-tagline">Base de connaissances du 1<sup>er</sup> degré</p>
          </div>
        </div>
      </div>
    </div>
  </div>
</header>
<main id="contenu" tabindex="-1" class="fr-container fr-py-4w">
${main.trim()}
</main>
<footer class="fr-footer" id="pied-de-page">
  <div class="fr-container">
    <div class="fr-footer__body">
      <div class="fr-footer__brand">
        <p class="fr-logo">Académie<br>de Dijon</p>
      </div>
      <div class="fr-footer__content">
        <p class="fr-footer__content-desc">${desk} : réponses aux questions des directeurs et directrices d’école sur LSU et LSUN.</p>
      </div>
    </div>
    <div class="fr-footer__bottom">
      <ul class="fr-footer__bottom-list">
        <li class="fr-footer__bottom-item"><a class="fr-footer__bottom-link" href="${KB_ROOT}">Accueil de la base de connaissances</a></li>
        <li class="fr-footer__bottom-item"><a class="fr-footer__bottom-link" href="${KB_ROOT}feed.json">Flux JSON Feed</a></li>
        <li class="fr-footer__bottom-item"><a class="fr-footer__bottom-link" href="${KB_ROOT}atom.xml">Flux Atom</a></li>
      </ul>
    </div>
  </div>
</footer>
</body>
</html>
`;
}
