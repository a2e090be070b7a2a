"""Roll-up and reminders: correct numbers, and a number of queries that does not grow with the tree."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangjian.testing import make_org
from dangjian.worklists import queries
from dangjian.worklists.choices import State
from dangjian.worklists.testing import make_item, work_to

pytestmark = pytest.mark.django_db


def _by_name(rows):
    return {r.name: r for r in rows}


def test_rollup_counts_whole_subtrees(tree, items, today):
    work_to(items["a"], State.CLOSED, today=today)
    work_to(items["b"], State.REQUESTED, today=today)
    rows = _by_name(queries.rollup(tree.county_admin, tree.county, today=today))
    county, town1, town2 = rows["县委"], rows["东城镇党委"], rows["西山镇党委"]
    assert (county.total, county.closed, county.overdue, county.requested) == (5, 1, 2, 1)
    assert (town1.total, town1.closed, town1.overdue) == (4, 1, 1)
    assert (town2.total, town2.closed, town2.overdue) == (1, 0, 1)
    assert county.close_rate == 20.0 and town2.close_rate == 0.0
    deeper = _by_name(queries.rollup(tree.county_admin, tree.town1, today=today))
    assert deeper[tree.a.name].total == 2 and deeper[tree.b.name].requested == 1


def test_rollup_respects_scope(tree, items, today):
    rows = queries.rollup(tree.secretary_a, tree.county, today=today)
    assert all(r.name != "县委" for r in rows)
    rows = queries.rollup(tree.secretary_a, tree.a, today=today)
    assert [(r.name, r.total) for r in rows] == [(tree.a.name, 2)]


def test_rollup_query_count_does_not_grow_with_branches(tree, items, today):
    queries.rollup(tree.county_admin, tree.county, today=today)  # warm the scope cache
    with CaptureQueriesContext(connection) as small:
        queries.rollup(tree.county_admin, tree.county, today=today, depth=3)
    for n in range(12):
        branch = make_org(tree.town2, f"新建第{n}党支部", f"C0001-02-1{n:02d}")
        make_item(branch, f"事项{n}", deadline=today - dt.timedelta(days=n))
    with CaptureQueriesContext(connection) as large:
        rows = queries.rollup(tree.county_admin, tree.county, today=today, depth=3)
    assert len(large) == len(small) <= 2
    assert _by_name(rows)["西山镇党委"].total == 13


def test_list_page_query_count_is_constant(tree, items, login):
    from django.urls import reverse

    client = login(tree.county_admin)
    client.get(reverse("worklists:list"))
    with CaptureQueriesContext(connection) as before:
        client.get(reverse("worklists:list"))
    for n in range(10):
        make_item(tree.c, f"更多事项{n}")
    with CaptureQueriesContext(connection) as after:
        client.get(reverse("worklists:list"))
    assert len(after) == len(before)


def test_reminders(tree, items, today):
    work_to(items["b"], State.CLOSED, today=today - dt.timedelta(days=100))
    found = queries.reminders_for(tree.secretary_a, tree.a, today=today)
    assert [i.title for i in found.due_soon] == [items["a"].title]
    assert [i.title for i in found.overdue] == [items["a_late"].title]
    assert found.counts == {"due_soon": 1, "overdue": 1, "review_due": 0}
    county = queries.reminders_for(tree.county_admin, tree.county, today=today)
    assert {i.title for i in county.overdue} == {items["a_late"].title, items["c"].title}
    assert [i.title for i in county.review_due] == [items["b"].title]


def test_reminders_by_org_escalates_overdue_to_parent(tree, items, today):
    work_to(items["b"], State.CLOSED, today=today - dt.timedelta(days=100))
    by_org = queries.reminders_by_org(today=today)
    assert [i.title for i in by_org[tree.a.pk]["overdue"]] == [items["a_late"].title]
    assert [i.title for i in by_org[tree.town1.pk]["escalated"]] == [items["a_late"].title]
    assert [i.title for i in by_org[tree.town2.pk]["escalated"]] == [items["c"].title]
    assert [i.title for i in by_org[tree.town1.pk]["review_due"]] == [items["b"].title]


def test_detail_page_query_count_does_not_grow_with_history(tree, items, login):
    from django.urls import reverse

    from dangjian.worklists import actions

    client = login(tree.county_admin)
    url = reverse("worklists:detail", args=[items["a"].pk])
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for n in range(5):
        actions.progress_add(acting_user=tree.secretary_a, item=items["a"], text=f"进展{n}")
        actions.evidence_add(acting_user=tree.secretary_a, item=items["a"], text=f"佐证{n}")
    with CaptureQueriesContext(connection) as after:
        client.get(url)
    assert len(after) == len(before)
