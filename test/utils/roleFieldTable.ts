import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { COLUMNS, FORBIDDEN, ROLE_FIELD_TABLE, WHY_FORBIDDEN } from '../fixtures/roleFieldTable';

export const SECURITY_DOC = path.resolve(__dirname, '../../docs/security.md');
const START = '<!-- role-field-table: printed from test/fixtures/roleFieldTable.ts; `UPDATE_DOCS=1 npx jest test/integration/permissions.test.ts` reprints it -->';
const END = '<!-- /role-field-table -->';

/** The role × field table as docs/security.md shows it: one row per field, one column per role. */
export function printRoleFieldTable(): string {
  const lines = [
    `| Field | ${COLUMNS.map((role) => `\`${role}\``).join(' | ')} | Why refused |`,
    `| --- | ${COLUMNS.map(() => '---').join(' | ')} | --- |`,
    ...Object.entries(ROLE_FIELD_TABLE).map(
      ([field, cells]) => `| \`${field}\` | ${cells.map((c) => (c === FORBIDDEN ? '**FORBIDDEN**' : 'allowed')).join(' | ')} | ${WHY_FORBIDDEN[field] ?? ''} |`,
    ),
  ];
  return `${START}\n${lines.join('\n')}\n${END}`;
}

/** The table as docs/security.md holds it now (null without the markers). */
export async function documentedRoleFieldTable(): Promise<string | null> {
  const doc = await readFile(SECURITY_DOC, 'utf8');
  const start = doc.indexOf(START);
  const end = doc.indexOf(END);
  return start >= 0 && end > start ? doc.slice(start, end + END.length) : null;
}

/** Rewrites the table in docs/security.md between its markers. */
export async function reprintRoleFieldTable(): Promise<void> {
  const doc = await readFile(SECURITY_DOC, 'utf8');
  const start = doc.indexOf(START);
  const end = doc.indexOf(END);
  if (start < 0 || end < start) throw new Error(`docs/security.md has no role-field-table markers`);
  await writeFile(SECURITY_DOC, `${doc.slice(0, start)}${printRoleFieldTable()}${doc.slice(end + END.length)}`);
}
