"""Feeds: the scans that keep calendar-driven 待办 up to date (meetings falling due, terms about to
end, overdue list items). Each app registers its own in its feeds.py; the daily refresh runs them
all, and an app may run one for part of the tree after a change (``refresh(name, org_ids=...)``)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable

from django.utils import timezone

from .actions import sync

logger = logging.getLogger(__name__)

# name -> function(today, org_ids or None) returning the Notices wanted open
_FEEDS: dict[str, Callable] = {}


def feed(name: str) -> Callable:
    def wrap(function: Callable) -> Callable:
        _FEEDS[name] = function
        return function

    return wrap


def names() -> list[str]:
    return sorted(_FEEDS)


def refresh(name: str, *, today: dt.date | None = None, org_ids: Iterable[int] | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    org_ids = list(org_ids) if org_ids is not None else None
    wanted = _FEEDS[name](today, org_ids)
    return sync(source=name, wanted=wanted, org_ids=org_ids)


def refresh_all(*, today: dt.date | None = None) -> dict[str, dict[str, int]]:
    """Every feed; one failing does not keep the others from running."""
    out = {}
    for name in names():
        try:
            out[name] = refresh(name, today=today)
        except Exception:
            logger.exception("inbox feed %s failed", name)
            out[name] = {"error": 1}
    return out

