import { closingParen } from './sql';

/** The statement kinds the cluster renderer knows; anything else is `other` and refused in cluster mode. */
export type Statement =
  | { kind: 'createTable'; ifNotExists: boolean; name: string; body: string; engine: string; engineArgs: string | null; tail: string }
  | { kind: 'createView'; ifNotExists: boolean; name: string; to: string; select: string }
  | { kind: 'alter'; name: string; action: string }
  | { kind: 'drop'; ifExists: boolean; name: string }
  | { kind: 'dropView'; ifExists: boolean; name: string }
  | { kind: 'exchange'; a: string; b: string }
  | { kind: 'optimize'; name: string; tail: string }
  | { kind: 'truncate'; ifExists: boolean; name: string }
  | { kind: 'delete'; name: string; where: string }
  | { kind: 'insert'; target: string; sql: string }
  | { kind: 'select'; sql: string }
  | { kind: 'other'; sql: string };

/** Reads one statement of a migration (comments already removed, as splitStatements leaves them). */
export function parseStatement(input: string): Statement {
  const sql = input.trim();
  let m: RegExpExecArray | null;
  if ((m = /^CREATE\s+TABLE\s+(IF\s+NOT\s+EXISTS\s+)?(\w+)\s*\(/i.exec(sql))) {
    const open = m[0].length - 1;
    const close = closingParen(sql, open);
    const rest = sql.slice(close + 1);
    const engine = /^\s*ENGINE\s*=\s*(\w+)\s*/i.exec(rest);
    if (!engine) return { kind: 'other', sql };
    let after = rest.slice(engine[0].length);
    let engineArgs: string | null = null;
    if (after.startsWith('(')) {
      const end = closingParen(after, 0);
      engineArgs = after.slice(1, end).trim();
      after = after.slice(end + 1);
    }
    return {
      kind: 'createTable',
      ifNotExists: Boolean(m[1]),
      name: m[2]!,
      body: sql.slice(open + 1, close),
      engine: engine[1]!,
      engineArgs,
      tail: after.trim(),
    };
  }
  if ((m = /^CREATE\s+MATERIALIZED\s+VIEW\s+(IF\s+NOT\s+EXISTS\s+)?(\w+)\s+TO\s+(\w+)\s+AS\s+([\s\S]+)$/i.exec(sql))) {
    return { kind: 'createView', ifNotExists: Boolean(m[1]), name: m[2]!, to: m[3]!, select: m[4]! };
  }
  if ((m = /^ALTER\s+TABLE\s+(\w+)\s+(?!ON\s+CLUSTER\b)([\s\S]+)$/i.exec(sql))) return { kind: 'alter', name: m[1]!, action: m[2]! };
  if ((m = /^DROP\s+TABLE\s+(IF\s+EXISTS\s+)?(\w+)(?:\s+SYNC)?$/i.exec(sql))) return { kind: 'drop', ifExists: Boolean(m[1]), name: m[2]! };
  if ((m = /^DROP\s+VIEW\s+(IF\s+EXISTS\s+)?(\w+)(?:\s+SYNC)?$/i.exec(sql))) return { kind: 'dropView', ifExists: Boolean(m[1]), name: m[2]! };
  if ((m = /^EXCHANGE\s+TABLES\s+(\w+)\s+AND\s+(\w+)$/i.exec(sql))) return { kind: 'exchange', a: m[1]!, b: m[2]! };
  if ((m = /^OPTIMIZE\s+TABLE\s+(\w+)(?:\s+(?!ON\s+CLUSTER\b)([\s\S]*))?$/i.exec(sql))) return { kind: 'optimize', name: m[1]!, tail: (m[2] ?? '').trim() };
  if ((m = /^TRUNCATE\s+(?:TABLE\s+)?(IF\s+EXISTS\s+)?(\w+)$/i.exec(sql))) return { kind: 'truncate', ifExists: Boolean(m[1]), name: m[2]! };
  if ((m = /^DELETE\s+FROM\s+(\w+)\s+(?!ON\s+CLUSTER\b)WHERE\s+([\s\S]+)$/i.exec(sql))) return { kind: 'delete', name: m[1]!, where: m[2]! };
  if ((m = /^INSERT\s+INTO\s+(\w+)(?=[\s(])/i.exec(sql))) return { kind: 'insert', target: m[1]!, sql };
  if (/^(SELECT|WITH)\b/i.test(sql)) return { kind: 'select', sql };
  return { kind: 'other', sql };
}

export const ifNotExists = (flag: boolean): string => (flag ? 'IF NOT EXISTS ' : '');
export const ifExists = (flag: boolean): string => (flag ? 'IF EXISTS ' : '');
