import { Arg, Args, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { Permission } from '../auth/roles';
import type { Context } from '../context';
import { EraseCustomerArgs } from '../schema/args';
import { ErasureReceipt } from '../schema/erasure.type';

@Resolver()
export class PrivacyResolver {
  @Authorized(Permission.ERASURE)
  @Query(() => ErasureReceipt, { nullable: true })
  erasure(@Arg('customerId', () => ID) customerId: string, @Ctx() ctx: Context): Promise<ErasureReceipt | null> {
    return ctx.erasure.receipt(customerId);
  }

  @Authorized(Permission.ERASURE)
  @Mutation(() => ErasureReceipt)
  eraseCustomer(@Args(() => EraseCustomerArgs) { customerId, reason }: EraseCustomerArgs, @Ctx() ctx: Context): Promise<ErasureReceipt> {
    return ctx.erasure.erase(customerId, reason, ctx.principal);
  }
}
