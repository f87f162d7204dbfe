/**
 * Serves and ships the DSFR's own static files (stylesheet, Marianne fonts, icons, favicons)
 * from `@codegouvfr/react-dsfr`, so the console loads nothing from the internet.
 *
 * This does what react-dsfr's `copy-dsfr-to-public` does for a Vite app, without its side
 * effects: that script rewrites `index.html` and keeps only the icons `dsfr.min.css` itself
 * refers to (the others come from `only-include-used-icons`, which edits files under
 * `node_modules`). Here the build copies the whole icon set (4 MB, fetched only when used) to
 * `dist/console/dsfr/`, and the dev server answers `/dsfr/*` from the package.
 */
import { cpSync, createReadStream, existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import type { Plugin } from 'vite';

/** The DSFR files the console's `index.html` and `dsfr.min.css` refer to. */
const SHIPPED = ['dsfr.min.css', 'fonts', 'favicon', 'icons', 'utility/icons/icons.min.css'];

const TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webmanifest': 'application/manifest+json',
};

/** Where the DSFR distribution sits inside react-dsfr (the version react-dsfr was built against). */
export function dsfrDistDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@codegouvfr/react-dsfr/package.json')), 'dsfr');
}

/** The Vite plugin: `/dsfr/*` in dev, a copy into `<outDir>/dsfr` at build. */
export function dsfrAssets(): Plugin {
  const source = dsfrDistDir();
  let outDir = '';
  return {
    name: 'lsun-dsfr-assets',
    configResolved(config) {
      outDir = config.build.outDir;
    },
    configureServer(server) {
      server.middlewares.use('/dsfr', (req, res, next) => {
        const path = normalize(decodeURIComponent((req.url ?? '/').split('?')[0] ?? '/')).replace(
          /^[/\\]+/,
          '',
        );
        const file = resolve(source, path);
        if (!file.startsWith(source + sep) || !existsSync(file) || !statSync(file).isFile()) return next();
        res.setHeader('content-type', TYPES[extname(file)] ?? 'application/octet-stream');
        createReadStream(file).pipe(res);
      });
    },
    closeBundle() {
      for (const relative of SHIPPED) {
        cpSync(join(source, relative), join(outDir, 'dsfr', relative), { recursive: true });
      }
    },
  };
}
