// Jest global setup: starts the Kafka broker and the MongoDB-wire server once for the whole run
// when a selected test file needs them (test/integration/ingest*), and hands their addresses to
// the test workers through KAFKA_BROKERS / MONGO_URL. Given addresses are used as they are.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import type { Config } from '@jest/types';
import { consoleTestsSelected, ensureConsoleBuilt, snapshotConsole } from './console';
import { ensureServices } from './services';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const SERVICES_SCRIPT = path.join(REPO_ROOT, 'scripts', 'services.sh');
const NEEDS_SERVICES = /^ingest.*\.test\.ts$/;

/** Test files that need the services, among those this run selected. */
export function selectedFilesNeedingServices(globalConfig: Pick<Config.GlobalConfig, 'testPathPattern'>): string[] {
  const dir = path.join(REPO_ROOT, 'test', 'integration');
  const files = readdirSync(dir)
    .filter((f) => NEEDS_SERVICES.test(f))
    .map((f) => path.join(dir, f));
  const pattern = globalConfig.testPathPattern;
  if (!pattern) return files;
  const re = new RegExp(pattern, 'i');
  return files.filter((f) => re.test(f));
}

function running(name: 'kafka' | 'mongo'): boolean {
  try {
    execFileSync('bash', [SERVICES_SCRIPT, 'status', name], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export default async function globalSetup(globalConfig: Config.GlobalConfig): Promise<void> {
  // The browser tests (test/e2e) load the console that `npm run build:console` writes to dist/console.
  if (consoleTestsSelected(globalConfig)) {
    await ensureConsoleBuilt();
    process.env['C360_TEST_CONSOLE_DIR'] = await snapshotConsole();
  }
  if (selectedFilesNeedingServices(globalConfig).length === 0) return;
  const given = { kafka: Boolean(process.env['KAFKA_BROKERS']?.trim()), mongo: Boolean(process.env['MONGO_URL']?.trim()) };
  // Only what this run starts is stopped at its end (C360_KEEP_SERVICES=1 keeps it running).
  const startedHere = (['kafka', 'mongo'] as const).filter((name) => !given[name] && !running(name));
  const addresses = await ensureServices(['kafka', 'mongo']);
  process.env['KAFKA_BROKERS'] = addresses.kafkaBrokers!.join(',');
  process.env['MONGO_URL'] = addresses.mongoUrl!;
  process.env['C360_SERVICES_STARTED_BY_TESTS'] = startedHere.join(',');
}
