import { Field, Float, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar } from './scalars';

@ObjectType()
export class ChannelStats {
  @Field(() => Int) orders!: number;
  @Field(() => Int) items!: number;
  @Field(() => Float) itemsPerOrder!: number;
  @Field(() => Float) amountSpent!: number;
  @Field(() => DateTimeScalar, { nullable: true }) lastOrderAt!: Date | null;
}

@ObjectType()
export class PurchaseStats {
  @Field(() => ChannelStats) online!: ChannelStats;
  @Field(() => ChannelStats) instore!: ChannelStats;
  @Field(() => Int) totalOrders!: number;
  @Field(() => Int) totalItems!: number;
  @Field(() => Float) totalSpent!: number;
}

@ObjectType()
export class FavouriteProduct {
  @Field(() => String) productName!: string;
  @Field(() => Int) purchases!: number;
}

@ObjectType()
export class LastActivity {
  @Field(() => DateTimeScalar, { nullable: true }) lastInstoreOrder!: Date | null;
  @Field(() => DateTimeScalar, { nullable: true }) lastOnlineOrder!: Date | null;
  @Field(() => DateTimeScalar, { nullable: true }) lastEmailSent!: Date | null;
  @Field(() => DateTimeScalar, { nullable: true }) lastEmailOpened!: Date | null;
  @Field(() => DateTimeScalar, { nullable: true }) lastEmailClicked!: Date | null;
  @Field(() => DateTimeScalar, { nullable: true }) lastWebsiteVisit!: Date | null;
  @Field(() => DateTimeScalar, { nullable: true }) lastLogin!: Date | null;
}

@ObjectType()
export class WebError {
  @Field(() => String) message!: string;
  @Field(() => String) page!: string;
  @Field(() => DateTimeScalar) lastSeen!: Date;
  @Field(() => Int) occurrences!: number;
}
