/**
 * The HTTP headers the console's static files are served with: a strict Content-Security-Policy
 * and the usual hardening headers. The local front adds them (`staticHeaders` of
 * `local/http-front.ts`); in AWS, CloudFront's response headers policy must carry the same
 * values (built from `consoleSecurityHeaders({ authOrigin, https: true })`).
 *
 * Why each CSP directive is what it is:
 * - `script-src 'self'`: the console's only scripts are its bundled files; nothing inline, no eval.
 * - `style-src 'self'` plus two hashes: react-dsfr writes one inline `<style>` to set the page's
 *   `color-scheme` (light or dark); only those two exact texts are allowed. The React app sets
 *   styles through the CSSOM, which the CSP does not govern.
 * - `img-src 'self' data: https:`: DSFR's stylesheet embeds small SVGs as data URLs; `https:`
 *   lets a staff member load a mail's remote images after clicking « Afficher les images
 *   distantes » (the sandboxed mail frame inherits this policy; until the click the mail's own
 *   stricter policy and the sanitiser keep them off).
 * - `connect-src 'self'` and the Cognito domain only: the API is on the console's own origin
 *   (CloudFront routes `/api/*` to the HTTP API, the local front serves it), and the console
 *   calls Cognito's token endpoint for the PKCE code exchange and the refresh. No API Gateway
 *   host, so an injected script could not reach another API of the region.
 * - `frame-src 'self'`: only the console's own sandboxed `srcdoc` frames (mail HTML).
 * - `frame-ancestors 'none'`, `form-action 'self'`, `base-uri 'none'`, `object-src 'none'`.
 */
import { createHash } from 'node:crypto';

/** The two inline styles react-dsfr's colour-scheme logic writes (`useIsDark/client.js`). */
const DSFR_COLOR_SCHEME_STYLES = [':root { color-scheme: light; }', ':root { color-scheme: dark; }'];

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

export type ConsoleHeadersOptions = {
  /** Origin of Cognito's managed login and token endpoint (`https://<domain>.auth.<region>.amazoncognito.com`). */
  authOrigin?: string;
  /** Served over HTTPS (CloudFront): adds HSTS and `upgrade-insecure-requests`. Off locally (plain http on loopback). */
  https?: boolean;
};

/** The Content-Security-Policy of the console. */
export function consoleContentSecurityPolicy(options: ConsoleHeadersOptions = {}): string {
  const connect = ["'self'", options.authOrigin].filter(
    (source): source is string => source !== undefined && source !== '',
  );
  const directives = [
    "default-src 'self'",
    "script-src 'self'",
    `style-src 'self' ${DSFR_COLOR_SCHEME_STYLES.map(sha256).join(' ')}`,
    "img-src 'self' data: https:",
    "font-src 'self'",
    `connect-src ${connect.join(' ')}`,
    "frame-src 'self'",
    "worker-src 'none'",
    "manifest-src 'self'",
    "media-src 'none'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(options.https ? ['upgrade-insecure-requests'] : []),
  ];
  return directives.join('; ');
}

/**
 * Every header of the console's static files, names in lower case. A plain record so that it
 * can be handed to the local front and turned into CloudFront's response headers policy.
 */
export function consoleSecurityHeaders(options: ConsoleHeadersOptions = {}): Record<string, string> {
  return {
    'content-security-policy': consoleContentSecurityPolicy(options),
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    ...(options.https ? { 'strict-transport-security': 'max-age=63072000; includeSubDomains' } : {}),
  };
}
