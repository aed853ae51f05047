"""The one exception the API raises for something a user can fix."""

from __future__ import annotations

from warehouse import WarehouseError


class Error(WarehouseError):
    """A request the warehouse cannot answer as asked (unknown id, bad date, no match).

    A subclass of `warehouse.WarehouseError`, so code that already catches that (the CLI
    does) treats both alike; the message is one line a person can act on."""
