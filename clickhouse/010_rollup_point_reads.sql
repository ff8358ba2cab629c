-- Granules of 32 rows for the rollup. A profile reads one row of customer_rollup per customer, and a row is
-- wide (the profile's JSON and the aggregate states): with 256-row granules each point read decompressed and
-- skipped some 255 rows per column. Measured at 1M customers (BENCHMARKS.md): the rollup's part of a profile
-- query took 8.9 instead of 13.1 ms for 50 customers and 5.5 instead of 7.1 for 16, for 2% more disk and
-- 0.5 MiB of primary index in memory. (The same for `activity`, whose timeline reads a range of rows per
-- customer, was slower: it keeps 256.)
--
-- index_granularity cannot change on an existing table, so the table is rebuilt as 002 rebuilds its tables: a
-- scratch copy with the new settings is filled, exchanged with the table (the view in front of it writes to
-- whichever table has the name), and the rows of the old table are copied once more, so that what other
-- gateways wrote between the copy and the exchange is kept. Every column's state is idempotent (argMax, max,
-- maxMap, uniqExactMap): a row copied twice merges into the same values. A scratch table left by a crash gives
-- its rows back first.

CREATE TABLE IF NOT EXISTS customer_rollup_rebuild
(
    user_id        String,
    profile        AggregateFunction(argMax, String, UInt64),
    state          AggregateFunction(argMax, String, UInt64) CODEC(ZSTD(3)),
    email_profile  AggregateFunction(argMax, String, UInt64),
    email_state    AggregateFunction(argMax, String, UInt64) CODEC(ZSTD(3)),
    last_visit     SimpleAggregateFunction(max, Nullable(DateTime64(3, 'UTC'))),
    last_login     SimpleAggregateFunction(max, Nullable(DateTime64(3, 'UTC'))),
    error_seen     SimpleAggregateFunction(maxMap, Tuple(Array(String), Array(Int64))) COMMENT 'error group (JSON [message, page]) -> last seen ms',
    error_count    AggregateFunction(uniqExactMap, Map(String, String)) COMMENT 'error group -> distinct view keys',
    version        SimpleAggregateFunction(max, UInt64) COMMENT 'the highest profile version: where the sink resumes its versions'
)
ENGINE = AggregatingMergeTree
ORDER BY user_id
SETTINGS index_granularity = 32, min_compress_block_size = 4096, max_compress_block_size = 16384;

INSERT INTO customer_rollup SELECT * FROM customer_rollup_rebuild;

DROP TABLE customer_rollup_rebuild;

CREATE TABLE customer_rollup_rebuild
(
    user_id        String,
    profile        AggregateFunction(argMax, String, UInt64),
    state          AggregateFunction(argMax, String, UInt64) CODEC(ZSTD(3)),
    email_profile  AggregateFunction(argMax, String, UInt64),
    email_state    AggregateFunction(argMax, String, UInt64) CODEC(ZSTD(3)),
    last_visit     SimpleAggregateFunction(max, Nullable(DateTime64(3, 'UTC'))),
    last_login     SimpleAggregateFunction(max, Nullable(DateTime64(3, 'UTC'))),
    error_seen     SimpleAggregateFunction(maxMap, Tuple(Array(String), Array(Int64))) COMMENT 'error group (JSON [message, page]) -> last seen ms',
    error_count    AggregateFunction(uniqExactMap, Map(String, String)) COMMENT 'error group -> distinct view keys',
    version        SimpleAggregateFunction(max, UInt64) COMMENT 'the highest profile version: where the sink resumes its versions'
)
ENGINE = AggregatingMergeTree
ORDER BY user_id
SETTINGS index_granularity = 32, min_compress_block_size = 4096, max_compress_block_size = 16384;

INSERT INTO customer_rollup_rebuild SELECT * FROM customer_rollup;

EXCHANGE TABLES customer_rollup AND customer_rollup_rebuild;

INSERT INTO customer_rollup SELECT * FROM customer_rollup_rebuild;

OPTIMIZE TABLE customer_rollup FINAL;

DROP TABLE customer_rollup_rebuild;
