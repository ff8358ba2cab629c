-- Every key a MongoDB document's row has been stored under: a customer document's `id`, an order's
-- `user_id`. A change event carries only the document as it is now (updateLookup), so when an order moves
-- to another customer, or is deleted, the MongoDB feed finds here every customer it may still count for.
-- The sink writes this table first in every batch: after a crash part-way through a batch, it already
-- names the customer the interrupted batch moved an order to, which the states may hold while the orders
-- table does not (src/ingest/rollup/writer.ts).

CREATE TABLE IF NOT EXISTS source_keys
(
    collection  LowCardinality(String),
    source_id   String COMMENT 'MongoDB _id',
    key         String COMMENT 'the customer id the row was stored under'
)
ENGINE = ReplacingMergeTree
ORDER BY (collection, source_id, key)
SETTINGS index_granularity = 256;

INSERT INTO source_keys SELECT DISTINCT 'customers', source_id, id FROM customers;

INSERT INTO source_keys SELECT DISTINCT if(channel = 'online', 'online_orders', 'instore_orders'), order_id, user_id FROM orders WHERE NOT deleted;
