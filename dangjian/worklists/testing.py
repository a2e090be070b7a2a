"""Builders for tests and benchmarks: items in a given state, without going through every page."""

from __future__ import annotations

import datetime as dt

from dangjian.core.actors import SYSTEM

from . import actions
from .choices import Kind, State


def make_item(org, title: str, *, kind: str = Kind.PROBLEM, deadline: dt.date | None = None, **fields):
    return actions.item_create(acting_user=SYSTEM, org=org, kind=kind, title=title, deadline=deadline,
                               measures=fields.pop("measures", ["制定整改方案", "按月报告进展"]), **fields)


def work_to(item, state: str, *, today: dt.date | None = None):
    """Move ``item`` as the system (no rights checks) to ``state`` along the normal path."""
    if state in (State.IN_PROGRESS, State.REQUESTED, State.CLOSED):
        item = actions.item_claim(acting_user=SYSTEM, item=item, today=today)
    if state in (State.REQUESTED, State.CLOSED):
        item = actions.item_submit(acting_user=SYSTEM, item=item, evidence_text="已整改到位，见会议记录", today=today)
    if state == State.CLOSED:
        item = actions.item_approve(acting_user=SYSTEM, item=item, today=today)
    return item
