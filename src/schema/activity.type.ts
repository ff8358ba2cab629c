import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { ActivityType, type ActivityEvent as ActivityEventData } from '../activity/activity';
import { DateTimeScalar } from './scalars';

registerEnumType(ActivityType, { name: 'ActivityType' });

@ObjectType()
export class ActivityEvent implements ActivityEventData {
  @Field(() => ID) customerId!: string;
  @Field(() => ActivityType) type!: ActivityType;
  @Field(() => DateTimeScalar) at!: Date;
  @Field(() => String) summary!: string;
  @Field(() => String) source!: string;
}

@ObjectType()
export class ActivityEdge {
  @Field(() => String) cursor!: string;
  @Field(() => ActivityEvent) node!: ActivityEvent;
}

@ObjectType()
export class PageInfo {
  @Field(() => Boolean) hasNextPage!: boolean;
  @Field(() => String, { nullable: true }) endCursor!: string | null;
}

@ObjectType()
export class ActivityConnection {
  @Field(() => [ActivityEdge]) edges!: ActivityEdge[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
}
