import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { ErasureReceiptData } from '../privacy/erasure';
import { DateTimeScalar } from './scalars';

/** What an erasure removed, and when it was verified gone from disk. */
@ObjectType()
export class ErasureReceipt implements ErasureReceiptData {
  @Field(() => ID) customerId!: string;
  @Field(() => DateTimeScalar) requestedAt!: Date;
  @Field(() => DateTimeScalar, { nullable: true, description: 'null while the removal is still being forced onto disk' })
  completedAt!: Date | null;
  @Field(() => Int) rowsRemoved!: number;
  @Field(() => [String], { description: 'Every table the erasure searched and cleared.' }) tables!: string[];
}
