/**
 * Builds the staff console (React + DSFR) into `dist/console`, which `npm start` serves next to
 * the API and CloudFront serves in AWS. `npm run console:dev` serves it with hot reload and
 * forwards the API, the local sign-in and `/config.json` to a desk started with `npm start`.
 */
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { dsfrAssets } from './dsfr-assets.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const desk = process.env.LSUN_DESK_URL ?? `http://127.0.0.1:${process.env.LSUN_HTTP_PORT ?? '3000'}`;

export default defineConfig({
  root: here,
  publicDir: 'public',
  plugins: [react(), dsfrAssets()],
  build: {
    outDir: fileURLToPath(new URL('../dist/console', import.meta.url)),
    emptyOutDir: true,
    // Inlined assets would be data: URLs; served files keep the CSP's img-src/font-src simple.
    assetsInlineLimit: 0,
    sourcemap: true,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    host: '127.0.0.1',
    port: Number(process.env.LSUN_CONSOLE_DEV_PORT ?? 5173),
    strictPort: true,
    proxy: {
      '/api': desk,
      '/local-idp': desk,
      '/config.json': desk,
    },
  },
});
