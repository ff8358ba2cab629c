/**
 * Where a customer's data lives: every table that holds rows about one customer, with the column naming them.
 * An erasure removes the rows of each (src/privacy/erasure.ts). A test (test/integration/erasure.tables.test.ts)
 * compares this list with the tables the migrations create: a new table must be listed here, or in
 * TABLES_WITHOUT_CUSTOMER_DATA with the reason, before the suite passes.
 */
export interface CustomerTable {
  table: string;
  /** The column that holds the customer id. */
  column: string;
  /**
   * More rows that belong to the customer, as a condition over `{id:String}`: records set aside whose
   * customer field could not be read still carry the id as a JSON string in the document.
   */
  alsoWhere?: string;
}

export const CUSTOMER_TABLES: readonly CustomerTable[] = [
  { table: 'customers', column: 'id' },
  { table: 'orders', column: 'user_id' },
  { table: 'marketing_emails', column: 'user_id' },
  { table: 'activity', column: 'user_id' },
  { table: 'customer_rollup', column: 'user_id' },
  { table: 'rejected_records', column: 'customer_id', alsoWhere: `position(document, concat('"', {id:String}, '"')) > 0` },
  { table: 'source_keys', column: 'key' },
  { table: 'segment_members', column: 'customer_id' },
  { table: 'segment_timers', column: 'customer_id' },
];

/** Tables that hold nothing about a customer, and why; everything else must be in CUSTOMER_TABLES. */
export const TABLES_WITHOUT_CUSTOMER_DATA: Readonly<Record<string, string>> = {
  schema_migrations: 'migration names and checksums',
  leases: 'which process holds the schema and ingest leases',
  ingest_checkpoints: 'where each source has got to: Kafka offsets, MongoDB resume tokens (which name documents by _id only)',
  rollup_input: 'a Null table: it keeps nothing, the view in front of customer_rollup reads what passes through',
  rollup_input_mv: 'a materialized view: its rows are in customer_rollup',
  erasures: 'erased customers by the hash of their id only',
  erasure_audit: 'who erased whom (by the hash of the id), when and why',
};

/** Column names that hold a customer id wherever they appear; a table with one must be in CUSTOMER_TABLES. */
export const CUSTOMER_ID_COLUMNS = ['id', 'user_id', 'customer_id'] as const;
