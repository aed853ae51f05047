-- The sha256 of each benchmark Parquet part as written, so a rewritten part is detected
-- (part names are the *source file's* hash, not the part's own).
CREATE TABLE benchmark_part_hash (
    part_file   VARCHAR PRIMARY KEY,   -- name under <warehouse>_parts/benchmark_request/
    sha256      VARCHAR NOT NULL,
    bytes       BIGINT NOT NULL,
    hashed_at   TIMESTAMP NOT NULL
);
