import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadEnvFile } from '../../src/config';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'c360-env-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('.env', () => {
  it('is read by the gateway from its working directory, and the environment wins over it', () => {
    // Two invalid values: the gateway stops at configuration and names each value it read, with its source.
    writeFileSync(path.join(dir, '.env'), 'PORT=from-file\nLOG_LEVEL=from-file\n');
    const run = spawnSync(process.execPath, ['--require', require.resolve('tsx/cjs'), path.join(REPO_ROOT, 'src', 'main.ts')], {
      cwd: dir,
      encoding: 'utf8',
      env: { PATH: process.env['PATH'], PORT: 'from-environment', TSX_TSCONFIG_PATH: path.join(REPO_ROOT, 'tsconfig.json') },
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('PORT="from-environment"');
    expect(run.stderr).toContain('LOG_LEVEL="from-file"');
  });

  it('is optional', () => {
    expect(loadEnvFile(path.join(dir, '.env'))).toBe(false);
  });

});
