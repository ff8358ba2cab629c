import { Arg, Args, Ctx, FieldResolver, Int, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { Context } from '../context';
import { assertIntInRange, badUserInput } from '../errors';
import { decodeMemberCursor, encodeMemberCursor } from '../loaders/segment.loader';
import type { SegmentDefinition } from '../segments/definitions';
import { SegmentChangesArgs, SegmentMembersArgs } from '../schema/args';
import { Customer } from '../schema/customer.type';
import { CustomerConnection, Segment, SegmentChange, SegmentMembership } from '../schema/segment.type';
import { loadCustomer } from './customer.resolver';

const toSegment = (d: SegmentDefinition): Segment => ({ name: d.name, description: d.description, definition: d.definition });

@Resolver(() => Segment)
export class SegmentResolver {
  @Query(() => [Segment])
  segments(@Ctx() ctx: Context): Segment[] {
    return ctx.segments.list().map(toSegment);
  }

  @Query(() => Segment, { nullable: true })
  segment(@Arg('name', () => String) name: string, @Ctx() ctx: Context): Segment | null {
    const definition = ctx.segments.get(name);
    return definition ? toSegment(definition) : null;
  }

  @FieldResolver(() => Int)
  size(@Root() segment: Segment, @Ctx() ctx: Context): Promise<number> {
    return ctx.loaders.segmentSize(segment.name);
  }

  @FieldResolver(() => CustomerConnection)
  async members(@Root() segment: Segment, @Args(() => SegmentMembersArgs) { first, after }: SegmentMembersArgs, @Ctx() ctx: Context): Promise<CustomerConnection> {
    assertIntInRange('first', first, 0, ctx.limits.maxFirst);
    // Only null or an absent `after` starts from the top; "" is a malformed cursor, not a restart.
    const from = after === null || after === undefined ? null : decodeMemberCursor(after);
    const page = await ctx.loaders.segmentMembers(segment.name, first, from);
    const customers = await Promise.all(page.ids.map((id) => loadCustomer(ctx, id)));
    // A member whose customer was deleted a moment ago leaves the segment with the next evaluation round.
    const edges = page.ids.flatMap((id, i) => (customers[i] ? [{ cursor: encodeMemberCursor(id), node: customers[i]! }] : []));
    return {
      edges,
      pageInfo: {
        hasNextPage: page.hasNextPage,
        hasPreviousPage: page.hasPreviousPage,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges[edges.length - 1]?.cursor ?? null,
      },
    };
  }

  @Subscription(() => SegmentChange, {
    description: 'Entries into and exits from segments, pushed once stored; optionally of one segment and/or one customer.',
    subscribe: ({ args, context }) => {
      const { segment, customerId } = args as SegmentChangesArgs;
      const ctx = context as Context;
      if (segment !== null && segment !== undefined && !ctx.segments.get(segment)) {
        throw badUserInput(`Argument "segment": no segment is named ${JSON.stringify(segment.slice(0, 64))}.`, 'segment');
      }
      if (customerId !== null && customerId !== undefined && customerId.trim() === '') {
        throw badUserInput('Argument "customerId" must not be empty.', 'customerId');
      }
      return ctx.segments.subscribe({ segment: segment ?? null, customerId: customerId ?? null });
    },
  })
  segmentChanges(@Root() change: SegmentChange, @Args(() => SegmentChangesArgs) _args: SegmentChangesArgs): SegmentChange {
    return change;
  }
}

@Resolver(() => Customer)
export class CustomerSegmentsResolver {
  @FieldResolver(() => [SegmentMembership])
  async segments(@Root() customer: Customer, @Ctx() ctx: Context): Promise<SegmentMembership[]> {
    return (await ctx.loaders.segments(customer.id)).filter((m) => ctx.segments.get(m.segment) !== undefined);
  }
}
