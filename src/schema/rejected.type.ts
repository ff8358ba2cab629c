import { Field, ObjectType } from 'type-graphql';
import { DateTimeScalar } from './scalars';

/** A record a source sent that could not be stored as it came: kept with the reason (docs/ingestion.md). */
@ObjectType()
export class RejectedRecord {
  @Field(() => String, { description: 'kafka:<topic> or mongo:<collection>' }) source!: string;
  @Field(() => String, { description: 'Where in the source: <partition>/<offset>, or the document _id' }) key!: string;
  @Field(() => String, { description: 'Why it was set aside: the field at fault and what it needed' }) reason!: string;
  @Field(() => String, { description: 'The record as received, cut at 64 KiB (personal data)' }) document!: string;
  @Field(() => DateTimeScalar) rejectedAt!: Date;
}
