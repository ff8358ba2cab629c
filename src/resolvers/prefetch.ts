import { getArgumentValues, GraphQLObjectType, Kind, type FieldNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';
import type { Context } from '../context';
import { PROFILE_FIELD_BY_NAME } from '../loaders/parts';

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
 * customer lookup itself, so that the lookup and, say, the timeline go out in one query instead of the
 * timeline waiting for the customer. Each load goes to the request's own DataLoader with the key its field
 * resolver will ask for (from the same descriptor, loaders/parts.ts), so the resolver finds it in flight or
 * done and no query is added. Arguments the resolver would refuse are skipped here: the resolver reports them.
 */
export function prefetchProfileParts(ctx: Context, ids: readonly string[], info: GraphQLResolveInfo): void {
  const customer = info.schema.getType('Customer');
  if (!(customer instanceof GraphQLObjectType)) return;
  const definitions = customer.getFields();
  for (const node of info.fieldNodes.flatMap((f) => customerFields(f.selectionSet, info))) {
    const field = PROFILE_FIELD_BY_NAME.get(node.name.value);
    const definition = definitions[node.name.value];
    if (!field || !definition) continue;
    try {
      const args = getArgumentValues(definition, node, info.variableValues);
      // A failed load surfaces through the field resolver that awaits the same promise.
      for (const id of ids) ctx.loaders.load(field.key(id, args, ctx.limits)).catch(() => undefined);
    } catch {
      // Bad arguments: the field resolver refuses them with a clear error.
    }
  }
}
