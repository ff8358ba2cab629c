import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Ctx, ID, Info, Resolver, Root, Subscription } from 'type-graphql';
import type { Context } from '../context';
import { badUserInput } from '../errors';
import type { ProfilePush } from '../live/profile.feed';
import { Customer, toCustomer } from '../schema/customer.type';
import { loadCustomer } from './customer.resolver';

@Resolver()
export class ProfileResolver {
  /**
   * The customer's profile again after every commit that touched them. Each push is resolved as a request of
   * its own: through the commit's loaders, shared by every subscriber it reaches (live/profile.feed.ts).
   */
  @Subscription(() => Customer, {
    subscribe: ({ args, context }) => {
      const customerId = (args as { customerId: string }).customerId;
      if (customerId.trim() === '') throw badUserInput('Argument "customerId" must not be empty.', 'customerId');
      return (context as Context).profiles.subscribe(customerId);
    },
  })
  async customerProfile(
    @Root() push: ProfilePush,
    @Arg('customerId', () => ID) _customerId: string,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Customer> {
    // graphql-ws runs one push at a time per subscription, so the swap holds for this push's fields alone.
    ctx.loaders = push.loaders;
    // Activity without a customer document (or after its delete) still has a profile: id and parts, no details.
    return (await loadCustomer(ctx, push.customerId, info)) ?? toCustomer({ id: push.customerId, first_name: null, last_name: null, gender: null, dob: null, email: null, street: null, city: null, postcode: null, country: null });
  }
}
