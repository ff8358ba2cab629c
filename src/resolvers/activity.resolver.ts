import { Args, Resolver, Root, Subscription } from 'type-graphql';
import { CUSTOMER_ACTIVITY, type ActivityTopic } from '../activity/pubsub';
import { badUserInput } from '../errors';
import { ActivityEvent } from '../schema/activity.type';
import { CustomerActivityArgs } from '../schema/args';

@Resolver()
export class ActivityResolver {
  @Subscription(() => ActivityEvent, {
    topics: CUSTOMER_ACTIVITY,
    topicId: ({ args }): ActivityTopic => {
      const { customerId, types } = args as CustomerActivityArgs;
      if (customerId.trim() === '') throw badUserInput('Argument "customerId" must not be empty.', 'customerId');
      return { customerId, types: types ?? null };
    },
  })
  customerActivity(
    @Root() event: ActivityEvent,
    @Args(() => CustomerActivityArgs) _args: CustomerActivityArgs,
  ): ActivityEvent {
    return event;
  }
}
