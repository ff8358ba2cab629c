-- Live segments (SEGMENTS_FILE, src/segments). segment_members holds who is in each segment: a row per entry
-- (deleted = 0, `since` the time of entry) and per exit (deleted = 1), the newest version winning. Ordered by
-- segment, so a segment's size and its members are one range; a customer's segments are one granule per
-- segment. The customer id column is `customer_id`: on a cluster the table is held whole by every host, so that
-- a segment's size and members are read locally.

CREATE TABLE IF NOT EXISTS segment_members
(
    segment      LowCardinality(String),
    customer_id  String,
    since        DateTime64(3, 'UTC') COMMENT 'when the customer entered (of an exit row: when they left)',
    version      UInt64,
    deleted      UInt8 DEFAULT 0
)
ENGINE = ReplacingMergeTree(version, deleted)
ORDER BY (segment, customer_id)
SETTINGS index_granularity = 256;

-- When the clock alone may change a customer's membership ("last order more than 90 days ago" becomes true,
-- a birthday changes the age): the schedule re-evaluates the customers whose instant has passed, found by a
-- range of this table's key instead of a scan of every customer. A row is written at each evaluation that
-- finds an instant ahead; one that no longer applies costs one evaluation that changes nothing.

CREATE TABLE IF NOT EXISTS segment_timers
(
    due          DateTime64(3, 'UTC'),
    customer_id  String
)
ENGINE = ReplacingMergeTree
ORDER BY (due, customer_id)
TTL toDateTime(due) + INTERVAL 7 DAY
SETTINGS index_granularity = 1024;
