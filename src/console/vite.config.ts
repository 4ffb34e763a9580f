/**
 * Builds the console (Preact, no framework plugin: esbuild compiles the JSX) into
 * `<repo>/dist/console`, which the server serves at `/`.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));
const target = process.env.TRAILWATCH_URL ?? 'http://127.0.0.1:4566';

export default defineConfig({
  root: here,
  base: '/',
  publicDir: 'public',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: fileURLToPath(new URL('../../dist/console', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
  },
  server: {
    // `npx vite --config src/console/vite.config.ts` next to a running server (TRAILWATCH_URL,
    // default http://127.0.0.1:4566): the page from Vite, the API calls (POST /, /api) proxied.
    proxy: {
      '/api': target,
      '^/$': { target, bypass: (req) => (req.method === 'POST' ? undefined : req.url) },
    },
  },
});
