import { Authorized, Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ActivityType, type ActivityEvent as ActivityEventData } from '../activity/activity';
import { Permission } from '../auth/roles';
import { DateTimeScalar } from './scalars';

registerEnumType(ActivityType, { name: 'ActivityType' });

/**
 * One order, email or page view. The typed fields are set for the kinds of activity they belong to and null
 * otherwise. `location` (a delivery city) and `error` (free text a customer may have typed) are personal data.
 */
@ObjectType()
export class ActivityEvent implements ActivityEventData {
  @Field(() => ID, { description: 'Stable across redelivery and restarts: a client drops duplicates by it.' }) id!: string;
  @Field(() => ID) customerId!: string;
  @Field(() => ActivityType) type!: ActivityType;
  @Field(() => DateTimeScalar) at!: Date;
  @Field(() => String, { description: "Composed for the caller's role from the typed fields: no address, name, e-mail or free text for a role without personal data." })
  summary?: string;
  @Field(() => String) source!: string;
  @Field(() => String, { nullable: true, description: 'Orders: online | instore' }) channel?: 'online' | 'instore';
  @Field(() => Float, { nullable: true, description: 'Orders: sum of price × quantity' }) amount?: number;
  @Field(() => Int, { nullable: true, description: 'Orders: number of lines' }) items?: number;
  @Field(() => [String], { nullable: true, description: 'Orders: upper-cased product names' }) products?: string[];
  @Authorized(Permission.PERSONAL_DATA)
  @Field(() => String, { nullable: true, description: 'Orders: store city or delivery city (personal data)' })
  location?: string | null;
  @Field(() => String, { nullable: true, description: 'Page views: the page, without query string' }) page?: string;
  @Authorized(Permission.PERSONAL_DATA)
  @Field(() => String, { nullable: true, description: 'WEBSITE_ERROR: the message (personal data)' })
  error?: string | null;
  @Field(() => String, { nullable: true, description: 'EMAIL_SENT' }) emailId?: string;
  @Field(() => Boolean, { nullable: true, description: 'EMAIL_SENT' }) opened?: boolean;
  @Field(() => Boolean, { nullable: true, description: 'EMAIL_SENT' }) clicked?: boolean;
}

@ObjectType()
export class ActivityEdge {
  @Field(() => String) cursor!: string;
  @Field(() => ActivityEvent) node!: ActivityEvent;
}

/** Where a page sits in its connection, as the Relay connection spec defines it. */
@ObjectType()
export class PageInfo {
  @Field(() => Boolean, { description: 'Whether an entry precedes this page: paging forward, one at or before `after`.' })
  hasPreviousPage!: boolean;
  @Field(() => Boolean, { description: 'Whether an entry follows this page.' }) hasNextPage!: boolean;
  @Field(() => String, { nullable: true, description: "The first edge's cursor; null when the page has no edges." })
  startCursor!: string | null;
  @Field(() => String, { nullable: true, description: "The last edge's cursor; null when the page has no edges." })
  endCursor!: string | null;
}

@ObjectType()
export class ActivityConnection {
  @Field(() => [ActivityEdge]) edges!: ActivityEdge[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
}
