import datetime as dt

import pytest
from django.utils import timezone

from dangjian.core.actors import SYSTEM
from dangjian.orglife.actions import meeting_record
from dangjian.orgs.actions import post_assign, term_start

YEAR = 2026


@pytest.fixture
def secretaries(tree):
    """书记 posts in branches A and C (B's post is vacant)."""
    for org, member in ((tree.a, tree.members["a"][0]), (tree.c, tree.members["c"][0])):
        term = term_start(acting_user=SYSTEM, org=org, started_on=dt.date(2024, 1, 1))
        post_assign(acting_user=SYSTEM, term=term, member=member, post="secretary")
    return tree


@pytest.fixture
def review_meeting(tree):
    held = timezone.make_aware(dt.datetime(YEAR, 11, 20, 9))
    return meeting_record(acting_user=SYSTEM, org=tree.a, types=["review", "life_meeting"], held_at=held,
                          title="2026年度组织生活会和民主评议党员",
                          attendance=[{"member": m.pk, "status": "present"} for m in tree.members["a"]])
