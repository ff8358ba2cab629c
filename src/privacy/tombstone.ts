import { hash } from 'node:crypto';
import type { IngestRecord } from '../ingest/records';

/**
 * How an erased customer is named once their data is gone: the SHA-256 of their id, in hex. The erasure tables
 * hold only this, so they keep no personal data; but a customer id is short, so whoever holds the hash and a
 * list of candidate ids can find which one it is (docs/privacy.md).
 */
export function customerIdHash(customerId: string): string {
  return hash('sha256', customerId, 'hex');
}

/** The customer a record is about, or null (a rejected record that names none). */
export function customerOf(record: IngestRecord): string | null {
  switch (record.kind) {
    case 'customer':
      return record.row.id;
    case 'rejected':
      return record.origin.customerId || null;
    default:
      return record.row.user_id;
  }
}

/**
 * The erased customers, as hashes, held in memory by the ingest sink so that every batch can drop their
 * records without asking ClickHouse (the `erasures` table holds the same hashes and is read at start).
 * A batch hashes each distinct customer id once, and not at all while nobody has been erased.
 */
export class Tombstones {
  private readonly hashes = new Set<string>();

  get size(): number {
    return this.hashes.size;
  }

  add(idHash: string): void {
    this.hashes.add(idHash);
  }

  hasHash(idHash: string): boolean {
    return this.hashes.has(idHash);
  }

  has(customerId: string): boolean {
    return this.hashes.size > 0 && this.hashes.has(customerIdHash(customerId));
  }

  /**
   * Splits records into those to keep and those of erased customers, in order. Each distinct customer id of
   * the batch is hashed once.
   */
  partition<T>(items: readonly T[], customer: (item: T) => string | null): { kept: T[]; dropped: T[] } {
    if (this.hashes.size === 0) return { kept: [...items], dropped: [] };
    const erased = new Map<string, boolean>();
    const kept: T[] = [];
    const dropped: T[] = [];
    for (const item of items) {
      const id = customer(item);
      let gone = false;
      if (id !== null) {
        gone = erased.get(id) ?? this.hashes.has(customerIdHash(id));
        erased.set(id, gone);
      }
      (gone ? dropped : kept).push(item);
    }
    return { kept, dropped };
  }
}
