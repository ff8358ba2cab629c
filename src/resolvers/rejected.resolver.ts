import { Arg, Authorized, Ctx, ID, Int, Query, Resolver } from 'type-graphql';
import { Permission } from '../auth/roles';
import type { Context } from '../context';
import { assertIntInRange } from '../errors';
import { RejectedRecord } from '../schema/rejected.type';

@Resolver(() => RejectedRecord)
export class RejectedRecordResolver {
  /** What support sees when a customer's profile lacks something: the customer's records set aside at ingestion. */
  @Authorized(Permission.PERSONAL_DATA)
  @Query(() => [RejectedRecord], { description: "A customer's records set aside at ingestion, newest first." })
  async rejectedRecords(
    @Arg('customerId', () => ID) customerId: string,
    @Arg('source', () => String, { nullable: true }) source: string | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20 }) first: number,
    @Ctx() ctx: Context,
  ): Promise<RejectedRecord[]> {
    assertIntInRange('first', first, 1, ctx.limits.maxFirst);
    const rows = await ctx.loaders.rejected(customerId, source ?? null, first);
    return rows.map((r) => ({ source: r.source, key: r.key, reason: r.reason, document: r.document, rejectedAt: new Date(r.rejected_at) }));
  }
}
