"""Reads: the subtree summary (set-based, counts per child), the 待办 feeds, the inflow suggestion."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangjian.core.actors import SYSTEM
from dangjian.inbox.models import InboxItem
from dangjian.inbox.registry import refresh
from dangjian.mobility import actions, feeds, queries

from .conftest import away, report

pytestmark = pytest.mark.django_db


@pytest.fixture
def spread(tree, today):
    """a0: away 7 months, never heard from (transfer due, silent); a1: away 2 months with a card
    ending in 10 days; c0: away 14 months, yearly report 13 months ago, contact last month."""
    a0 = away(tree.members["a"][0], today, 7)
    a1 = away(tree.members["a"][1], today, 2)
    actions.card_issue(acting_user=SYSTEM, outflow=a1, number="LD-1", issued_on=a1.left_on,
                       expires_on=today + dt.timedelta(days=10))
    c0 = away(tree.members["c"][0], today, 14)
    report(c0, c0.left_on + dt.timedelta(days=20))
    report(c0, today - dt.timedelta(days=30), kind="contact")
    return a0, a1, c0


def _queries(call) -> int:
    with CaptureQueriesContext(connection) as seen:
        call()
    return len(seen.captured_queries)


def test_summary_counts_each_subtree_in_a_fixed_number_of_queries(tree, today, spread):
    rows = queries.summary(tree.county_admin, tree.county, today)  # also reads the user's scope, once
    before = _queries(lambda: queries.summary(tree.county_admin, tree.county, today))
    total, town1, town2 = rows
    assert total.counts["away"] == 3 and total.transfer_due == 2 and total.report_overdue == 1
    assert (town1.transfer_due, town1.silent, town1.card_expiring) == (1, 1, 1)
    assert (town2.report_overdue, town2.silent, town2.transfer_due) == (1, 0, 1)
    # a town secretary-level reader sees only their town
    for member in tree.members["b"]:  # more outflows and branches: the same queries
        away(member, today, 9)
    assert _queries(lambda: queries.summary(tree.county_admin, tree.county, today)) == before <= 4
    assert queries.summary(tree.reader_town1, tree.county, today)[0].counts["away"] == 4


def test_feeds_tell_the_home_branch(tree, today, spread):
    for name in feeds.KINDS:
        refresh(name, today=today)
    keys = set(InboxItem.objects.filter(done_at__isnull=True).values_list("key", flat=True))
    assert keys == {f"{feeds.TRANSFER}:{tree.a.pk}", f"{feeds.TRANSFER}:{tree.c.pk}",
                    f"{feeds.SILENT}:{tree.a.pk}", f"{feeds.CARD}:{tree.a.pk}", f"{feeds.REPORT}:{tree.c.pk}"}
    item = InboxItem.objects.get(key=f"{feeds.SILENT}:{tree.a.pk}")
    assert tree.members["a"][0].name in item.body and tree.members["a"][1].name not in item.body
    # a report from the silent member resolves the item on the next scan
    report(spread[0], today, kind="contact")
    refresh(feeds.SILENT, today=today)
    item.refresh_from_db()
    assert item.done_at is not None


def test_three_inflows_from_one_place_make_a_suggestion(tree, today):
    def arrive(name, place="四川省南充市"):
        return actions.inflow_register(acting_user=SYSTEM, org=tree.b, name=name, origin_org="某村党支部",
                                       origin_place=place, arrived_on=today)

    arrive("甲"), arrive("乙"), arrive("丙", "四川省达州市")
    assert queries.group_suggestions(queries.active_inflows(SYSTEM, tree.county.path)) == []
    arrive("丁")
    [suggestion] = queries.group_suggestions(queries.active_inflows(SYSTEM, tree.county.path))
    assert (suggestion.org, suggestion.count, suggestion.names) == (tree.b, 3, ["甲", "乙", "丁"])
