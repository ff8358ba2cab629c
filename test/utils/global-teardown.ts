// Jest global teardown: stops the services that global-setup.ts started for this run, and only those.
import { execFileSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import * as path from 'node:path';

const SERVICES_SCRIPT = path.resolve(__dirname, '..', '..', 'scripts', 'services.sh');

export default async function globalTeardown(): Promise<void> {
  const consoleCopy = process.env['C360_TEST_CONSOLE_DIR'];
  if (consoleCopy) await rm(consoleCopy, { recursive: true, force: true });
  const started = (process.env['C360_SERVICES_STARTED_BY_TESTS'] ?? '').split(',').filter(Boolean);
  if (started.length === 0 || process.env['C360_KEEP_SERVICES'] === '1') return;
  execFileSync('bash', [SERVICES_SCRIPT, 'stop', ...started], { stdio: ['ignore', 'ignore', 'inherit'] });
}
