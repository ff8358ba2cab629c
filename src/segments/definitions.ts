import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode, type Pair } from 'yaml';
import { ConfigError } from '../config';
import { OPERATORS, parseDuration, parseInstant, type CompareValue, type Condition, type Operator, type Position } from './condition';
import { resolveField } from './fields';

/** One segment of the segments file, checked. */
export interface SegmentDefinition {
  name: string;
  description: string | null;
  /** The condition as written in the file. */
  definition: string;
  condition: Condition;
  /** Changes exactly when the condition's meaning does (not its layout): a new fingerprint recomputes membership. */
  fingerprint: string;
  /** Where the segment starts in its file. */
  at: Position;
}

export interface SegmentsProblem extends Position {
  reason: string;
}

/** A segments file that cannot be used: every problem found, each with its line and column. */
export class SegmentsFileError extends ConfigError {
  override name = 'SegmentsFileError';
  constructor(
    readonly file: string,
    readonly problems: readonly SegmentsProblem[],
  ) {
    super(`Invalid segments file ${file} (SEGMENTS_FILE):\n${problems.map((p) => `  ${file}:${p.line}:${p.col}: ${p.reason}`).join('\n')}`);
  }
}

const NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
const SEGMENT_KEYS = ['name', 'description', 'condition'];
const COMBINATORS = new Set(['and', 'or', 'not']);
const CONDITION_SHAPE = 'a condition is a mapping: {field: {operator: value}}, {field: value}, {and: [...]}, {or: [...]} or {not: condition}';

/** Reads and checks a segments file; throws SegmentsFileError with every problem found. */
export async function loadSegmentsFile(file: string): Promise<SegmentDefinition[]> {
  let source: string;
  try {
    source = await readFile(file, 'utf8');
  } catch (error) {
    throw new SegmentsFileError(file, [{ line: 0, col: 0, reason: `cannot read the file: ${(error as Error).message}` }]);
  }
  return parseSegments(source, file);
}

/**
 * Checks the text of a segments file:
 *
 * ```yaml
 * segments:
 *   - name: lapsed
 *     description: Bought before, but not in the last 90 days
 *     condition:
 *       and:
 *         - total_orders: { ">=": 1 }
 *         - last_order: { older_than: 90 days }
 * ```
 */
export function parseSegments(source: string, file = 'segments file'): SegmentDefinition[] {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const problems: SegmentsProblem[] = [];
  const at = (node: { range?: readonly number[] | null } | null | undefined): Position => {
    const { line, col } = lineCounter.linePos(node?.range?.[0] ?? 0);
    return { line, col };
  };
  const problem = (node: { range?: readonly number[] | null } | null | undefined, reason: string) => problems.push({ ...at(node), reason });
  for (const error of [...doc.errors, ...doc.warnings]) {
    const { line, col } = lineCounter.linePos(error.pos[0]);
    problems.push({ line, col, reason: `YAML syntax: ${error.message.split('\n')[0]}` });
  }
  if (problems.length > 0) throw new SegmentsFileError(file, problems);

  const root = doc.contents;
  const list = isMap(root) ? root.get('segments', true) : undefined;
  if (!isMap(root) || !isSeq(list)) {
    throw new SegmentsFileError(file, [{ ...at(root), reason: 'the file must be a mapping with a "segments:" list' }]);
  }
  for (const pair of root.items) {
    if (keyOf(pair) !== 'segments') problem(pair.key as YamlNode, `unknown key "${keyOf(pair)}" at the top; only "segments:" is read`);
  }

  const segments: SegmentDefinition[] = [];
  const seen = new Map<string, number>();
  for (const item of list.items) {
    if (!isMap(item)) {
      problem(item as YamlNode, 'each segment is a mapping with name, description and condition');
      continue;
    }
    for (const pair of item.items) {
      const key = keyOf(pair);
      if (!SEGMENT_KEYS.includes(key)) problem(pair.key as YamlNode, `unknown key "${key}" in a segment; the keys are ${SEGMENT_KEYS.join(', ')}`);
    }
    const nameNode = item.get('name', true);
    const name = isScalar(nameNode) && typeof nameNode.value === 'string' ? nameNode.value : null;
    if (name === null) {
      problem(nameNode ?? item, 'a segment needs a name (a string)');
    } else if (!NAME.test(name)) {
      problem(nameNode, `segment name "${name}" must start with a letter and hold only letters, digits, "_" and "-" (at most 64)`);
    } else if (seen.has(name)) {
      problem(nameNode, `segment "${name}" is defined twice (first on line ${seen.get(name)})`);
    } else {
      seen.set(name, at(nameNode).line);
    }
    const descriptionNode = item.get('description', true);
    let description: string | null = null;
    if (descriptionNode !== undefined) {
      if (isScalar(descriptionNode) && typeof descriptionNode.value === 'string') description = descriptionNode.value;
      else problem(descriptionNode, 'description must be a string');
    }
    const conditionNode = item.get('condition', true);
    if (conditionNode === undefined || conditionNode === null) {
      problem(item, `segment "${name ?? '?'}" needs a condition`);
      continue;
    }
    const before = problems.length;
    const condition = parseCondition(conditionNode as YamlNode, problem, at);
    if (condition && name !== null && problems.length === before) {
      const range = (conditionNode as YamlNode).range!;
      segments.push({
        name,
        description,
        definition: dedent(source.slice(range[0], range[1]), at(conditionNode as YamlNode).col - 1),
        condition,
        fingerprint: createHash('sha256').update(JSON.stringify(normalise(condition))).digest('hex').slice(0, 16),
        at: at(item),
      });
    }
  }
  if (problems.length > 0) throw new SegmentsFileError(file, problems);
  return segments;
}

type Report = (node: YamlNode | null | undefined, reason: string) => void;

function keyOf(pair: Pair): string {
  return isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
}

function parseCondition(node: YamlNode, problem: Report, at: (n: YamlNode) => Position): Condition | null {
  if (!isMap(node) || node.items.length === 0) {
    problem(node, CONDITION_SHAPE);
    return null;
  }
  const parts: Condition[] = [];
  for (const pair of node.items) {
    const key = keyOf(pair);
    const value = pair.value as YamlNode | null;
    if (key === 'and' || key === 'or') {
      if (!isSeq(value) || value.items.length === 0) {
        problem(value ?? (pair.key as YamlNode), `"${key}" takes a list of at least one condition`);
        continue;
      }
      const items = value.items.map((i) => parseCondition(i as YamlNode, problem, at));
      if (items.every((i): i is Condition => i !== null)) parts.push({ kind: key, items });
    } else if (key === 'not') {
      const item = value ? parseCondition(value, problem, at) : (problem(pair.key as YamlNode, '"not" takes a condition'), null);
      if (item) parts.push({ kind: 'not', item });
    } else {
      const comparisons = parseComparisons(key, pair.key as YamlNode, value, problem, at);
      if (comparisons) parts.push(...comparisons);
    }
  }
  if (parts.length === 0) return null;
  return parts.length === 1 ? parts[0]! : { kind: 'and', items: parts };
}

/** `field: value` (equality) or `field: {operator: value, …}` (every operator must hold). */
function parseComparisons(ref: string, keyNode: YamlNode, value: YamlNode | null, problem: Report, at: (n: YamlNode) => Position): Condition[] | null {
  const resolved = resolveField(ref);
  if ('error' in resolved) {
    problem(keyNode, COMBINATORS.has(ref.toLowerCase()) ? `"${ref}": write and, or, not in lower case` : resolved.error);
    return null;
  }
  const { field, argument } = resolved;
  const allowed = OPERATORS[field.type];
  const pairs: Array<{ op: string; opNode: YamlNode; valueNode: YamlNode | null }> = [];
  if (isMap(value)) {
    for (const pair of value.items) pairs.push({ op: keyOf(pair), opNode: pair.key as YamlNode, valueNode: pair.value as YamlNode | null });
    if (pairs.length === 0) problem(value, `"${ref}" needs at least one operator`);
  } else if (isScalar(value) && field.type !== 'time') {
    pairs.push({ op: '=', opNode: value, valueNode: value });
  } else {
    problem(value ?? keyNode, `"${ref}" is a ${field.type}: write {operator: value} with one of ${Object.keys(allowed).join(', ')}`);
    return null;
  }
  const out: Condition[] = [];
  for (const { op, opNode, valueNode } of pairs) {
    const expects = allowed[op as Operator];
    if (!expects) {
      problem(opNode, `operator "${op}" does not apply to "${ref}" (a ${field.type}); use one of ${Object.keys(allowed).join(', ')}`);
      continue;
    }
    const checked = checkValue(expects, valueNode, field.upperCase === true);
    if ('error' in checked) {
      problem(valueNode ?? opNode, `"${ref}" ${op}: ${checked.error}`);
      continue;
    }
    out.push({ kind: 'compare', field, ...(argument !== undefined ? { argument } : {}), op: op as Operator, value: checked.value, at: at(opNode) });
  }
  return out.length === pairs.length ? out : null;
}

function describe(node: YamlNode | null): string {
  if (node === null) return 'nothing';
  if (isScalar(node)) return node.value === null ? 'null' : `${typeof node.value} ${JSON.stringify(node.value)}`;
  return isSeq(node) ? 'a list' : 'a mapping';
}

function checkValue(expects: 'number' | 'string' | 'strings' | 'duration' | 'instant' | 'boolean', node: YamlNode | null, upperCase: boolean): { value: CompareValue } | { error: string } {
  const scalar = isScalar(node) ? node.value : undefined;
  const text = (s: string) => (upperCase ? s.toUpperCase() : s);
  switch (expects) {
    case 'number':
      return typeof scalar === 'number' && Number.isFinite(scalar) ? { value: scalar } : { error: `needs a number, got ${describe(node)}` };
    case 'boolean':
      return typeof scalar === 'boolean' ? { value: scalar } : { error: `needs true or false, got ${describe(node)}` };
    case 'string':
      return typeof scalar === 'string' ? { value: text(scalar) } : { error: `needs a string, got ${describe(node)}` };
    case 'strings': {
      const items = isSeq(node) ? node.items.map((i) => (isScalar(i) ? i.value : undefined)) : [];
      if (!isSeq(node) || items.length === 0 || !items.every((i): i is string => typeof i === 'string')) {
        return { error: `needs a list of strings, got ${describe(node)}` };
      }
      return { value: items.map(text) };
    }
    case 'duration': {
      const ms = typeof scalar === 'string' ? parseDuration(scalar) : null;
      return ms !== null ? { value: ms } : { error: `needs a duration such as "90 days", "2 weeks", "12 hours" or "30 minutes", got ${describe(node)}` };
    }
    case 'instant': {
      const ms = typeof scalar === 'string' ? parseInstant(scalar) : null;
      return ms !== null ? { value: ms } : { error: `needs a date (2026-01-31) or an ISO-8601 date and time with its zone, got ${describe(node)}` };
    }
  }
}

/** The condition without positions, for its fingerprint. */
function normalise(c: Condition): unknown {
  switch (c.kind) {
    case 'and':
    case 'or':
      return [c.kind, c.items.map(normalise)];
    case 'not':
      return ['not', normalise(c.item)];
    case 'compare':
      return [c.field.name, c.argument ?? null, c.op, c.value];
  }
}

/** The condition's text without the indentation it had inside the file. */
function dedent(text: string, column: number): string {
  const lines = text.replace(/\s+$/, '').split('\n');
  return [lines[0]!, ...lines.slice(1).map((l) => l.slice(Math.min(column, l.length - l.trimStart().length)))].join('\n');
}

/**
 * Reads the segments file again (SIGHUP) and hands its definitions to `apply`. A file that no longer checks
 * changes nothing: the problems are logged and the segments in force stay. Resolves with whether it applied.
 */
export async function reloadSegmentsFile(
  file: string,
  apply: (definitions: SegmentDefinition[]) => Promise<void>,
  logger: { info(o: object, msg: string): void; error(o: object, msg: string): void },
): Promise<boolean> {
  let definitions: SegmentDefinition[];
  try {
    definitions = await loadSegmentsFile(file);
  } catch (error) {
    if (!(error instanceof SegmentsFileError)) throw error;
    logger.error({ file, problems: error.problems }, `segments file not reloaded; the segments in force stay:\n${error.message}`);
    return false;
  }
  logger.info({ file, segments: definitions.map((d) => d.name) }, 'segments file reloaded');
  await apply(definitions);
  return true;
}
