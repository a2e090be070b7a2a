"""The demo lists on the tiny demo tree: several levels, overdue, closed by the level above."""

import datetime as dt
import io

import pytest
from django.core.management import call_command

from dangjian.core.registry import demo_steps
from dangjian.worklists import demo
from dangjian.worklists.choices import EventKind, State
from dangjian.worklists.models import Step, WorkItem

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 1)


def test_generate_on_tiny_tree():
    call_command("demo_data", scale="tiny", seed=1, stdout=io.StringIO())
    # demo_data already made lists: remove them, and the steps built on them, as --replace does
    steps = demo_steps()
    for step in reversed(steps[[s.name for s in steps].index("worklists"):]):
        if step.wipe is not None:
            step.wipe()
    out = io.StringIO()
    demo.generate(seed=3, today=TODAY, stdout=out)
    assert "三单演示数据" in out.getvalue()
    depths = set(WorkItem.objects.values_list("org__depth", flat=True))
    assert len(depths) >= 3
    assert WorkItem.objects.filter(deadline__lt=TODAY).exclude(state=State.CLOSED).exists()
    closed = WorkItem.objects.filter(state=State.CLOSED)
    assert closed.exists()
    for item in closed:
        assert item.evidence.exists() and item.org.parent_id is not None
        approve = Step.objects.get(item=item, kind=EventKind.APPROVE)
        assert item.org.parent.display_name in approve.note
    counts = WorkItem.objects.count()
    demo.wipe()
    assert not WorkItem.objects.exists() and counts > 30


def test_generate_without_tree_does_nothing():
    out = io.StringIO()
    demo.generate(seed=1, today=TODAY, stdout=out)
    assert "跳过" in out.getvalue() and not WorkItem.objects.exists()
