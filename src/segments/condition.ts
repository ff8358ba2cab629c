import type { FieldSpec } from './fields';

/** Where a node of the segments file starts. */
export interface Position {
  line: number;
  col: number;
}

export type Operator = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'in' | 'not_in' | 'within' | 'older_than' | 'before' | 'after' | 'exists';

/** A condition as the segments file states it, checked: every field known, every value of the field's type. */
export type Condition =
  | { kind: 'and' | 'or'; items: Condition[] }
  | { kind: 'not'; item: Condition }
  | { kind: 'compare'; field: FieldSpec; argument?: string; op: Operator; value: CompareValue; at: Position };

/** A number, a string, strings (`in`), a duration or an instant in ms, or a boolean (`exists`). */
export type CompareValue = number | string | string[] | boolean;

/** Which operators each type of field takes, and what value each expects. */
export const OPERATORS: Record<FieldSpec['type'], Partial<Record<Operator, 'number' | 'string' | 'strings' | 'duration' | 'instant' | 'boolean'>>> = {
  number: { '=': 'number', '!=': 'number', '<': 'number', '<=': 'number', '>': 'number', '>=': 'number', exists: 'boolean' },
  string: { '=': 'string', '!=': 'string', in: 'strings', not_in: 'strings', exists: 'boolean' },
  time: { within: 'duration', older_than: 'duration', before: 'instant', after: 'instant', exists: 'boolean' },
};

const UNIT_MS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000, week: 7 * 86_400_000 };

/** "90 days", "2 weeks", "36 hours", "15 minutes" in ms; null when it is none of these. */
export function parseDuration(text: string): number | null {
  const match = /^(\d{1,6})\s*(minute|hour|day|week)s?$/.exec(text.trim().toLowerCase());
  if (!match) return null;
  const ms = Number(match[1]) * UNIT_MS[match[2]!]!;
  return ms > 0 ? ms : null;
}

/** "2026-01-31" (midnight UTC) or a full ISO-8601 date and time with its zone, in epoch ms; null otherwise. */
export function parseInstant(text: string): number | null {
  const t = text.trim();
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/.test(t)) return null;
  const [y, m, d] = t.slice(0, 10).split('-').map(Number) as [number, number, number];
  // Date.parse rolls 2024-02-30 over into March: a day the month does not have is refused instead.
  if (new Date(Date.UTC(y, m - 1, d)).getUTCDate() !== d) return null;
  const ms = Date.parse(t.length === 10 ? `${t}T00:00:00Z` : t);
  return Number.isFinite(ms) ? ms : null;
}
