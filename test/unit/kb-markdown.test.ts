import { describe, expect, it } from 'vitest';
import { plainText, renderMarkdown } from '#shared/kb/markdown.ts';

/** Every attribute of every tag in the HTML, as `tag attribute`. */
function attributesOf(html: string): string[] {
  return [...html.matchAll(/<([a-z0-9]+)([^>]*)>/gi)].flatMap(([, tag, attributes]) =>
    [...(attributes ?? '').matchAll(/\s([^\s=/"]+)(?:="[^"]*")?/g)].map(([, name]) => `${tag} ${name}`),
  );
}

describe('renderMarkdown', () => {
  it('renders paragraphs, emphasis, inline code and strikethrough', () => {
    // Act
    const html = renderMarkdown('Un *mot*, un **fort**, du `code` et ~~rien~~.\n\nDeuxième paragraphe.');

    // Assess
    expect(html).toContain(
      '<p>Un <em>mot</em>, un <strong>fort</strong>, du <code>code</code> et <s>rien</s>.</p>',
    );
    expect(html).toContain('<p>Deuxième paragraphe.</p>');
  });

  it('shifts headings down a level, from h2 to h4, so the page title stays the only h1', () => {
    const html = renderMarkdown('# Un\n\n## Deux\n\n### Trois\n\n#### Quatre\n\n###### Six');

    expect(html).not.toContain('<h1');
    expect(html).toContain('<h2>Un</h2>');
    expect(html).toContain('<h3>Deux</h3>');
    expect(html).toContain('<h4>Trois</h4>');
    expect(html).toContain('<h4>Quatre</h4>');
    expect(html).toContain('<h4>Six</h4>');
    expect(html).not.toMatch(/<h[56]/);
  });

  it('renders bulleted and numbered lists, keeping where a numbered list starts', () => {
    const html = renderMarkdown('- un\n- deux\n\n3. trois\n4. quatre');

    expect(html).toMatch(/<ul>\s*<li>un<\/li>\s*<li>deux<\/li>\s*<\/ul>/);
    expect(html).toMatch(/<ol start="3">\s*<li>trois<\/li>\s*<li>quatre<\/li>\s*<\/ol>/);
  });

  it('renders code blocks, quotes and tables, without the alignment styles', () => {
    const html = renderMarkdown(
      '```\nlsu --export\n```\n\n> Citation\n\n| Période | État |\n|:--|--:|\n| T1 | close |',
    );

    expect(html).toContain('<pre><code>lsu --export\n</code></pre>');
    expect(html).toMatch(/<blockquote>\s*<p>Citation<\/p>\s*<\/blockquote>/);
    expect(html).toContain('<th>Période</th>');
    expect(html).toContain('<td>close</td>');
    expect(html).not.toContain('style=');
  });

  it('keeps http(s) and mailto links, with rel="noopener", and turns bare addresses into links', () => {
    const html = renderMarkdown(
      '[Éduscol](https://eduscol.education.fr/lsu "Page LSU"), [écrire](mailto:assistance1d@ac-dijon.fr) ou https://ac-dijon.fr',
    );

    expect(html).toContain(
      '<a href="https://eduscol.education.fr/lsu" title="Page LSU" rel="noopener">Éduscol</a>',
    );
    expect(html).toContain('<a href="mailto:assistance1d@ac-dijon.fr" rel="noopener">écrire</a>');
    expect(html).toContain('<a href="https://ac-dijon.fr" rel="noopener">https://ac-dijon.fr</a>');
  });

  it('keeps the text of a link to anything but an http(s) or mailto address, without the link', () => {
    const html = renderMarkdown('[relatif](/kb/articles/2.html), [ftp](ftp://example.fr/x), [ancre](#x)');

    expect(html).not.toContain('<a');
    expect(html).not.toContain('href');
    expect(html).toContain('relatif');
    expect(html).toContain('ancre');
  });

  it.each([
    ['javascript:', '[clic](javascript:alert(1))'],
    ['JavaScript: in mixed case', '[clic](JaVaScRiPt:alert(1))'],
    ['data:', '[clic](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)'],
    ['vbscript:', '[clic](vbscript:msgbox(1))'],
    ['an entity-encoded javascript:', '[clic](&#x6A;avascript:alert(1))'],
    ['a decimal-entity javascript:', '[clic](&#106;avascript:alert(1))'],
    ['a tab inside javascript:', '[clic](java&#9;script:alert(1))'],
    ['an autolink to javascript:', '<javascript:alert(1)>'],
    ['a reference link to javascript:', '[clic][x]\n\n[x]: javascript:alert(1)'],
  ])('drops a link to %s', (_label, markdown) => {
    const html = renderMarkdown(markdown);

    expect(html).not.toContain('<a');
    expect(html).not.toMatch(/href\s*=/i);
  });

  it.each([
    ['a script element', '<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
    [
      'an image with onerror',
      '<img src=x onerror="alert(1)">',
      '&lt;img src=x onerror=&quot;alert(1)&quot;&gt;',
    ],
    [
      'an iframe',
      '<iframe src="about:blank"></iframe>',
      '&lt;iframe src=&quot;about:blank&quot;&gt;&lt;/iframe&gt;',
    ],
    ['an image with onerror inside a sentence', 'Texte <img src=x onerror=alert(1)> suite', '&lt;img src=x'],
    ['a comment and a processing instruction', '<!-- x --> et <?php echo 1; ?>', '&lt;!-- x --&gt;'],
    ['a link with an entity trick', '<a href="&#x6A;avascript:alert(1)">x</a>', '&lt;a href='],
    ['a style element', '<style>body{display:none}</style>', '&lt;style&gt;'],
  ])('writes raw HTML (%s) as text', (_label, markdown, escaped) => {
    const html = renderMarkdown(markdown);

    expect(html).toContain(escaped);
    expect(html).not.toMatch(/<(script|img|iframe|style)\b/i);
    expect(html).not.toMatch(/<a\b/i);
  });

  it('writes raw HTML inside a block of its own as text too', () => {
    const html = renderMarkdown('<div onclick="alert(1)">\n\n<b>gras</b>\n\n</div>');

    expect(html).not.toMatch(/<(div|b)\b/);
    expect(html).toContain('&lt;div onclick=&quot;alert(1)&quot;&gt;');
  });

  it.each([
    ['decimal', '&#60;script&#62;alert(1)&#60;/script&#62;'],
    ['hexadecimal', '&#x3C;img src=x onerror=alert(1)&#x3E;'],
    ['named', '&lt;script&gt;alert(1)&lt;/script&gt;'],
  ])('keeps markup written with %s entities as text', (_label, markdown) => {
    const html = renderMarkdown(markdown);

    expect(html).toMatch(/^<p>&lt;(script|img)/);
    expect(html).not.toMatch(/<(script|img)\b/i);
  });

  it.each([
    // markdown-it's own check lets these through; the allow-list of schemes does not.
    ['a data: image', '[clic](data:image/png;base64,iVBORw0KGgo=)'],
    ['a protocol-relative address', '[clic](//evil.example/x)'],
    ['a percent-encoded tab inside javascript:', '[clic](java%09script:alert(1))'],
    ['an autolink to ftp:', '<ftp://example.fr/x>'],
    ['a file: address', '[clic](file:///etc/passwd)'],
    ['an image inside a link to javascript:', '[![image](https://example.fr/a.png)](javascript:alert(1))'],
  ])('drops the link of %s, however markdown-it reads it', (_label, markdown) => {
    const html = renderMarkdown(markdown);

    expect(html).not.toContain('<a');
    expect(html).not.toMatch(/href\s*=/i);
    expect(html).not.toMatch(/<img\b/i);
  });

  it('keeps a link with its text when only the link around a dropped one is allowed', () => {
    const html = renderMarkdown('**[lien](https://example.fr) *[autre](ftp://x)***');

    expect(html).toBe(
      '<p><strong><a href="https://example.fr" rel="noopener">lien</a> <em>autre</em></strong></p>\n',
    );
  });

  it('percent-encodes markup in an address, so it cannot leave the href', () => {
    const html = renderMarkdown('[a](https://example.fr/?q="><script>alert(1)</script>)');

    expect(html).toBe(
      '<p><a href="https://example.fr/?q=%22%3E%3Cscript%3Ealert(1)%3C/script%3E" rel="noopener">a</a></p>\n',
    );
  });

  it('keeps a code block’s language inside its class attribute, however it is written', () => {
    const html = renderMarkdown('```js" onmouseover="alert(1)\ncode\n```');

    expect(attributesOf(html)).toEqual(['code class']);
    expect(html).toContain('<code class="language-js&quot;">');
  });

  it('writes no tag and no attribute outside the allow-list, whatever the input', () => {
    const hostile = [
      '| a | b |\n|:--|--:|\n| <script> | [x](javascript:1) |',
      '> citation [x](javascript:alert(1)) <script>\n>\n> - liste\n\n1. un\n\n10) dix',
      '# h1\n###### h6\nSetext\n======\n\n***\n\nLigne  \ncassée',
      '![x](https://example.fr/a.png "t\\" onerror=\\"alert(1)") <svg onload=alert(1)>',
      '```\n</code></pre><script>alert(1)</script>\n```\n\n    <script>indent</script>',
      'www.example.fr, contact@ac-dijon.fr, http://example.fr/<script>, <assistance@ac-dijon.fr>',
      '[c](https://example.fr "t\\" onclick=\\"x") ~~barré~~ `code <b>` **gras** _it_',
    ];
    const allowed = new Set([
      'p',
      'br',
      'hr',
      'h2',
      'h3',
      'h4',
      'ul',
      'ol',
      'ol start',
      'li',
      'em',
      'strong',
      's',
      'code',
      'code class',
      'pre',
      'blockquote',
      'table',
      'thead',
      'tbody',
      'tr',
      'th',
      'td',
      'a',
      'a href',
      'a title',
      'a rel',
    ]);

    for (const markdown of hostile) {
      const html = renderMarkdown(markdown);
      const tags = [...html.matchAll(/<\/?([a-z0-9]+)/gi)].map(([, tag]) => tag ?? '');
      for (const used of [...tags, ...attributesOf(html)]) expect(allowed, markdown).toContain(used);
    }
  });

  it('shows an image as its alternative text, loading nothing', () => {
    const html = renderMarkdown('![Capture <de> l’écran](https://example.fr/capture.png)');

    expect(html).not.toContain('<img');
    expect(html).not.toContain('capture.png');
    expect(html).toContain('Capture &lt;de&gt; l’écran');
  });

  it('leaves no attribute in a tag but those allowed, however a link is crafted', () => {
    const html = renderMarkdown(
      '[a](https://example.fr/" onmouseover="alert(1)) [b](<https://example.fr/x" style="x>) [c](https://example.fr "t\\" onclick=\\"x")',
    );

    expect(attributesOf(html)).toEqual(expect.arrayContaining(['a href', 'a rel']));
    for (const attribute of attributesOf(html)) {
      expect(['a href', 'a rel', 'a title']).toContain(attribute);
    }
  });

  it('keeps the redaction placeholders as they are', () => {
    const html = renderMarkdown('Écrivez à [adresse électronique] au sujet de [nom] ([UAI]).');

    expect(html).toBe('<p>Écrivez à [adresse électronique] au sujet de [nom] ([UAI]).</p>\n');
  });

  it('gives the same HTML for the same Markdown (no state between calls)', () => {
    const markdown = '# Titre\n\n[lien](https://example.fr)';

    expect(renderMarkdown(markdown)).toBe(renderMarkdown(markdown));
  });
});

describe('plainText', () => {
  it('takes the words without the markup, spaces collapsed', () => {
    expect(plainText('# Export\n\nLe **bulletin** ne `s’affiche`\npas. [Aide](https://example.fr)')).toBe(
      'Export Le bulletin ne s’affiche pas. Aide',
    );
  });

  it('cuts a long text at a word, with an ellipsis, within the limit', () => {
    const text = plainText('bulletin périodique '.repeat(40), 100);

    expect(text.length).toBeLessThanOrEqual(100);
    expect(text.endsWith('…')).toBe(true);
    expect(text).toMatch(/(bulletin|périodique)…$/);
  });
});
