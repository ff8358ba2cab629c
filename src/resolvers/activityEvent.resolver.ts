import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { Context } from '../context';
import { activitySummary } from '../schema/activity.summary';
import { ActivityEvent } from '../schema/activity.type';

/** Fields of an activity that depend on who reads it: the timeline's and the `customerActivity` push's alike. */
@Resolver(() => ActivityEvent)
export class ActivityEventResolver {
  @FieldResolver(() => String)
  summary(@Root() event: ActivityEvent, @Ctx() ctx: Context): string {
    return activitySummary(event, ctx.principal.role);
  }
}
