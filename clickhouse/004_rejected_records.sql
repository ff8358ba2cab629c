-- Records set aside: what a source sent that could not be stored as it came (a message that breaks its
-- SPEC shape, a MongoDB document that does not map, a row the engine refused), kept with the reason, so
-- that nothing accepted is lost silently and support staff can see what a customer's profile lacks.
-- Kafka messages also go to the dead-letter topic, as before. Ordered by customer, as support asks by
-- customer and an erasure removes by customer; a record set aside again (a redelivery after a restart)
-- collapses into its first copy.

CREATE TABLE IF NOT EXISTS rejected_records
(
    source       LowCardinality(String) COMMENT 'kafka:<topic> or mongo:<collection> (or the writer that handed it over)',
    key          String COMMENT 'where in the source: <partition>/<offset>, or the document _id',
    customer_id  String COMMENT 'the customer it names, or empty',
    reason       String COMMENT 'why it was set aside: the field at fault, never its value',
    document     String COMMENT 'the record as received (cut at 64 KiB)',
    rejected_at  DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(rejected_at)
ORDER BY (customer_id, source, key)
SETTINGS index_granularity = 256;
