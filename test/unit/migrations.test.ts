import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { MIGRATIONS_DIR, splitStatements } from '../../src/store/migrations';

describe('splitStatements', () => {
  test('a semicolon at the end of a line ends a statement; comment lines are dropped', () => {
    const sql = [
      '-- a comment; with a semicolon;',
      'CREATE TABLE a (x String)',
      'ENGINE = Memory;',
      '',
      '  -- indented comment',
      'CREATE TABLE b (y String) ENGINE = Memory;   ',
      'INSERT INTO b VALUES (\'x;y\')',
    ].join('\n');
    expect(splitStatements(sql)).toEqual([
      'CREATE TABLE a (x String)\nENGINE = Memory',
      'CREATE TABLE b (y String) ENGINE = Memory',
      "INSERT INTO b VALUES ('x;y')",
    ]);
  });

  test('nothing but comments and blank lines is no statement', () => {
    expect(splitStatements('-- only a comment\n\n   \n')).toEqual([]);
  });

  test('the first migration splits into its five tables', async () => {
    const sql = await readFile(path.join(MIGRATIONS_DIR, '001_sources.sql'), 'utf8');
    const statements = splitStatements(sql);
    expect(statements.map((s) => /CREATE TABLE IF NOT EXISTS (\w+)/.exec(s)?.[1])).toEqual([
      'customers',
      'orders',
      'marketing_emails',
      'weblogs',
      'ingest_checkpoints',
    ]);
  });
});
