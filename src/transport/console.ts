import { existsSync } from 'node:fs';
import path from 'node:path';
import express from 'express';
import type { Logger } from '../logger';

/** Where `npm run build` writes the console (src/console → dist/console), found from src/ and dist/ alike. */
export const CONSOLE_DIR = path.resolve(__dirname, '..', '..', 'dist', 'console');

const NOT_BUILT =
  'The support console has not been built.\n\n' +
  'Run `npm run build` (it builds the gateway and the console), then reload this page.\n' +
  'The GraphQL API itself is served at /graphql.\n';

/**
 * Pages and assets may come only from this gateway; the socket goes back to it too. Inline styles
 * are allowed because the GraphiQL editor sets them.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self' ws: wss:",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

export interface ConsoleOptions {
  /** Serve GraphiQL at /graphiql (config `graphql.graphiql`, GRAPHIQL). Default true. */
  graphiql?: boolean;
  /** The built console; default dist/console at the package root. */
  dir?: string;
  logger?: Logger;
}

/**
 * The support console, served from the files `npm run build` produced: the dashboard at `/`,
 * GraphiQL at `/graphiql`, their bundles under `/assets`. Nothing is loaded from anywhere else.
 */
export function mountConsole(app: express.Express, options: ConsoleOptions = {}): void {
  const dir = options.dir ?? CONSOLE_DIR;
  if (!existsSync(path.join(dir, 'index.html'))) {
    options.logger?.warn({ dir }, 'support console not built: run `npm run build`');
  }

  // Bundle names carry a content hash, so a file never changes under its name.
  app.use('/assets', express.static(path.join(dir, 'assets'), { index: false, immutable: true, maxAge: '1y' }));

  const page =
    (file: string): express.RequestHandler =>
    (_req, res) => {
      const full = path.join(dir, file);
      // Checked per request: a build made while the gateway runs is picked up on reload.
      if (!existsSync(full)) {
        res.status(503).type('text/plain').send(NOT_BUILT);
        return;
      }
      res.setHeader('cache-control', 'no-cache');
      res.setHeader('content-security-policy', CONTENT_SECURITY_POLICY);
      res.setHeader('x-content-type-options', 'nosniff');
      res.setHeader('referrer-policy', 'no-referrer');
      res.sendFile(full);
    };
  app.get('/', page('index.html'));
  // GRAPHIQL=false switches the editor off (a 404), e.g. in production.
  if (options.graphiql !== false) app.get('/graphiql', page(path.join('graphiql', 'index.html')));
}
