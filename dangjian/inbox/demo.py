"""Demo 待办: every feed run once over the demo data (meetings due, terms ending, flags, overdue
items); the 销号 requests, returns and the correction request arrive through the other apps' own
demo actions, as they would in use."""

from __future__ import annotations

import datetime as dt

from .models import InboxItem
from .registry import refresh_all


def wipe() -> None:
    InboxItem.objects.all().delete()


def generate(*, seed: int, today: dt.date, stdout=None) -> None:
    results = refresh_all(today=today)
    if stdout is not None:
        opened = sum(r.get("opened", 0) for r in results.values())
        stdout.write(f"  待办：{opened:,} 项")
