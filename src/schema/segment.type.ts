import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { PageInfo } from './activity.type';
import { Customer } from './customer.type';
import { DateTimeScalar } from './scalars';

export enum SegmentChangeKind {
  ENTERED = 'ENTERED',
  EXITED = 'EXITED',
}

registerEnumType(SegmentChangeKind, { name: 'SegmentChangeKind' });

@ObjectType()
export class SegmentMembership {
  @Field(() => String) segment!: string;
  @Field(() => DateTimeScalar, { description: 'When the customer last entered the segment.' }) since!: Date;
}

/** A segment of the segments file (SEGMENTS_FILE); `size` and `members` are field resolvers over its membership. */
@ObjectType()
export class Segment {
  @Field(() => String) name!: string;
  @Field(() => String, { nullable: true }) description!: string | null;
  @Field(() => String, { description: 'The condition as written in the segments file.' }) definition!: string;
}

@ObjectType()
export class CustomerEdge {
  @Field(() => String) cursor!: string;
  @Field(() => Customer) node!: Customer;
}

@ObjectType()
export class CustomerConnection {
  @Field(() => [CustomerEdge]) edges!: CustomerEdge[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
}

@ObjectType({ description: 'A customer entering or leaving a segment, pushed once the membership is stored.' })
export class SegmentChange {
  @Field(() => ID, { description: 'Stable: a client drops duplicates by it.' }) id!: string;
  @Field(() => String) segment!: string;
  @Field(() => ID) customerId!: string;
  @Field(() => SegmentChangeKind) kind!: SegmentChangeKind;
  @Field(() => DateTimeScalar) at!: Date;
}
