import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CONFIG_KEYS, loadConfig } from '../../src/config';

const EXAMPLE = readFileSync(path.join(__dirname, '..', '..', '.env.example'), 'utf8');
const documented = EXAMPLE.split('\n')
  .filter((line) => /^[A-Z][A-Z0-9_]*=/.test(line))
  .map((line) => line.slice(0, line.indexOf('=')));

test('.env.example documents every configuration key, and only those', () => {
  expect([...documented].sort()).toEqual([...CONFIG_KEYS].sort());
});

test('.env.example, as it stands, is a valid configuration', () => {
  const env = Object.fromEntries(
    EXAMPLE.split('\n')
      .filter((line) => /^[A-Z][A-Z0-9_]*=/.test(line))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
  expect(() => loadConfig(env)).not.toThrow();
});
