/**
 * `search.js`, the index page's enhancement: with it, the search form asks the public search
 * (`GET /api/public/articles?q=`, on the pages' own origin: CloudFront routes `/api/*` to the
 * HTTP API in AWS, the local front does locally) and shows the answer above the full list, announcing the count
 * in the polite live region; without it, the full list is there anyway.
 *
 * Plain ES2017 for the browsers of school offices, no dependency, and no `innerHTML`: every text
 * of an answer goes in as text.
 */
export const SEARCH_SCRIPT = `'use strict';
(function () {
  var form = document.getElementById('recherche');
  var input = document.getElementById('q');
  var status = document.getElementById('resultats-statut');
  var results = document.getElementById('resultats');
  var list = document.getElementById('resultats-liste');
  if (!form || !input || !status || !results || !list || !window.fetch || !window.history) return;

  var dates = new Intl.DateTimeFormat('fr-FR', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/Paris' });
  var latest = 0;

  function frenchDate(iso) {
    var time = Date.parse(iso);
    return isNaN(time) ? '' : dates.format(time).replace(/^1 /, '1er ');
  }

  function countText(count) {
    if (count === 0) return 'Aucun article ne correspond à votre recherche.';
    return count === 1 ? '1 article trouvé' : count + ' articles trouvés';
  }

  function element(name, className, text) {
    var node = document.createElement(name);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function entry(item) {
    var li = element('li', 'fr-mb-3w');
    var heading = element('h3', 'fr-h6 fr-mb-1w');
    var link = element('a', '', String(item.title));
    link.href = '/kb/articles/' + encodeURIComponent(String(item.id)) + '.html';
    heading.appendChild(link);
    li.appendChild(heading);
    if (item.application) {
      li.appendChild(element('p', 'fr-badge fr-badge--sm fr-badge--blue-ecume fr-mb-1w', 'Application : ' + item.application));
    }
    if (Array.isArray(item.tags) && item.tags.length > 0) {
      var tags = element('ul', 'fr-tags-group');
      tags.setAttribute('aria-label', 'Étiquettes');
      item.tags.forEach(function (tag) {
        var tagItem = element('li');
        tagItem.appendChild(element('p', 'fr-tag fr-tag--sm', String(tag)));
        tags.appendChild(tagItem);
      });
      li.appendChild(tags);
    }
    var date = frenchDate(item.updatedAt);
    if (date) {
      var updated = element('p', 'fr-text--sm fr-mb-0', 'Mis à jour le ');
      var time = element('time', '', date);
      time.setAttribute('datetime', String(item.updatedAt));
      updated.appendChild(time);
      li.appendChild(updated);
    }
    return li;
  }

  function show(items) {
    list.textContent = '';
    items.forEach(function (item) { list.appendChild(entry(item)); });
    results.hidden = items.length === 0;
  }

  async function search(text) {
    var query = text.trim();
    var ticket = ++latest;
    history.replaceState(null, '', query ? '?q=' + encodeURIComponent(query) : location.pathname);
    if (!query) {
      show([]);
      status.textContent = '';
      return;
    }
    status.textContent = 'Recherche en cours…';
    try {
      var response = await fetch('/api/public/articles?q=' + encodeURIComponent(query), { headers: { Accept: 'application/json' } });
      if (!response.ok) throw new Error('HTTP ' + response.status);
      var body = await response.json();
      if (ticket !== latest) return;
      var items = body && Array.isArray(body.items) ? body.items : [];
      show(items);
      status.textContent = countText(items.length);
    } catch (error) {
      if (ticket !== latest) return;
      show([]);
      status.textContent = 'La recherche est indisponible pour le moment : parcourez la liste de tous les articles ci-dessous.';
    }
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    search(input.value);
  });

  var initial = new URLSearchParams(location.search).get('q');
  if (initial) {
    input.value = initial;
    search(initial);
  }
})();
`;
