import type { ComplexityEstimator } from 'graphql-query-complexity';
import type { Config } from '../config';
import { PROFILE_FIELDS } from '../loaders/parts';

type ListArgs = Record<string, unknown>;

/**
 * The list fields and the argument that sizes each: their cost is 1 + size × the cost of one item.
 * Every other field costs 1 (graphql-query-complexity's simpleEstimator). Sizes above the MAX_*
 * bound are counted at the bound: the resolver refuses them with BAD_USER_INPUT, a clearer answer.
 */
const LIST_FIELDS: Record<string, { size: (args: ListArgs) => unknown; bound?: keyof Config['limits'] }> = {
  'Query.customers': { size: (a) => (Array.isArray(a['ids']) ? a['ids'].length : 1), bound: 'maxIds' },
  'Query.searchCustomers': { size: (a) => a['first'], bound: 'maxFirst' },
  'Query.rejectedRecords': { size: (a) => a['first'], bound: 'maxFirst' },
  'Segment.members': { size: (a) => a['first'], bound: 'maxFirst' },
  // Federation's entry point has no size limit of its own: its cost is what bounds it.
  'Query._entities': { size: (a) => (Array.isArray(a['representations']) ? a['representations'].length : 1) },
  // Customer's list fields size themselves as their descriptors say (loaders/parts.ts).
  ...Object.fromEntries(
    PROFILE_FIELDS.flatMap(({ field, size }) => (size ? [[`Customer.${field}`, { size: (a: ListArgs) => a[size.arg], bound: size.bound }]] : [])),
  ),
};

/** A graphql-query-complexity estimator for the fields above; returns nothing for the rest. */
export function listFieldEstimator(bounds: Config['limits']): ComplexityEstimator {
  return ({ type, field, args, childComplexity }) => {
    const list = LIST_FIELDS[`${type.name}.${field.name}`];
    if (!list) return undefined;
    const raw = Number(list.size(args));
    const size = Number.isFinite(raw) ? Math.max(0, Math.trunc(raw)) : 0;
    const bounded = list.bound ? Math.min(size, bounds[list.bound]) : size;
    return 1 + bounded * Math.max(1, childComplexity);
  };
}
