"""Demo 待办: every feed run once over the demo data (meetings due, terms ending, flags, overdue
items); 销号 requests, returns and correction requests arrive through the other apps' own demo
actions, as they would in use."""

from __future__ import annotations

import datetime as dt

from dangjian.core.registry import register_demo

from .models import InboxItem
from .registry import refresh_all


def wipe() -> None:
    InboxItem.objects.all().delete()


def generate(*, today: dt.date, stdout=None, **_) -> None:
    results = refresh_all(today=today)
    if stdout is not None:
        opened = sum(r.get("opened", 0) for r in results.values())
        stdout.write(f"  待办：{opened:,} 项")


register_demo("inbox", generate, wipe=wipe, after=("orgs", "orglife", "worklists"), label="待办")
