import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { ConfigError } from '../../src/config';
import { loadEmbeddedEngine } from '../../src/store/clickhouse';

const REPO_ROOT = path.resolve(__dirname, '..', '..');

describe('the embedded engine (chdb) is optional', () => {
  it('is not loaded by importing the store, so a server install runs without it', () => {
    // A fresh process: jest's own module registry would not show what Node loads.
    const script =
      "require('./src/store/clickhouse.ts');" +
      "process.stdout.write(JSON.stringify(Object.keys(require.cache).filter((f) => f.includes('/node_modules/chdb/'))))";
    const loaded = JSON.parse(execFileSync(process.execPath, ['--require', 'tsx/cjs', '-e', script], { cwd: REPO_ROOT, encoding: 'utf8' })) as string[];
    expect(loaded).toEqual([]);
  });

  it('is loaded in embedded mode', () => {
    const engine = loadEmbeddedEngine();
    expect(typeof engine.createChdbConnection).toBe('function');
  });

  it('names the fix when the package is missing', () => {
    const missing = () => loadEmbeddedEngine('chdb-that-is-not-installed/connection');
    expect(missing).toThrow(ConfigError);
    expect(missing).toThrow(/not installed \(Cannot find module 'chdb-that-is-not-installed\/connection'.*npm install chdb.*CLICKHOUSE_URL/);
  });
});
