// What the profiles must say, computed straight from the MongoDB collections: the oracle the
// ingestion tests compare the gateway's answers with.
import type { Db, Document } from 'mongodb';
import type { IngestedProfilesQuery } from '../generated/graphql';

export interface ProfileFacts {
  id: string;
  firstName: string | null;
  lastName: string | null;
  totalOrders: number;
  totalItems: number;
  totalSpent: number;
}

/** Profiles of these customer ids as the collections define them; null for a customer that does not exist. */
export async function expectedProfiles(db: Db, ids: readonly string[]): Promise<Array<ProfileFacts | null>> {
  const customers = new Map<string, Document>();
  for (const doc of await db.collection('customers').find({ id: { $in: [...ids] } }).toArray()) customers.set(String(doc['id']), doc);
  const orders = [
    ...(await db.collection('online_orders').find({ user_id: { $in: [...ids] } }).toArray()),
    ...(await db.collection('instore_orders').find({ user_id: { $in: [...ids] } }).toArray()),
  ];
  return ids.map((id) => {
    const customer = customers.get(id);
    if (!customer) return null;
    const mine = orders.filter((o) => o['user_id'] === id);
    const lines = mine.flatMap((o) => o['items'] as Array<{ price: number; quantity?: number }>);
    return {
      id,
      firstName: (customer['first_name'] as string | undefined) ?? null,
      lastName: (customer['last_name'] as string | undefined) ?? null,
      totalOrders: mine.length,
      totalItems: lines.length,
      totalSpent: lines.reduce((sum, l) => sum + l.price * (l.quantity ?? 1), 0),
    };
  });
}

export function profileFacts(customers: IngestedProfilesQuery['customers']): Array<ProfileFacts | null> {
  return customers.map((c) =>
    c
      ? {
          id: c.id,
          firstName: c.firstName ?? null,
          lastName: c.lastName ?? null,
          totalOrders: c.purchaseStats.totalOrders,
          totalItems: c.purchaseStats.totalItems,
          totalSpent: c.purchaseStats.totalSpent,
        }
      : null,
  );
}
