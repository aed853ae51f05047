"""The citation store: the source registry, cited data files, and one adapter per source family.

Adapters read raw formats into polars frames in a canonical shape. They never drop or fix
a bad row: they mark it (``_errors``) so the warehouse can quarantine it with its reason.
"""
