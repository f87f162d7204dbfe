/**
 * How the public knowledge base (`/kb/`) is served, stated once for CloudFront
 * (`infra/constructs/kb-site.ts`) and for the local front (`local/http-front.ts`), so both
 * answer the same: its security headers, its cache lifetime, the rewrite of directory URLs,
 * its French « page introuvable », and the throttle of the public search route.
 */

/** The public search route: no token, so API Gateway throttles it apart from the staff routes. */
export const PUBLIC_SEARCH_ROUTE = 'GET /api/public/articles';

/**
 * The public search's throttle: steady requests per second and burst. A director's search box
 * sends a request per search, a few a minute; 10/s with bursts of 20 leaves room for a whole
 * académie and caps what a script can cost in Lambda time.
 */
export const PUBLIC_SEARCH_THROTTLE = { ratePerSecond: 10, burst: 20 } as const;

/**
 * Seconds CloudFront and browsers may keep a public file. Short rather than an invalidation
 * after each export: a publication shows within a minute, the export needs no CloudFront
 * permission (nor the distribution's id, which the functions' environment would tie to it), and
 * invalidations beyond the free thousand paths a month are paid. PANDA polls the feeds far less
 * often than this.
 */
export const KB_MAX_AGE_SECONDS = 60;

/** The Cache-Control of every public file, as CloudFront's cache policy applies it. */
export const KB_CACHE_CONTROL = `public, max-age=${KB_MAX_AGE_SECONDS}`;

export type KbHeadersOptions = {
  /** Served over HTTPS (CloudFront): adds HSTS and `upgrade-insecure-requests`. */
  https?: boolean;
};

/**
 * The security headers of the public pages. Stricter than the console's: the pages load only
 * the DSFR (`/dsfr/*`, served beside the console) and `/kb/search.js` from their own origin, and
 * fetch the public search (`/api/public/articles`) on it too (CloudFront routes `/api/*` to the
 * HTTP API); no inline script or style, no frame, nothing from elsewhere.
 */
export function kbSecurityHeaders(options: KbHeadersOptions = {}): Record<string, string> {
  const directives = [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(options.https ? ['upgrade-insecure-requests'] : []),
  ];
  return {
    'content-security-policy': directives.join('; '),
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    // The pages link to each other and to nothing private: the origin is enough for statistics.
    'referrer-policy': 'strict-origin-when-cross-origin',
    'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
    'cross-origin-opener-policy': 'same-origin',
    ...(options.https ? { 'strict-transport-security': 'max-age=63072000; includeSubDomains' } : {}),
  };
}

/**
 * The S3 key behind a public path: `/kb/` and any `/kb/…/` directory are their `index.html`.
 * Undefined for a path outside `/kb/`, or one that tries to leave it (`..`, encoded or not, a
 * backslash, a NUL): those are refused rather than normalised.
 */
export function kbKeyOf(rawPath: string): string | undefined {
  if (!rawPath.startsWith('/kb/')) return undefined;
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return undefined;
  const segments = decoded.slice(1).split('/');
  if (segments.some((segment) => segment === '..' || segment === '.' || segment.startsWith('.'))) {
    return undefined;
  }
  return decoded.endsWith('/') ? `${decoded.slice(1)}index.html` : decoded.slice(1);
}

/**
 * The CloudFront Function of the `/kb` behaviours: `/kb` is sent to `/kb/`, and a directory URL
 * (`/kb/`, ending in `/`) is its `index.html`, as S3 has no index document behind OAC. The same
 * rule as {@link kbKeyOf}. Plain ES5: CloudFront Functions run a restricted engine.
 */
export const kbRewriteCode = `function handler(event) {
  var request = event.request;
  if (request.uri === '/kb') {
    return { statusCode: 301, statusDescription: 'Moved Permanently', headers: { location: { value: '/kb/' } } };
  }
  if (request.uri.charAt(request.uri.length - 1) === '/') {
    request.uri = request.uri + 'index.html';
  }
  return request;
}`;

/** Where the « page introuvable » of the public pages is served (beside the console's files). */
export const KB_NOT_FOUND_PATH = '/kb-404.html';

/** The French « page introuvable » of the public pages, styled with the DSFR served beside them. */
export function kbNotFoundPage(): string {
  return `<!doctype html>
<html lang="fr" data-fr-scheme="system">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Page introuvable – Base de connaissances – Assistance LSUN</title>
<link rel="stylesheet" href="/dsfr/dsfr.min.css">
</head>
<body>
<main id="contenu" class="fr-container fr-my-7w" role="main">
<h1>Page introuvable</h1>
<p class="fr-text--lead">La page que vous cherchez n’existe pas ou n’est plus publiée.</p>
<p>Si vous avez suivi un lien d’un courriel, l’article a peut-être été retiré ou remplacé.</p>
<ul class="fr-btns-group fr-btns-group--inline-md">
<li><a class="fr-btn" href="/kb/">Retour à la base de connaissances</a></li>
</ul>
</main>
</body>
</html>
`;
}
