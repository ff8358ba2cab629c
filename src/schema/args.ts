import { ArgsType, Field, ID, Int } from 'type-graphql';
import { ActivityType } from '../activity/activity';

// Argument classes keep the arguments in the contract's order (parameter decorators run last to first).

@ArgsType()
export class SearchCustomersArgs {
  @Field(() => String) query!: string;
  @Field(() => Int, { nullable: true, defaultValue: 10 }) first!: number;
}

@ArgsType()
export class TimelineArgs {
  @Field(() => Int, { nullable: true, defaultValue: 20 }) first!: number;
  @Field(() => String, { nullable: true }) after!: string | null;
  @Field(() => [ActivityType], { nullable: true }) types!: ActivityType[] | null;
}

@ArgsType()
export class CustomerActivityArgs {
  @Field(() => ID) customerId!: string;
  @Field(() => [ActivityType], { nullable: true }) types!: ActivityType[] | null;
}

@ArgsType()
export class SegmentMembersArgs {
  @Field(() => Int, { nullable: true, defaultValue: 20 }) first!: number;
  @Field(() => String, { nullable: true }) after!: string | null;
}

@ArgsType()
export class SegmentChangesArgs {
  @Field(() => String, { nullable: true }) segment!: string | null;
  @Field(() => ID, { nullable: true }) customerId!: string | null;
}

@ArgsType()
export class EraseCustomerArgs {
  @Field(() => ID) customerId!: string;
  @Field(() => String) reason!: string;
}
