import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { Permission } from '../auth/roles';
import type { Context } from '../context';
import { assertIntInRange, badUserInput } from '../errors';
import { decodeCursor } from '../loaders/timeline.cursor';
import { ActivityConnection } from '../schema/activity.type';
import { SearchCustomersArgs, TimelineArgs } from '../schema/args';
import { Customer, toCustomer } from '../schema/customer.type';
import { FavouriteProduct, LastActivity, PurchaseStats, WebError } from '../schema/profile.type';

@Resolver(() => Customer)
export class CustomerResolver {
  @Query(() => Customer, { nullable: true })
  async customer(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Customer | null> {
    return loadCustomer(ctx, id);
  }

  @Query(() => [Customer], { nullable: 'items' })
  async customers(@Arg('ids', () => [ID]) ids: string[], @Ctx() ctx: Context): Promise<Array<Customer | null>> {
    if (ids.length > ctx.limits.maxIds) {
      throw badUserInput(`Argument "ids" may hold at most ${ctx.limits.maxIds} ids; got ${ids.length}.`, 'ids');
    }
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
    for (const r of records) ctx.loaders.customer.prime(r.id, r);
    const today = new Date();
    return records.map((r) => toCustomer(r, today));
  }

  @FieldResolver(() => PurchaseStats)
  purchaseStats(@Root() customer: Customer, @Ctx() ctx: Context): Promise<PurchaseStats> {
    return ctx.loaders.purchaseStats.load(customer.id);
  }

  @FieldResolver(() => [FavouriteProduct])
  favouriteProducts(
    @Root() customer: Customer,
    @Arg('limit', () => Int, { nullable: true, defaultValue: 5 }) limit: number,
    @Ctx() ctx: Context,
  ): Promise<FavouriteProduct[]> {
    assertIntInRange('limit', limit, 0, ctx.limits.maxLimit);
    return ctx.loaders.favouriteProducts.load({ id: customer.id, args: { limit } });
  }

  @FieldResolver(() => LastActivity)
  async lastActivity(@Root() customer: Customer, @Ctx() ctx: Context): Promise<LastActivity> {
    const [stats, engagement] = await Promise.all([
      ctx.loaders.purchaseStats.load(customer.id),
      ctx.loaders.engagement.load(customer.id),
    ]);
    return {
      lastInstoreOrder: stats.instore.lastOrderAt,
      lastOnlineOrder: stats.online.lastOrderAt,
      ...engagement,
    };
  }

  @FieldResolver(() => ActivityConnection)
  timeline(
    @Root() customer: Customer,
    @Args(() => TimelineArgs) { first, after, types }: TimelineArgs,
    @Ctx() ctx: Context,
  ): Promise<ActivityConnection> {
    assertIntInRange('first', first, 0, ctx.limits.maxFirst);
    // Only null or an absent `after` starts from the top; "" is a malformed cursor, not a restart.
    const position = after === null || after === undefined ? null : decodeCursor(after);
    const args = { first, after: position, types: types ? [...new Set(types)].sort() : null };
    return ctx.loaders.timeline.load({ id: customer.id, args });
  }

  @FieldResolver(() => [WebError])
  recentErrors(
    @Root() customer: Customer,
    @Arg('limit', () => Int, { nullable: true, defaultValue: 5 }) limit: number,
    @Ctx() ctx: Context,
  ): Promise<WebError[]> {
    assertIntInRange('limit', limit, 0, ctx.limits.maxLimit);
    return ctx.loaders.recentErrors.load({ id: customer.id, args: { limit } });
  }
}

export async function loadCustomer(ctx: Context, id: string): Promise<Customer | null> {
  const record = await ctx.loaders.customer.load(id);
  return record ? toCustomer(record) : null;
}
