import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { cp, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Config } from '@jest/types';

const ROOT = path.resolve(__dirname, '..', '..');
const SOURCES = path.join(ROOT, 'src', 'console');
const OUT = path.join(ROOT, 'dist', 'console');
const STAMP = path.join(OUT, '.source-hash');

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

/** A hash of everything the console build reads: its sources and the locked dependency versions. */
async function sourceHash(): Promise<string> {
  const hash = createHash('sha256');
  const files = [...(await filesUnder(SOURCES)), path.join(ROOT, 'package-lock.json')].sort();
  for (const file of files) {
    hash.update(path.relative(ROOT, file)).update('\0').update(await readFile(file)).update('\0');
  }
  return hash.digest('hex');
}

/** The files under a built console (default dist/console) that its two pages load (`/assets/…`) and that are missing. */
export async function missingAssets(dir = OUT): Promise<string[]> {
  const missing: string[] = [];
  for (const page of ['index.html', path.join('graphiql', 'index.html')]) {
    const file = path.join(dir, page);
    if (!existsSync(file)) {
      missing.push(page);
      continue;
    }
    for (const [, asset] of (await readFile(file, 'utf8')).matchAll(/(?:src|href)="\/(assets\/[^"]+)"/g)) {
      if (!existsSync(path.join(dir, asset!))) missing.push(asset!);
    }
  }
  return missing;
}

/**
 * Builds dist/console (`npm run build:console`) unless it was built from the current sources and every file
 * its pages load is there: the browser tests run against the built console, as `npm start` serves it.
 */
export async function ensureConsoleBuilt(): Promise<{ built: boolean }> {
  const hash = await sourceHash();
  if (existsSync(STAMP) && (await readFile(STAMP, 'utf8')) === hash && (await missingAssets()).length === 0) {
    return { built: false };
  }
  try {
    await promisify(execFile)('npm', ['run', '--silent', 'build:console'], { cwd: ROOT, maxBuffer: 32 * 1024 * 1024 });
  } catch (err) {
    const { stdout = '', stderr = '' } = err as { stdout?: string; stderr?: string };
    throw new Error(`npm run build:console failed:\n${stdout}\n${stderr}`);
  }
  const missing = await missingAssets();
  if (missing.length > 0) throw new Error(`npm run build:console left files its pages load missing: ${missing.join(', ')}`);
  await writeFile(STAMP, hash);
  return { built: true };
}

/** Whether this run selected a browser test (test/e2e), which needs the built console. */
export function consoleTestsSelected(globalConfig: Pick<Config.GlobalConfig, 'testPathPattern'>): boolean {
  const dir = path.join(ROOT, 'test', 'e2e');
  if (!existsSync(dir)) return false;
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.test.ts'))
    .map((f) => path.join(dir, f));
  const pattern = globalConfig.testPathPattern;
  if (!pattern) return files.length > 0;
  const re = new RegExp(pattern, 'i');
  return files.some((f) => re.test(f));
}

/**
 * A copy of the built console for this test run alone (the browser tests' gateways serve it, through
 * C360_TEST_CONSOLE_DIR): a build of dist/console started elsewhere while the tests run (`npm run dev:console`,
 * `npm run build` in another terminal) cannot change or empty it under them.
 */
export async function snapshotConsole(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'c360-console-'));
  await cp(OUT, dir, { recursive: true });
  return dir;
}
