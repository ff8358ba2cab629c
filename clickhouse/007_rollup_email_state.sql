-- A customer's email part of the rollup gets columns of its own, beside the MongoDB part's `profile` and
-- `state`. Each is written only by the process that ingests its source, so two processes writing the same
-- customer at the same moment (the MongoDB feed on one gateway, a Kafka partition on another) no longer
-- overwrite each other's change: the newest version of each part wins on its own (argMax per column).
-- The gateway rebuilds the rollups from the source tables after this migration (definition rollups-2).

ALTER TABLE customer_rollup ADD COLUMN IF NOT EXISTS email_profile AggregateFunction(argMax, String, UInt64) AFTER state;

ALTER TABLE customer_rollup ADD COLUMN IF NOT EXISTS email_state AggregateFunction(argMax, String, UInt64) CODEC(ZSTD(3)) AFTER email_profile;

ALTER TABLE rollup_input ADD COLUMN IF NOT EXISTS has_email UInt8 DEFAULT 0;

ALTER TABLE rollup_input ADD COLUMN IF NOT EXISTS email_profile String DEFAULT '';

ALTER TABLE rollup_input ADD COLUMN IF NOT EXISTS email_state String DEFAULT '';

ALTER TABLE rollup_input ADD COLUMN IF NOT EXISTS email_version UInt64 DEFAULT 0;

DROP VIEW IF EXISTS rollup_input_mv;

CREATE MATERIALIZED VIEW IF NOT EXISTS rollup_input_mv TO customer_rollup AS
SELECT
    user_id,
    argMaxStateIf(rollup_input.profile, rollup_input.version, has_profile = 1) AS profile,
    argMaxStateIf(rollup_input.state, rollup_input.version, has_profile = 1) AS state,
    argMaxStateIf(rollup_input.email_profile, rollup_input.email_version, has_email = 1) AS email_profile,
    argMaxStateIf(rollup_input.email_state, rollup_input.email_version, has_email = 1) AS email_state,
    max(visit) AS last_visit,
    max(login) AS last_login,
    maxMap(if(error_group = '', [], [error_group]), if(error_group = '', [], [error_ms])) AS error_seen,
    uniqExactMapStateIf(map(error_group, error_key), error_group != '') AS error_count,
    max(greatest(rollup_input.version, rollup_input.email_version)) AS version
FROM rollup_input
GROUP BY user_id;
