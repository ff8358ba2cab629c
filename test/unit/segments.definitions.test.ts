import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEMO_SEGMENTS_FILE } from '../../src/config';
import { compileSegments } from '../../src/segments/compile';
import { parseDuration, parseInstant } from '../../src/segments/condition';
import { loadSegmentsFile, parseSegments, SegmentsFileError } from '../../src/segments/definitions';

/** The problems a file has, as "line:col reason" strings. */
function problems(source: string): string[] {
  try {
    parseSegments(source, 'test.yml');
  } catch (error) {
    expect(error).toBeInstanceOf(SegmentsFileError);
    return (error as SegmentsFileError).problems.map((p) => `${p.line}:${p.col} ${p.reason}`);
  }
  throw new Error('the file was accepted');
}

const segment = (condition: string, name = 'x') => `segments:\n  - name: ${name}\n    condition:\n${condition}\n`;

describe('a segments file', () => {
  test('the demo file defines the six segments, each with a description', () => {
    const segments = parseSegments(readFileSync(DEMO_SEGMENTS_FILE, 'utf8'), DEMO_SEGMENTS_FILE);
    expect(segments.map((s) => s.name)).toEqual(['vip', 'lapsed', 'new-this-month', 'checkout-errors', 'email-engaged', 'in-store-only']);
    expect(segments.every((s) => s.description)).toBe(true);
  });

  test("the README's example checks", () => {
    const readme = readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
    const example = /### Defining a segment[\s\S]*?```yaml\n([\s\S]*?)```/.exec(readme)![1]!;
    const segments = parseSegments(example, 'README.md');
    expect(segments.map((s) => s.name)).toEqual(['lapsed', 'french-boot-lovers']);
    expect(segments[1]!.condition).toMatchObject({ kind: 'and', items: [{ op: '=' }, { op: 'in', value: ['BOOTS', 'CHELSEA BOOTS'] }, { kind: 'not' }] });
  });

  test('keeps the condition as written, and its structure', () => {
    const [lapsed] = parseSegments(
      segment('      and:\n        - total_orders: { ">=": 1 }\n        - last_order: { older_than: 90 days }', 'lapsed'),
    );
    expect(lapsed!.definition).toBe('and:\n  - total_orders: { ">=": 1 }\n  - last_order: { older_than: 90 days }');
    expect(lapsed!.condition).toMatchObject({
      kind: 'and',
      items: [
        { kind: 'compare', op: '>=', value: 1, at: { line: 5, col: 27 } },
        { kind: 'compare', op: 'older_than', value: 90 * 86_400_000 },
      ],
    });
  });

  test('a fingerprint follows the meaning of the condition, not its layout', () => {
    const a = parseSegments(segment('      total_spent: { ">=": 100 }'))[0]!;
    const b = parseSegments(segment('      total_spent:\n        ">=": 100'))[0]!;
    const c = parseSegments(segment('      total_spent: { ">=": 101 }'))[0]!;
    expect(a.fingerprint).toBe(b.fingerprint);
    expect(a.fingerprint).not.toBe(c.fingerprint);
  });

  test('bad YAML syntax: the line of the error', () => {
    expect(problems('segments:\n  - name: x\n    condition: { total_spent: { ">=": 1 }\n')).toEqual([expect.stringMatching(/^4:1 YAML syntax: /)]);
    expect(problems('segments:\n  - name: x\n  - name: x\n    name: y\n')[0]).toMatch(/^4:5 YAML syntax: Map keys must be unique/);
  });

  test('an unknown field, with the fields there are', () => {
    expect(problems(segment('      total_spend: { ">=": 1 }'))).toEqual([expect.stringMatching(/^4:7 unknown field "total_spend"; the fields are total_spent, /)]);
    expect(problems(segment("      last_error(): { within: 1 day }"))).toEqual(['4:7 field "last_error()": the argument is empty']);
    expect(problems(segment('      country(x): France'))).toEqual(['4:7 field "country" takes no (argument)']);
    expect(problems(segment('      AND: [{ country: France }]'))).toEqual(['4:7 "AND": write and, or, not in lower case']);
  });

  test('a wrong type of value, or an operator the field does not take', () => {
    expect(problems(segment('      total_spent: { ">=": "100" }'))).toEqual(['4:28 "total_spent" >=: needs a number, got string "100"']);
    expect(problems(segment('      country: { ">": France }'))).toEqual(['4:18 operator ">" does not apply to "country" (a string); use one of =, !=, in, not_in, exists']);
    expect(problems(segment('      last_order: { older_than: 90 }'))).toEqual([expect.stringMatching(/^4:33 "last_order" older_than: needs a duration such as "90 days".*got number 90$/)]);
    expect(problems(segment('      last_order: { older_than: 3 fortnights }'))).toEqual([expect.stringMatching(/^4:33 "last_order" older_than: needs a duration/)]);
    expect(problems(segment('      last_order: { before: yesterday }'))).toEqual([expect.stringMatching(/^4:29 "last_order" before: needs a date/)]);
    expect(problems(segment('      last_order: 2024-01-01'))).toEqual([expect.stringMatching(/^4:19 "last_order" is a time: write \{operator: value\}/)]);
    expect(problems(segment('      country: { in: [] }'))).toEqual(['4:22 "country" in: needs a list of strings, got a list']);
    expect(problems(segment('      age: { exists: yes }'))).toEqual(['4:22 "age" exists: needs true or false, got string "yes"']);
  });

  test('a malformed condition or segment, each problem with its line', () => {
    expect(problems(segment('      - total_spent: 1'))).toEqual([expect.stringMatching(/^4:7 a condition is a mapping/)]);
    expect(problems(segment('      or: []'))).toEqual(['4:11 "or" takes a list of at least one condition']);
    expect(problems('segments:\n  - description: no name\n    condition: { total_spent: 1 }\n')).toEqual(['2:5 a segment needs a name (a string)']);
    expect(problems('segments:\n  - name: 9lives\n    condition: { total_spent: 1 }\n')).toEqual([expect.stringMatching(/^2:11 segment name "9lives" must start with a letter/)]);
    expect(problems('segments:\n  - name: a\n    condition: { total_spent: 1 }\n  - name: a\n    condition: { total_spent: 2 }\n')).toEqual([
      '4:11 segment "a" is defined twice (first on line 2)',
    ]);
    expect(problems('segments:\n  - name: a\n    when: { total_spent: 1 }\n')).toEqual([
      '3:5 unknown key "when" in a segment; the keys are name, description, condition',
      '2:5 segment "a" needs a condition',
    ]);
    expect(problems('- name: a\n')).toEqual(['1:1 the file must be a mapping with a "segments:" list']);
  });

  test('reports every problem of the file at once', () => {
    const source = 'segments:\n  - name: a\n    condition: { nope: 1 }\n  - name: b\n    condition: { age: { ">": x } }\n';
    expect(problems(source)).toEqual([expect.stringMatching(/^3:18 unknown field "nope"/), '5:30 "age" >: needs a number, got string "x"']);
  });

  test('a file that cannot be read names the file', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'c360-seg-'));
    await expect(loadSegmentsFile(path.join(dir, 'missing.yml'))).rejects.toThrow(/Invalid segments file .*missing\.yml \(SEGMENTS_FILE\):\n.*cannot read the file/);
    await writeFile(path.join(dir, 'bad.yml'), segment('      total_spent: { ">=": "100" }'));
    await expect(loadSegmentsFile(path.join(dir, 'bad.yml'))).rejects.toThrow(/bad\.yml:4:28: "total_spent" >=: needs a number/);
  });
});

describe('compiled conditions', () => {
  test('every value of a condition is a parameter; the SQL holds none of them', () => {
    const segments = parseSegments(
      segment(
        `      and:
        - country: { in: ["Fr'ance", "x); DROP TABLE customers; --"] }
        - favourite_product: boots
        - last_error(checkout.html' OR 1=1): { within: 7 days }
        - total_spent: { ">": 123.45 }
        - not: { last_order: { before: 2024-02-03 } }`,
      ),
    );
    const compiled = compileSegments(segments);
    const sql = compiled.memberships.join('\n') + compiled.thresholds.join('\n');
    for (const value of ["Fr'ance", 'DROP TABLE', 'BOOTS', 'boots', "checkout.html'", '123.45', '604800000', String(Date.parse('2024-02-03'))]) {
      expect(sql).not.toContain(value);
    }
    expect(Object.values(compiled.params)).toEqual(
      expect.arrayContaining([["Fr'ance", 'x); DROP TABLE customers; --'], 'BOOTS', "checkout.html' OR 1=1", 123.45, 604_800_000, Date.parse('2024-02-03')]),
    );
    expect(sql).toMatch(/\{s0_\d+:Array\(String\)\}/);
    // The relative time is also an instant at which the clock alone changes the answer.
    expect(compiled.thresholds).toHaveLength(1);
  });

  test('durations and instants', () => {
    expect(parseDuration('90 days')).toBe(90 * 86_400_000);
    expect(parseDuration('1 week')).toBe(7 * 86_400_000);
    expect(parseDuration('36 hours')).toBe(36 * 3_600_000);
    expect(parseDuration('0 days')).toBeNull();
    expect(parseDuration('2 months')).toBeNull();
    expect(parseInstant('2024-02-29')).toBe(Date.UTC(2024, 1, 29));
    expect(parseInstant('2024-02-29T10:00:00+01:00')).toBe(Date.UTC(2024, 1, 29, 9));
    expect(parseInstant('2024-02-30')).toBeNull();
    expect(parseInstant('2024-02-29T10:00')).toBeNull();
  });
});
