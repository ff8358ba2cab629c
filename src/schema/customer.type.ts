import { Authorized, Directive, Field, ID, Int, ObjectType } from 'type-graphql';
import { Permission } from '../auth/roles';
import type { CustomerDetails as CustomerRecord } from '../store/rollup';
import { DateScalar } from './scalars';

@ObjectType()
export class Address {
  @Field(() => String, { nullable: true }) street!: string | null;
  @Field(() => String, { nullable: true }) city!: string | null;
  @Field(() => String, { nullable: true }) postcode!: string | null;
  @Field(() => String, { nullable: true }) country!: string | null;
}

/**
 * A customer's own details; the profile parts (stats, timeline…) are field resolvers over loaders.
 * Personal data needs Permission.PERSONAL_DATA (the support role). Age counts too: watching it
 * change reveals the date of birth. Gender stays readable for personalisation.
 */
@Directive('@key(fields: "id")')
@ObjectType()
export class Customer {
  @Field(() => ID) id!: string;
  @Authorized(Permission.PERSONAL_DATA) @Field(() => String, { nullable: true }) firstName!: string | null;
  @Authorized(Permission.PERSONAL_DATA) @Field(() => String, { nullable: true }) lastName!: string | null;
  @Field(() => String, { nullable: true }) gender!: string | null;
  @Authorized(Permission.PERSONAL_DATA) @Field(() => DateScalar, { nullable: true }) dateOfBirth!: string | null;
  @Authorized(Permission.PERSONAL_DATA) @Field(() => Int, { nullable: true }) age!: number | null;
  @Authorized(Permission.PERSONAL_DATA) @Field(() => String, { nullable: true }) email!: string | null;
  @Authorized(Permission.PERSONAL_DATA) @Field(() => Address, { nullable: true }) address!: Address | null;
}

/** Completed years from `dob` to `today` (UTC): a birthday not yet reached this year does not count. */
export function ageOn(dob: string | null, today: Date): number | null {
  if (!dob) return null;
  const [y, m, d] = dob.split('-').map(Number) as [number, number, number];
  const ty = today.getUTCFullYear();
  const tm = today.getUTCMonth() + 1;
  const td = today.getUTCDate();
  const hadBirthday = tm > m || (tm === m && td >= d);
  return ty - y - (hadBirthday ? 0 : 1);
}

export function toCustomer(r: CustomerRecord, today = new Date()): Customer {
  const hasAddress = r.street !== null || r.city !== null || r.postcode !== null || r.country !== null;
  return {
    id: r.id,
    firstName: r.first_name,
    lastName: r.last_name,
    gender: r.gender,
    dateOfBirth: r.dob,
    age: ageOn(r.dob, today),
    email: r.email,
    address: hasAddress ? { street: r.street, city: r.city, postcode: r.postcode, country: r.country } : null,
  };
}
