-- Per-customer state kept current at ingest time, so that a profile is two point reads instead of nine
-- range reads recomputed on every request (BENCHMARKS.md, "Rollups").
--
-- activity: every order, email and page view in one table ordered by (customer, time), so a timeline page is
-- one range read. Page views live only here (the weblogs table is folded in below). Order and email rows are
-- written by the ingest sink beside their source rows; when an order's date changes or it is deleted, the
-- sink writes a deleted row under the old key. `key` is the record's own key (an order's _id, an email's
-- email_id, a page view's content hash), so a record delivered twice collapses.

CREATE TABLE IF NOT EXISTS activity
(
    user_id  String,
    at       DateTime64(3, 'UTC'),
    type     LowCardinality(String) COMMENT 'ActivityType',
    key      String,
    payload  String COMMENT 'the typed facts as JSON: channel, amount, items, products, location / emailId, opened, clicked / page, error',
    version  UInt64,
    deleted  UInt8 DEFAULT 0
)
ENGINE = ReplacingMergeTree(version, deleted)
ORDER BY (user_id, at, type, key)
SETTINGS index_granularity = 256, min_compress_block_size = 4096, max_compress_block_size = 16384;

-- customer_rollup: one row per customer once merged. Two kinds of input meet here:
-- * the sink's state of the customer's MongoDB and email records (`state`) and the profile derived from it
--   (`profile`), both as JSON; the newest version wins (argMax). The state holds what each order and email
--   contributed, so an update or delete retracts exactly that, and a maximum that loses its top is recomputed.
-- * page views, which are never updated: their parts (last visit, last login, errors per message and page)
--   are maxima and distinct counts of the view's key, so a view delivered twice counts once.

CREATE TABLE IF NOT EXISTS customer_rollup
(
    user_id      String,
    profile      AggregateFunction(argMax, String, UInt64),
    state        AggregateFunction(argMax, String, UInt64),
    last_visit   SimpleAggregateFunction(max, Nullable(DateTime64(3, 'UTC'))),
    last_login   SimpleAggregateFunction(max, Nullable(DateTime64(3, 'UTC'))),
    error_seen   SimpleAggregateFunction(maxMap, Tuple(Array(String), Array(Int64))) COMMENT 'error group (JSON [message, page]) -> last seen ms',
    error_count  AggregateFunction(uniqExactMap, Map(String, String)) COMMENT 'error group -> distinct view keys',
    version      SimpleAggregateFunction(max, UInt64) COMMENT 'the highest profile version: where the sink resumes its versions'
)
ENGINE = AggregatingMergeTree
ORDER BY user_id
SETTINGS index_granularity = 256, min_compress_block_size = 4096, max_compress_block_size = 16384;

-- A later message for an email replaces an earlier one by this order, whatever partition each came on
-- (docs/ingestion.md): broker timestamp, partition, offset.
ALTER TABLE marketing_emails ADD COLUMN IF NOT EXISTS seq String DEFAULT '' COMMENT 'place among the messages for this email';

-- The sink writes plain rows here; the view below turns them into aggregate states. A Null table keeps nothing.
CREATE TABLE IF NOT EXISTS rollup_input
(
    user_id      String,
    has_profile  UInt8 DEFAULT 0,
    profile      String DEFAULT '',
    state        String DEFAULT '',
    version      UInt64 DEFAULT 0,
    visit        Nullable(DateTime64(3, 'UTC')),
    login        Nullable(DateTime64(3, 'UTC')),
    error_group  String DEFAULT '',
    error_key    String DEFAULT '',
    error_ms     Int64 DEFAULT 0
)
ENGINE = Null;

CREATE MATERIALIZED VIEW IF NOT EXISTS rollup_input_mv TO customer_rollup AS
SELECT
    user_id,
    argMaxStateIf(rollup_input.profile, rollup_input.version, has_profile = 1) AS profile,
    argMaxStateIf(rollup_input.state, rollup_input.version, has_profile = 1) AS state,
    max(visit) AS last_visit,
    max(login) AS last_login,
    maxMap(if(error_group = '', [], [error_group]), if(error_group = '', [], [error_ms])) AS error_seen,
    uniqExactMapStateIf(map(error_group, error_key), error_group != '') AS error_count,
    max(rollup_input.version) AS version
FROM rollup_input
GROUP BY user_id;

-- Existing data moves into activity. The rollups themselves are built by the gateway at start-up from the
-- source tables (src/ingest/rollup/rebuild.ts), as whenever their definition changes.
-- Every step can run again after a crash: copied rows collapse with their first copy, and a weblogs table
-- already dropped is an empty one here.

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

INSERT INTO activity (user_id, at, type, key, payload, version)
SELECT user_id, date, if(channel = 'online', 'ONLINE_ORDER', 'INSTORE_ORDER'), order_id,
       toJSONString(CAST((toString(channel), arraySum((p, q) -> p * q, item_prices, item_quantities), length(item_names),
                          arrayMap(n -> upperUTF8(n), item_names), location),
                         'Tuple(channel String, amount Float64, items UInt32, products Array(String), location Nullable(String))')),
       version
FROM orders FINAL;

INSERT INTO activity (user_id, at, type, key, payload, version)
SELECT user_id, date, 'EMAIL_SENT', email_id,
       toJSONString(CAST((email_id, opened = 1, clicked = 1), 'Tuple(emailId String, opened Bool, clicked Bool)')),
       version
FROM marketing_emails FINAL;

INSERT INTO activity (user_id, at, type, key, payload, version)
SELECT user_id, date,
       multiIf(ifNull(error_message, '') != '', 'WEBSITE_ERROR', page = 'login_success.html', 'LOGIN', 'WEBSITE_VISIT'),
       event_key,
       toJSONString(CAST((page, if(ifNull(error_message, '') = '', NULL, error_message)), 'Tuple(page String, error Nullable(String))')),
       0
FROM weblogs FINAL;

DROP TABLE IF EXISTS weblogs;
