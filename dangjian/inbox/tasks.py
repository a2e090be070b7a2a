"""The inbox's scheduled work: the daily refresh of every feed (no cron: the worker queues it),
and the refresh of part of the tree right after a change (``refresh_later``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django_tasks import task

from dangjian.jobs.periodic import daily

from .registry import refresh, refresh_all


@daily("inbox.refresh", at=dt.time(5, 30))
@task()
def refresh_inbox() -> dict:
    return refresh_all()


@task()
def refresh_part(names: list[str], org_ids: list[int]) -> dict:
    return {name: refresh(name, org_ids=org_ids) for name in names}


def refresh_later(names: list[str], *, org_ids: Iterable[int]) -> None:
    """Queue ``refresh`` of these feeds for part of the tree, once the current transaction commits."""
    ids = sorted(set(org_ids))
    transaction.on_commit(lambda: refresh_part.enqueue(names, ids))
