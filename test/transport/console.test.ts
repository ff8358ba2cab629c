import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import express from 'express';
import { mountConsole } from '../../src/transport/console';

/** The console's static routes over a directory laid out as `npm run build:console` writes it. */
async function serve(dir: string): Promise<{ url: string; server: Server }> {
  const app = express();
  mountConsole(app, { dir });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'c360-console-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

test('without a build, / says how to build the console', async () => {
  const { url, server } = await serve(path.join(dir, 'missing'));
  try {
    for (const route of ['/', '/graphiql']) {
      const res = await fetch(`${url}${route}`);
      expect(res.status).toBe(503);
      expect(await res.text()).toContain('npm run build');
    }
  } finally {
    server.close();
  }
});

test('serves the dashboard at /, GraphiQL at /graphiql and hashed assets for a year', async () => {
  const built = path.join(dir, 'built');
  await mkdir(path.join(built, 'graphiql'), { recursive: true });
  await mkdir(path.join(built, 'assets'), { recursive: true });
  await writeFile(path.join(built, 'index.html'), '<title>dashboard</title>');
  await writeFile(path.join(built, 'graphiql', 'index.html'), '<title>graphiql</title>');
  await writeFile(path.join(built, 'assets', 'app-abc123.js'), 'export {};');
  const { url, server } = await serve(built);
  try {
    const dashboard = await fetch(`${url}/`);
    expect(dashboard.status).toBe(200);
    expect(await dashboard.text()).toContain('dashboard');
    expect(dashboard.headers.get('cache-control')).toBe('no-cache');
    expect(dashboard.headers.get('content-security-policy')).toContain("default-src 'self'");

    const graphiql = await fetch(`${url}/graphiql?customer=C0000001`);
    expect(await graphiql.text()).toContain('graphiql');

    const asset = await fetch(`${url}/assets/app-abc123.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await fetch(`${url}/assets/nope.js`)).status).toBe(404);
  } finally {
    server.close();
  }
});
