-- Tables that model the sources of SPEC.md. Each is ordered by customer id so that one profile
-- is a primary-key range read.
--
-- Updates and deletes from MongoDB land as new rows with a higher `version`; a delete is a row
-- with deleted = 1. ReplacingMergeTree(version, deleted) collapses them in background merges,
-- and every read uses FINAL, so answers are right before any merge has run.

CREATE TABLE IF NOT EXISTS customers
(
    id          String,
    source_id   String COMMENT 'MongoDB _id: a delete event carries only this',
    first_name  Nullable(String),
    last_name   Nullable(String),
    gender      Nullable(String),
    dob         Nullable(Date32),
    email       Nullable(String),
    street      Nullable(String),
    city        Nullable(String),
    postcode    Nullable(String),
    country     Nullable(String),
    version     UInt64,
    deleted     UInt8 DEFAULT 0,
    INDEX idx_source_id source_id TYPE bloom_filter GRANULARITY 4
)
ENGINE = ReplacingMergeTree(version, deleted)
ORDER BY id;

-- Orders of both channels, one row per order with its lines as parallel arrays.
CREATE TABLE IF NOT EXISTS orders
(
    user_id          String,
    channel          LowCardinality(String) COMMENT 'online | instore',
    order_id         String COMMENT 'MongoDB _id',
    date             DateTime64(3, 'UTC'),
    item_names       Array(String),
    item_prices      Array(Float64),
    item_quantities  Array(Float64),
    location         Nullable(String) COMMENT 'store city (instore) or delivery city (online)',
    version          UInt64,
    deleted          UInt8 DEFAULT 0,
    INDEX idx_order_id order_id TYPE bloom_filter GRANULARITY 4
)
ENGINE = ReplacingMergeTree(version, deleted)
ORDER BY (user_id, channel, order_id);

-- A later message with the same email_id replaces the earlier one (a higher version wins).
CREATE TABLE IF NOT EXISTS marketing_emails
(
    user_id     String,
    email_id    String,
    date        DateTime64(3, 'UTC'),
    opened      UInt8,
    clicked     UInt8,
    version     UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (user_id, email_id);

-- One row per page view. event_key identifies the view, so a redelivered message collapses.
CREATE TABLE IF NOT EXISTS weblogs
(
    user_id        String,
    date           DateTime64(3, 'UTC'),
    page           String,
    error_message  Nullable(String),
    event_key      String
)
ENGINE = ReplacingMergeTree
ORDER BY (user_id, date, event_key);

-- Where each source has got to (a MongoDB resume token, a demo load marker), written in the
-- same flush as the rows it covers.
CREATE TABLE IF NOT EXISTS ingest_checkpoints
(
    source    String,
    position  String,
    version   UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY source;
