import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { consoleTestsSelected } from '../utils/console';
import { selectedFilesNeedingServices } from '../utils/global-setup';

const ROOT = path.resolve(__dirname, '..', '..');
const scripts = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

const testFiles = readdirSync(path.join(ROOT, 'test'), { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.test.ts'))
  .map((f) => `test/${f.split(path.sep).join('/')}`);

/** The folders a `jest <folder>…` script selects, and the pattern jest makes of them (its arguments joined by |). */
function selection(script: string): { folders: string[]; testPathPattern: string } {
  const [runner, ...folders] = scripts[script]!.split(' ');
  expect(runner).toBe('jest');
  return { folders, testPathPattern: folders.join('|') };
}

describe('npm scripts', () => {
  test('npm test runs the whole suite', () => {
    expect(scripts['test']).toBe('jest');
  });

  test('test:unit, test:integration and test:e2e together run every test file, each once', () => {
    const parts = ['test:unit', 'test:integration', 'test:e2e'].map(selection);
    for (const file of testFiles) {
      const owners = parts.filter((p) => p.folders.some((folder) => file.startsWith(`${folder}/`)));
      expect({ file, owners: owners.length }).toEqual({ file, owners: 1 });
    }
  });

  test('test:unit needs no services: no Kafka, MongoDB or browser', () => {
    const unit = selection('test:unit');
    expect(selectedFilesNeedingServices(unit)).toEqual([]);
    expect(consoleTestsSelected(unit)).toBe(false);
    // The selection logic itself sees the files that do need them.
    expect(selectedFilesNeedingServices(selection('test:integration')).length).toBeGreaterThan(0);
    expect(consoleTestsSelected(selection('test:e2e'))).toBe(true);
  });

  test('dev (tsx, without emitted decorator metadata) builds the same schema as the compiled gateway', () => {
    expect(scripts['dev']).toMatch(/\btsx watch\b.*src\/main\.ts/);
    const script = "require('reflect-metadata'); require('./src/schema/build').printContractSchema().then((s) => process.stdout.write(s))";
    const sdl = execFileSync(process.execPath, ['--require', 'tsx/cjs', '-e', script], { cwd: ROOT, encoding: 'utf8' });
    expect(sdl).toBe(readFileSync(path.join(ROOT, 'schema.graphql'), 'utf8'));
  });
});
