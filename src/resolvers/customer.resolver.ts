import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Info, Int, Query, Resolver, Root } from 'type-graphql';
import { Permission } from '../auth/roles';
import type { Context } from '../context';
import { assertIntInRange, badUserInput } from '../errors';
import { listLimit, timelineArgs } from '../loaders/parts';
import { ActivityConnection } from '../schema/activity.type';
import { SearchCustomersArgs, TimelineArgs } from '../schema/args';
import { Customer, toCustomer } from '../schema/customer.type';
import { FavouriteProduct, LastActivity, PurchaseStats, WebError } from '../schema/profile.type';
import { prefetchProfileParts } from './prefetch';

@Resolver(() => Customer)
export class CustomerResolver {
  @Query(() => Customer, { nullable: true })
  async customer(@Arg('id', () => ID) id: string, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo): Promise<Customer | null> {
    return loadCustomer(ctx, id, info);
  }

  @Query(() => [Customer], { nullable: 'items' })
  async customers(
    @Arg('ids', () => [ID]) ids: string[],
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Array<Customer | null>> {
    if (ids.length > ctx.limits.maxIds) {
      throw badUserInput(`Argument "ids" may hold at most ${ctx.limits.maxIds} ids; got ${ids.length}.`, 'ids');
    }
    prefetchProfileParts(ctx, ids, info);
    return Promise.all(ids.map((id) => loadCustomer(ctx, id)));
  }

  // Matching by email or name would tell a caller without personal data whose they are.
  @Authorized(Permission.PERSONAL_DATA)
  @Query(() => [Customer])
  async searchCustomers(
    @Args(() => SearchCustomersArgs) { query, first }: SearchCustomersArgs,
    @Ctx() ctx: Context,
  ): Promise<Customer[]> {
    assertIntInRange('first', first, 1, ctx.limits.maxFirst);
    const text = query.trim();
    if (text.length === 0) throw badUserInput('Argument "query" must not be empty.', 'query');
    if (text.length > 200) throw badUserInput('Argument "query" may be at most 200 characters long.', 'query');
    const records = await ctx.loaders.search(text, first);
    const today = new Date();
    return records.map((r) => toCustomer(r, today));
  }

  @FieldResolver(() => PurchaseStats)
  async purchaseStats(@Root() customer: Customer, @Ctx() ctx: Context): Promise<PurchaseStats> {
    return (await ctx.loaders.rollup(customer.id)).purchaseStats;
  }

  @FieldResolver(() => [FavouriteProduct])
  async favouriteProducts(
    @Root() customer: Customer,
    @Arg('limit', () => Int, { nullable: true, defaultValue: 5 }) limit: number,
    @Ctx() ctx: Context,
  ): Promise<FavouriteProduct[]> {
    const n = listLimit({ limit }, ctx.limits);
    return (await ctx.loaders.rollup(customer.id)).favourites.slice(0, n);
  }

  @FieldResolver(() => LastActivity)
  async lastActivity(@Root() customer: Customer, @Ctx() ctx: Context): Promise<LastActivity> {
    return (await ctx.loaders.rollup(customer.id)).lastActivity;
  }

  @FieldResolver(() => ActivityConnection)
  timeline(
    @Root() customer: Customer,
    @Args(() => TimelineArgs) args: TimelineArgs,
    @Ctx() ctx: Context,
  ): Promise<ActivityConnection> {
    return ctx.loaders.timeline(customer.id, timelineArgs({ ...args }, ctx.limits));
  }

  @FieldResolver(() => [WebError])
  async recentErrors(
    @Root() customer: Customer,
    @Arg('limit', () => Int, { nullable: true, defaultValue: 5 }) limit: number,
    @Ctx() ctx: Context,
  ): Promise<WebError[]> {
    const n = listLimit({ limit }, ctx.limits);
    return (await ctx.loaders.errors(customer.id)).slice(0, n);
  }
}

/** A customer by id, or null; with `info`, the parts the query selects start loading at the same time. */
export async function loadCustomer(ctx: Context, id: string, info?: GraphQLResolveInfo): Promise<Customer | null> {
  if (info) prefetchProfileParts(ctx, [id], info);
  const { details } = await ctx.loaders.rollup(id);
  return details ? toCustomer(details) : null;
}
