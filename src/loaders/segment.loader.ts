import { badUserInput } from '../errors';
import type { ClickHouseStore } from '../store/clickhouse';

/** Reads of the membership that the segment engine keeps (clickhouse/008_segments.sql). */

export interface Membership {
  segment: string;
  since: Date;
}

export interface MembersPage {
  /** Customer ids in id order, at most `first`. */
  ids: string[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
}

/** The segments of each customer, oldest entry first: one query for the whole batch. */
export async function customerSegments(store: ClickHouseStore, ids: readonly string[]): Promise<Membership[][]> {
  const rows = await store.query<{ customer_id: string; segment: string; since: number }>(
    'customerSegments',
    `SELECT customer_id, segment, toUnixTimestamp64Milli(since) AS since FROM segment_members FINAL
     WHERE customer_id IN {ids:Array(String)} ORDER BY since, segment`,
    { ids },
  );
  const byCustomer = new Map<string, Membership[]>();
  for (const r of rows) {
    let list = byCustomer.get(r.customer_id);
    if (!list) byCustomer.set(r.customer_id, (list = []));
    list.push({ segment: r.segment, since: new Date(r.since) });
  }
  return ids.map((id) => byCustomer.get(id) ?? []);
}

/** Members of each segment: one query, one range of the table per segment. */
export async function segmentSizes(store: ClickHouseStore, names: readonly string[]): Promise<number[]> {
  const rows = await store.query<{ segment: string; n: number }>(
    'segmentSize',
    'SELECT segment, count() AS n FROM segment_members FINAL WHERE segment IN {names:Array(String)} GROUP BY segment',
    { names },
  );
  const sizes = new Map(rows.map((r) => [r.segment, Number(r.n)]));
  return names.map((n) => sizes.get(n) ?? 0);
}

/** Members after `after` (a customer id), in id order, and whether any come before or after the page. */
export async function segmentMembers(store: ClickHouseStore, segment: string, first: number, after: string | null): Promise<MembersPage> {
  const rows = await store.query<{ part: number; customer_id: string }>(
    'segmentMembers',
    `SELECT 0 AS part, customer_id FROM (
       SELECT customer_id FROM segment_members FINAL WHERE segment = {segment:String} AND customer_id > {after:String}
       ORDER BY customer_id LIMIT {limit:UInt32})
     UNION ALL
     SELECT 1 AS part, customer_id FROM (
       SELECT customer_id FROM segment_members FINAL WHERE segment = {segment:String} AND customer_id <= {after:String} AND {paged:Bool}
       ORDER BY customer_id DESC LIMIT 1)`,
    { segment, after: after ?? '', limit: first + 1, paged: after !== null },
  );
  const ids = rows
    .filter((r) => r.part === 0)
    .map((r) => r.customer_id)
    .sort();
  return { ids: ids.slice(0, first), hasNextPage: ids.length > first, hasPreviousPage: rows.some((r) => r.part === 1) };
}

/** A members cursor: the member's customer id, opaque to clients. */
export const encodeMemberCursor = (id: string): string => Buffer.from(JSON.stringify(['m', id])).toString('base64url');

export function decodeMemberCursor(cursor: string): string {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && value[0] === 'm' && typeof value[1] === 'string') return value[1];
  } catch {
    // reported below
  }
  throw badUserInput(`Argument "after" is not a cursor from this segment's members: ${JSON.stringify(cursor.slice(0, 64))}.`, 'after');
}
