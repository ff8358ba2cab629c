import path from 'node:path';
import { defineConfig } from 'vite';

/**
 * The support console: the dashboard at `/` and GraphiQL at `/graphiql`, built into dist/console and
 * served by the gateway (src/transport/console.ts). Everything is bundled; nothing loads from a CDN.
 */
const root = import.meta.dirname;

export default defineConfig({
  root,
  base: '/',
  publicDir: false,
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: path.resolve(root, '../../dist/console'),
    emptyOutDir: true,
    // GraphiQL's editor (Monaco) is large by nature; the dashboard's own bundle stays small.
    chunkSizeWarningLimit: 4096,
    rolldownOptions: {
      input: {
        dashboard: path.resolve(root, 'index.html'),
        graphiql: path.resolve(root, 'graphiql/index.html'),
      },
      onwarn(warning, warn) {
        // GraphiQL's dependencies mark React server-component boundaries, which mean nothing in a browser bundle.
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
    },
  },
  worker: { format: 'es' },
});
