import type { Condition } from './condition';
import type { SegmentDefinition } from './definitions';
import type { FieldSpec } from './fields';

/**
 * Segment conditions compiled into one ClickHouse expression list over a customer's rollup row. The SQL text
 * comes only from the field allow-list (fields.ts) and the operators below; every value of a condition (a
 * number, a string, a page, a duration, a date) is a `{name:Type}` parameter in `params`.
 */
export interface CompiledSegments {
  names: string[];
  /** One UInt8 expression per segment, in the order of `names`. */
  memberships: string[];
  /**
   * Nullable(Int64) expressions: instants (epoch ms) at which a condition's truth may change by the clock alone
   * (`t + d` for `within`/`older_than d`, the next birthday for age). The schedule re-evaluates the customer at
   * the earliest one still ahead.
   */
  thresholds: string[];
  params: Record<string, unknown>;
  /** Some field reads the customer's full state (first_order). */
  readsState: boolean;
}

const COMPARISON: Record<string, string> = { '=': '=', '!=': '!=', '<': '<', '<=': '<=', '>': '>', '>=': '>=' };

class Compiler {
  readonly params: Record<string, unknown> = {};
  readonly thresholds: string[] = [];
  readsState = false;
  private next = 0;

  constructor(private readonly prefix: string) {}

  private param(type: string, value: unknown): string {
    const name = `${this.prefix}${this.next++}`;
    this.params[name] = value;
    return `{${name}:${type}}`;
  }

  private field(field: FieldSpec, argument: string | undefined): string {
    if (field.readsState) this.readsState = true;
    const sql = argument === undefined ? field.sql : field.sql.replaceAll('{arg}', this.param('String', argument));
    if (field.changesAt) this.thresholds.push(argument === undefined ? field.changesAt : field.changesAt.replaceAll('{arg}', this.param('String', argument)));
    return `(${sql})`;
  }

  /** A UInt8: 1 when the condition holds. A comparison with a missing value (NULL) does not hold. */
  compile(c: Condition): string {
    switch (c.kind) {
      case 'and':
      case 'or':
        return `(${c.items.map((i) => this.compile(i)).join(c.kind === 'and' ? ' AND ' : ' OR ')})`;
      case 'not':
        return `(NOT ${this.compile(c.item)})`;
      case 'compare': {
        const e = this.field(c.field, c.argument);
        switch (c.op) {
          case 'exists':
            return c.field.type === 'string'
              ? `((ifNull(${e}, '') != '') = ${this.param('Bool', c.value)})`
              : `(isNotNull(${e}) = ${this.param('Bool', c.value)})`;
          case 'in':
          case 'not_in':
            return `ifNull(${e} ${c.op === 'in' ? 'IN' : 'NOT IN'} ${this.param('Array(String)', c.value)}, 0)`;
          case 'within':
          case 'older_than': {
            const d = this.param('Int64', c.value);
            this.thresholds.push(`${e} + ${d}`);
            // Both flip exactly at t + d: `within` holds before it, `older_than` from it on.
            return c.op === 'within' ? `ifNull(${e} > {now:Int64} - ${d}, 0)` : `ifNull(${e} <= {now:Int64} - ${d}, 0)`;
          }
          case 'before':
            return `ifNull(${e} < ${this.param('Int64', c.value)}, 0)`;
          case 'after':
            return `ifNull(${e} > ${this.param('Int64', c.value)}, 0)`;
          default:
            return `ifNull(${e} ${COMPARISON[c.op]} ${this.param(c.field.type === 'number' ? 'Float64' : 'String', c.value)}, 0)`;
        }
      }
    }
  }
}

export function compileSegments(segments: readonly SegmentDefinition[]): CompiledSegments {
  const out: CompiledSegments = { names: [], memberships: [], thresholds: [], params: {}, readsState: false };
  segments.forEach((segment, i) => {
    const compiler = new Compiler(`s${i}_`);
    out.names.push(segment.name);
    out.memberships.push(`toUInt8(${compiler.compile(segment.condition)})`);
    out.thresholds.push(...compiler.thresholds);
    Object.assign(out.params, compiler.params);
    out.readsState ||= compiler.readsState;
  });
  return out;
}
