/**
 * The little SQL reading the cluster renderer needs: enough to find the parts of our own migration statements
 * (names, column lists, engines), not a SQL parser. ClickHouse's parser checks every rendered statement in the
 * golden-file test (test/integration/cluster.golden.test.ts).
 */

/** Index of the parenthesis that closes the one at `open`, skipping quoted text. */
export function closingParen(sql: string, open: number): number {
  let depth = 0;
  for (let i = open; i < sql.length; i++) {
    const ch = sql[i]!;
    if (ch === "'" || ch === '`' || ch === '"') {
      i = closingQuote(sql, i);
      continue;
    }
    if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0) return i;
  }
  throw new Error(`Unbalanced parentheses in: ${sql.slice(open, open + 80)}…`);
}

function closingQuote(sql: string, open: number): number {
  const quote = sql[open]!;
  for (let i = open + 1; i < sql.length; i++) {
    if (sql[i] === '\\') i++;
    else if (sql[i] === quote) return i;
  }
  throw new Error(`Unterminated quote in: ${sql.slice(open, open + 80)}…`);
}

/** Splits at commas outside parentheses and quotes. */
export function splitTopLevel(list: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < list.length; i++) {
    const ch = list[i]!;
    if (ch === "'" || ch === '`' || ch === '"') i = closingQuote(list, i);
    else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === ',' && depth === 0) {
      parts.push(list.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(list.slice(start).trim());
  return parts.filter(Boolean);
}

/**
 * The statement with the text of every string literal blanked (same length, so positions still match), so that
 * searching it for keywords finds nothing inside strings.
 */
export function withoutLiterals(sql: string): string {
  let out = '';
  for (let i = 0; i < sql.length; i++) {
    const ch = sql[i]!;
    if (ch === "'") {
      const end = closingQuote(sql, i);
      out += `'${' '.repeat(end - i - 1)}'`;
      i = end;
    } else out += ch;
  }
  return out;
}

/** The column names of a CREATE TABLE body (indexes, projections and constraints left out). */
export function columnNames(body: string): string[] {
  return splitTopLevel(body)
    .filter((entry) => !/^(INDEX|PROJECTION|CONSTRAINT)\s/i.test(entry))
    .map((entry) => /^`?(\w+)`?/.exec(entry)?.[1] ?? '')
    .filter(Boolean);
}

/** The expressions of an ORDER BY clause in the text after a table's engine, or null without one. */
export function orderByColumns(tail: string): string[] | null {
  const match = /\bORDER\s+BY\s+(\([^)]*\)|\w+)/i.exec(withoutLiterals(tail));
  if (!match) return null;
  const key = match[1]!;
  return (key.startsWith('(') ? splitTopLevel(key.slice(1, -1)) : [key]).map((k) => k.trim());
}

/** Every `FROM name` and `JOIN name` that names a table (not a table function), outside string literals. */
export function tablesRead(sql: string): Array<{ index: number; name: string; aliased: boolean }> {
  const text = withoutLiterals(sql);
  const found: Array<{ index: number; name: string; aliased: boolean }> = [];
  const pattern = /\b(FROM|JOIN)(\s+)(\w+)\b(?!\s*[.(])(\s+AS\b)?/gi;
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
    found.push({ index: m.index + m[1]!.length + m[2]!.length, name: m[3]!, aliased: Boolean(m[4]) });
  }
  return found;
}
