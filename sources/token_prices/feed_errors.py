"""One error type for a live price feed that cannot be read, whatever went wrong inside.

Decisions:
* A feed payload is hostile input: nesting 50,000 brackets deep raises RecursionError in
  `json.loads`, a list where a name belongs raises polars' ComputeError, 10**400 where a
  provider belongs overflows a Decimal128. Each of those is a failure *of that snapshot*,
  so `guard_parse` turns any of them into `FeedParseError` (a ValueError, as the parsers'
  own "not this feed" errors are): the load step records the feed as `parse_failed`,
  quarantines the snapshot and keeps every stored price, instead of the step crashing.
* Problems confined to one entry stay row errors (`_errors`), not feed failures; this is
  the net under them, not a replacement.
* MemoryError and KeyboardInterrupt are not caught (the fetch size cap guards the first).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TypeVar

F = TypeVar("F", bound=Callable)


class FeedParseError(ValueError):
    """A feed snapshot that no rule of its parser could take."""


def guard_parse(feed: str) -> Callable[[F], F]:
    def wrap(parse: F) -> F:
        @functools.wraps(parse)
        def guarded(*args, **kwargs):
            try:
                return parse(*args, **kwargs)
            except ValueError:
                raise
            except RecursionError:
                raise FeedParseError(f"{feed} payload: nested too deep to be a price list") from None
            except (MemoryError, KeyboardInterrupt):
                raise
            except Exception as err:  # noqa: BLE001 (the point: no payload may crash the step)
                raise FeedParseError(f"{feed} payload: {type(err).__name__}: {str(err)[:200]}") from None

        return guarded  # type: ignore[return-value]

    return wrap
