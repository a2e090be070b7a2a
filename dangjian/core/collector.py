"""Python's cyclic garbage collector paused while a report or a check builds hundreds of thousands
of small objects at once (tuples, lists, dicts) that cannot form cycles: the collector would walk
them again and again meanwhile (for a city's 发展党员 check, about a third of the time)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
