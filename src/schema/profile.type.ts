import { Authorized, Field, Float, Int, ObjectType } from 'type-graphql';
import { Permission } from '../auth/roles';
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

/**
 * A group of website errors. The message is free text (what a customer typed may be in it) and the page is
 * kept as logged, query string included (which may carry an e-mail address or a token): both are personal
 * data. A role without it still reads when and how often, and each error's page without its query string
 * from the timeline (`ActivityEvent.page`).
 */
@ObjectType()
export class WebError {
  @Authorized(Permission.PERSONAL_DATA) @Field(() => String) message!: string;
  @Authorized(Permission.PERSONAL_DATA) @Field(() => String) page!: string;
  @Field(() => DateTimeScalar) lastSeen!: Date;
  @Field(() => Int) occurrences!: number;
}
