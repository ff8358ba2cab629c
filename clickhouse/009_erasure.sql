-- Erasure (the right to erasure, docs/privacy.md). Neither table holds a customer id or any personal data:
-- a customer is named by `id_hash`, the SHA-256 of their id (src/privacy/tombstone.ts).
--
-- erasures: one row per erased customer, the tombstone and the receipt in one. While a row exists the ingest
-- sink drops every record for that id (Kafka, MongoDB, any writer), so an erased customer does not come back
-- through a late or replayed event. The row is replaced as the erasure progresses (the newest `updated_at`
-- wins): `completed_at` stays NULL until no row of the customer is left on disk in any table.

CREATE TABLE IF NOT EXISTS erasures
(
    id_hash       String COMMENT 'SHA-256 (hex) of the erased customer id',
    requested_at  DateTime64(3, 'UTC'),
    completed_at  Nullable(DateTime64(3, 'UTC')) COMMENT 'when the removal was verified on disk; NULL while it runs',
    rows_removed  UInt64,
    tables        Array(String) COMMENT 'every table the erasure searched and cleared',
    updated_at    DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(updated_at)
ORDER BY id_hash
SETTINGS index_granularity = 256;

-- erasure_audit: who asked for which erasure, when and why, and how it ended. Append-only.
-- `reason` is the requester's own words (a ticket reference); the gateway refuses a reason that holds the
-- customer's id, name or e-mail address.

CREATE TABLE IF NOT EXISTS erasure_audit
(
    at         DateTime64(3, 'UTC'),
    id_hash    String COMMENT 'SHA-256 (hex) of the erased customer id',
    actor      String COMMENT 'the credential: key:<name> or jwt:<issuer>:<subject>',
    role       LowCardinality(String),
    reason     String,
    event      LowCardinality(String) COMMENT 'requested | removed | completed | overdue',
    detail     String COMMENT 'rows removed per table, or the failure: never a value of the customer'
)
ENGINE = MergeTree
ORDER BY (id_hash, at);
