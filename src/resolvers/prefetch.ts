import {
  getArgumentValues,
  GraphQLObjectType,
  Kind,
  type FieldNode,
  type GraphQLResolveInfo,
  type SelectionSetNode,
} from 'graphql';
import type { Context } from '../context';
import { assertIntInRange } from '../errors';
import type { TimelineArgs } from '../loaders/timeline.loader';
import { decodeCursor } from '../loaders/timeline.cursor';
import type { ActivityType } from '../activity/activity';

/** The loader key of `timeline(first, after, types)`, validated: the field resolver and the prefetch share it. */
export function timelineKey(first: number, after: string | null | undefined, types: readonly ActivityType[] | null | undefined, ctx: Context): TimelineArgs {
  assertIntInRange('first', first, 0, ctx.limits.maxFirst);
  // Only null or an absent `after` starts from the top; "" is a malformed cursor, not a restart.
  const position = after === null || after === undefined ? null : decodeCursor(after);
  return { first, after: position, types: types ? [...new Set(types)].sort() : null };
}

/** The loader key of `favouriteProducts(limit)` and `recentErrors(limit)`, validated: the field resolvers and the prefetch share it. */
export function limitKey(limit: number, ctx: Context): { limit: number } {
  assertIntInRange('limit', limit, 0, ctx.limits.maxLimit);
  return { limit };
}

/** The fields selected on a Customer, through fragments and inline fragments. */
function customerFields(selectionSet: SelectionSetNode | undefined, info: GraphQLResolveInfo, out: FieldNode[] = []): FieldNode[] {
  for (const selection of selectionSet?.selections ?? []) {
    if (selection.kind === Kind.FIELD) out.push(selection);
    else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const on = selection.typeCondition?.name.value;
      if (on === undefined || on === 'Customer') customerFields(selection.selectionSet, info, out);
    } else {
      const fragment = info.fragments[selection.name.value];
      if (fragment?.typeCondition.name.value === 'Customer') customerFields(fragment.selectionSet, info, out);
    }
  }
  return out;
}

/**
 * Starts the loads of the profile parts a query selects on the customers `ids`, in the same tick as the
 * customer lookup itself. Otherwise a request waits for `customer(id)` before its parts queue, and spans two
 * rounds of queries instead of one. Each load goes to the request's own DataLoaders with the key its field
 * resolver will ask for, so the resolver finds it in flight (or done) and no query is added. Arguments the
 * resolver would refuse are skipped here: the resolver reports them.
 */
export function prefetchProfileParts(ctx: Context, ids: readonly string[], info: GraphQLResolveInfo): void {
  const customer = info.schema.getType('Customer');
  if (!(customer instanceof GraphQLObjectType)) return;
  const definitions = customer.getFields();
  const loads: Array<() => Promise<unknown>[]> = [];
  for (const node of info.fieldNodes.flatMap((f) => customerFields(f.selectionSet, info))) {
    const definition = definitions[node.name.value];
    if (!definition) continue;
    try {
      const args = getArgumentValues(definition, node, info.variableValues);
      switch (node.name.value) {
        case 'purchaseStats':
          loads.push(() => ids.map((id) => ctx.loaders.purchaseStats.load(id)));
          break;
        case 'lastActivity':
          loads.push(() => ids.flatMap((id) => [ctx.loaders.purchaseStats.load(id), ctx.loaders.engagement.load(id)]));
          break;
        case 'favouriteProducts': {
          const key = limitKey(args['limit'] as number, ctx);
          loads.push(() => ids.map((id) => ctx.loaders.favouriteProducts.load({ id, args: key })));
          break;
        }
        case 'recentErrors': {
          const key = limitKey(args['limit'] as number, ctx);
          loads.push(() => ids.map((id) => ctx.loaders.recentErrors.load({ id, args: key })));
          break;
        }
        case 'timeline': {
          const key = timelineKey(args['first'] as number, args['after'] as string | null, args['types'] as ActivityType[] | null, ctx);
          loads.push(() => ids.map((id) => ctx.loaders.timeline.load({ id, args: key })));
          break;
        }
      }
    } catch {
      // Bad arguments: the field resolver refuses them with a clear error.
    }
  }
  // A failed load surfaces through the field resolver that awaits the same promise.
  for (const start of loads) for (const p of start()) p.catch(() => undefined);
}
