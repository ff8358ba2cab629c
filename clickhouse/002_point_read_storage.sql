-- Storage for point reads. A profile reads a few rows of each table for each customer, scattered across the
-- whole table. With the defaults (8,192-row granules, 64 KiB-1 MiB compressed blocks) every one of those
-- reads decompresses and scans a large block per column: at 1M customers most of a profile's time went there
-- (bench/, BENCHMARKS.md). Small granules and small compressed blocks make a read touch little more than the
-- rows it needs, for about 10% more disk.
--
-- index_granularity cannot change on an existing table, so each table is rebuilt: a scratch copy with the new
-- settings is filled from the table and exchanged with it. Other gateways sharing the server may write to the
-- table all along, so after the exchange the rows of the old table (now the scratch table) are copied once
-- more: whatever they wrote between the first copy and the exchange is kept (a row copied twice collapses with
-- its first copy, as it has the same key and version). The copy is then merged into as few parts as possible,
-- as FINAL reads are cheapest over few parts.
--
-- Every step can run again after a crash at any point: a scratch table left over by a crashed run (a partial
-- copy, or the old table after the exchange) first gives its rows back to the table, then the rebuild starts
-- over. The table always holds all rows, in the old or the new form.
--
-- Amended after it was first applied (src/store/migrations.ts, EARLIER_CHECKSUMS): the first text dropped the
-- old table right after the exchange.

CREATE TABLE IF NOT EXISTS customers_rebuild
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
ORDER BY id
SETTINGS index_granularity = 256, min_compress_block_size = 4096, max_compress_block_size = 16384;

INSERT INTO customers SELECT * FROM customers_rebuild;

DROP TABLE customers_rebuild;

CREATE TABLE customers_rebuild
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
ORDER BY id
SETTINGS index_granularity = 256, min_compress_block_size = 4096, max_compress_block_size = 16384;

INSERT INTO customers_rebuild SELECT * FROM customers;

EXCHANGE TABLES customers AND customers_rebuild;

INSERT INTO customers SELECT * FROM customers_rebuild;

OPTIMIZE TABLE customers FINAL;

DROP TABLE customers_rebuild;

CREATE TABLE IF NOT EXISTS orders_rebuild
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
ORDER BY (user_id, channel, order_id)
SETTINGS index_granularity = 256, min_compress_block_size = 4096, max_compress_block_size = 16384;

INSERT INTO orders SELECT * FROM orders_rebuild;

DROP TABLE orders_rebuild;

CREATE TABLE orders_rebuild
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
ORDER BY (user_id, channel, order_id)
SETTINGS index_granularity = 256, min_compress_block_size = 4096, max_compress_block_size = 16384;

INSERT INTO orders_rebuild SELECT * FROM orders;

EXCHANGE TABLES orders AND orders_rebuild;

INSERT INTO orders SELECT * FROM orders_rebuild;

OPTIMIZE TABLE orders FINAL;

DROP TABLE orders_rebuild;

CREATE TABLE IF NOT EXISTS marketing_emails_rebuild
(
    user_id     String,
    email_id    String,
    date        DateTime64(3, 'UTC'),
    opened      UInt8,
    clicked     UInt8,
    version     UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (user_id, email_id)
SETTINGS index_granularity = 256, min_compress_block_size = 4096, max_compress_block_size = 16384;

INSERT INTO marketing_emails SELECT * FROM marketing_emails_rebuild;

DROP TABLE marketing_emails_rebuild;

CREATE TABLE marketing_emails_rebuild
(
    user_id     String,
    email_id    String,
    date        DateTime64(3, 'UTC'),
    opened      UInt8,
    clicked     UInt8,
    version     UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (user_id, email_id)
SETTINGS index_granularity = 256, min_compress_block_size = 4096, max_compress_block_size = 16384;

INSERT INTO marketing_emails_rebuild SELECT * FROM marketing_emails;

EXCHANGE TABLES marketing_emails AND marketing_emails_rebuild;

INSERT INTO marketing_emails SELECT * FROM marketing_emails_rebuild;

OPTIMIZE TABLE marketing_emails FINAL;

DROP TABLE marketing_emails_rebuild;

CREATE TABLE IF NOT EXISTS weblogs_rebuild
(
    user_id        String,
    date           DateTime64(3, 'UTC'),
    page           String,
    error_message  Nullable(String),
    event_key      String
)
ENGINE = ReplacingMergeTree
ORDER BY (user_id, date, event_key)
SETTINGS index_granularity = 256, min_compress_block_size = 4096, max_compress_block_size = 16384;

INSERT INTO weblogs SELECT * FROM weblogs_rebuild;

DROP TABLE weblogs_rebuild;

CREATE TABLE weblogs_rebuild
(
    user_id        String,
    date           DateTime64(3, 'UTC'),
    page           String,
    error_message  Nullable(String),
    event_key      String
)
ENGINE = ReplacingMergeTree
ORDER BY (user_id, date, event_key)
SETTINGS index_granularity = 256, min_compress_block_size = 4096, max_compress_block_size = 16384;

INSERT INTO weblogs_rebuild SELECT * FROM weblogs;

EXCHANGE TABLES weblogs AND weblogs_rebuild;

INSERT INTO weblogs SELECT * FROM weblogs_rebuild;

OPTIMIZE TABLE weblogs FINAL;

DROP TABLE weblogs_rebuild;
