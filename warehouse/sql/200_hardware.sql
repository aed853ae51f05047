-- Hardware family: GPU specs (long), rental and purchase prices, the sku catalogue.
-- Every numeric cell is a figure: figure_id names the row of `figure` it came from.

CREATE TABLE gpu_sku (
    sku        VARCHAR PRIMARY KEY,   -- canonical key (sources/hardware/sku.py)
    vendor     VARCHAR NOT NULL,
    label      VARCHAR NOT NULL,
    bf16       BOOLEAN NOT NULL,      -- has BF16 tensor cores
    family     BOOLEAN NOT NULL       -- a family key (form factor not stated): prices only
);

CREATE TABLE gpu_spec (
    figure_id            VARCHAR PRIMARY KEY,
    source_id            VARCHAR NOT NULL,
    sku                  VARCHAR,            -- null: name not mapped (see gpu_sku_unmapped)
    hardware_name        VARCHAR NOT NULL,   -- the name as the source spells it
    attribute            VARCHAR NOT NULL,   -- memory_gb, mem_bandwidth_tbps, bf16_dense_tflops, ...
    value                DOUBLE,             -- release_date: decimal year of value_date
    unit                 VARCHAR NOT NULL,
    value_date           DATE,               -- release_date only
    date_precision       VARCHAR,            -- day | month | year (release_date only)
    precision            VARCHAR,            -- bf16, fp8, fp16, fp16/bf16, fp32, fp64 (FLOPS only)
    sparsity             VARCHAR,            -- dense | sparse (FLOPS only)
    compute_unit         VARCHAR,            -- tensor | shader (FLOPS only)
    derived_from_sparse  BOOLEAN NOT NULL,   -- dense value computed as half the vendor's sparse figure
    tier                 VARCHAR NOT NULL,   -- vendor_datasheet | curated_dataset | secondary | scraped
    source_class         VARCHAR NOT NULL,   -- primary | copy | secondary
    as_stated            VARCHAR,            -- the cell as the source wrote it
    page                 VARCHAR,
    locator              VARCHAR,            -- datasheet / TechPowerUp / page URL
    ingest_run_id        VARCHAR NOT NULL
);

CREATE TABLE gpu_rental_price (
    figure_id          VARCHAR PRIMARY KEY,
    source_id          VARCHAR NOT NULL,
    sku                VARCHAR,
    hardware_name      VARCHAR NOT NULL,
    provider           VARCHAR,
    location           VARCHAR,
    date               DATE NOT NULL,
    date_precision     VARCHAR NOT NULL,    -- day | month | year
    pricing_kind       VARCHAR NOT NULL,    -- on_demand, commit_1y, commit_3y, capacity_block, marketplace, market, index
    pricing_detail     VARCHAR,
    usd_per_gpu_hour   DOUBLE NOT NULL,
    bound              VARCHAR NOT NULL,    -- =, <, >, ~
    gpus_in_offer      BIGINT,
    source_url         VARCHAR,             -- the page the price was read from
    ingest_run_id      VARCHAR NOT NULL
);

CREATE TABLE gpu_purchase_price (
    figure_id          VARCHAR PRIMARY KEY,
    source_id          VARCHAR NOT NULL,
    sku                VARCHAR,
    hardware_name      VARCHAR NOT NULL,
    date               DATE NOT NULL,
    date_precision     VARCHAR NOT NULL,
    usd                DOUBLE NOT NULL,     -- per chip, as Epoch records it
    gpus_in_offer      BIGINT,
    source_url         VARCHAR,
    notes              VARCHAR,
    ingest_run_id      VARCHAR NOT NULL
);
