import type { ClickHouseStore } from '../store/clickhouse';

/** A record set aside at ingestion (clickhouse/004_rejected_records.sql). */
export interface RejectedRecordRow {
  source: string;
  key: string;
  customer_id: string;
  reason: string;
  document: string;
  rejected_at: number;
}

const SQL = `
SELECT source, key, customer_id, reason, document, toUnixTimestamp64Milli(rejected_at) AS rejected_at
FROM rejected_records FINAL
WHERE customer_id = {customer:String} AND ({any_source:Bool} OR source = {source:String})
ORDER BY rejected_at DESC, source, key
LIMIT {first:UInt32}`;

/** A customer's records set aside at ingestion, newest first: what their profile lacks, and why. */
export function rejectedRecords(store: ClickHouseStore, customerId: string, source: string | null, first: number): Promise<RejectedRecordRow[]> {
  return store.query<RejectedRecordRow>('rejectedRecords', SQL, { customer: customerId, any_source: source === null, source: source ?? '', first });
}
