/**
 * Tables the gateway creates itself, outside the migration files: the record of applied migrations, and the
 * leases (the migration lock needs its table before any migration can run). Both are bookkeeping, so on a
 * cluster every host holds all of them (src/store/cluster/catalog.ts).
 */

export const SCHEMA_MIGRATIONS_DDL = `CREATE TABLE IF NOT EXISTS schema_migrations
(
    name        String,
    checksum    String,
    applied_at  DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree
ORDER BY name`;

/**
 * One row per holder and term of each lease (src/store/lease.ts), replaced by the holder's renewals. A claim of
 * a term is inserted with a deduplication token naming the term, so of two processes claiming the same term
 * only the first insert lands (a replicated table deduplicates through Keeper; a single server needs the
 * deduplication window below, which plain MergeTree tables keep at 0).
 */
export const LEASES_DDL = `CREATE TABLE IF NOT EXISTS leases
(
    name        String,
    term        UInt64,
    owner       String,
    claimed_at  DateTime64(3, 'UTC'),
    expires_at  DateTime64(3, 'UTC'),
    released    UInt8,
    at          DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(at)
ORDER BY (name, term, owner)
SETTINGS non_replicated_deduplication_window = 1000`;

/** In the order they are created. */
export const BOOTSTRAP_DDL: ReadonlyArray<{ name: string; sql: string }> = [
  { name: 'leases', sql: LEASES_DDL },
  { name: 'schema_migrations', sql: SCHEMA_MIGRATIONS_DDL },
];
