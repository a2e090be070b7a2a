"""Reminders on the home page and from the daily command."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from dangjian.worklists.choices import State
from dangjian.worklists.testing import work_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def fixed_today(monkeypatch, today):
    monkeypatch.setattr(timezone, "localdate", lambda *a: today)
    return today


def test_home_shows_reminders_in_scope(tree, items, login, fixed_today):
    html = login(tree.secretary_a).get(reverse("home:home")).content.decode()
    assert "三单事项提醒" in html and items["a"].title in html and items["a_late"].title in html
    assert items["c"].title not in html and items["b"].title not in html


def test_home_of_town_shows_escalated_overdue(tree, items, login, fixed_today):
    from dangjian.testing import make_user

    town_admin = make_user("town1_admin", org=tree.town1, role="superior_admin")
    html = login(town_admin).get(reverse("home:home")).content.decode()
    assert "下级超期5天" in html and items["a_late"].title in html
    assert items["c"].title not in html


def test_home_shows_review_due(tree, items, login, fixed_today):
    work_to(items["b"], State.CLOSED, today=fixed_today - dt.timedelta(days=91))
    html = login(tree.county_admin).get(reverse("home:home")).content.decode()
    assert "回头看到期 1" in html


def test_daily_command_prints_per_organisation(tree, items, today):
    work_to(items["b"], State.CLOSED, today=today - dt.timedelta(days=91))
    out = io.StringIO()
    call_command("worklist_reminders", date=today.isoformat(), stdout=out)
    text = out.getvalue()
    assert f"{tree.a.name}（{tree.a.code}）" in text
    assert "7日内到期 1 项" in text and "已超期 5 天" in text
    town1 = text[text.index(tree.town1.name):]
    assert "下级超期（请督办）1 项" in town1 and "回头看到期 1 项" in town1
    out = io.StringIO()
    call_command("worklist_reminders", date=today.isoformat(), org=tree.town2.code, stdout=out)
    assert tree.a.name not in out.getvalue() and items["c"].title in out.getvalue()


def test_daily_command_with_nothing_to_do(db):
    out = io.StringIO()
    call_command("worklist_reminders", stdout=out)
    assert "没有需要提醒" in out.getvalue()


def test_reminders_of_a_large_subtree_are_a_shared_summary_with_its_time(tree, items, login, fixed_today,
                                                                          monkeypatch):
    from dangjian.core import summaries
    from dangjian.testing import make_user
    from dangjian.worklists.testing import make_item

    monkeypatch.setattr(summaries, "SUMMARY_MIN_ORGS", 0)  # every subtree counts as large
    town_admin = make_user("town1_admin", org=tree.town1, role="superior_admin")
    client = login(town_admin)
    first = client.get(reverse("home:home")).content.decode()
    assert "下级超期5天" in first and items["a_late"].title in first
    assert "的汇总（大范围汇总每" in first  # the stated freshness
    make_item(tree.a, "汇总之后登记的到期事项", deadline=fixed_today + dt.timedelta(days=2))
    second = client.get(reverse("home:home")).content.decode()
    assert "汇总之后登记的到期事项" not in second  # served from the cache until it is recomputed
    checks = [c for c in summaries.verify([tree.town1]) if c.name == "worklists.reminders"]
    assert [c.equal for c in checks] == [False]  # and verify-summaries finds that it no longer matches


def test_home_reminders_ask_a_fixed_number_of_queries_however_many_items(tree, items, login, fixed_today):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dangjian.worklists.reminders import home_reminders
    from dangjian.worklists.testing import make_item

    day = fixed_today.isoformat()
    with CaptureQueriesContext(connection) as before:
        home_reminders(tree.county, day)
    for n in range(12):
        make_item(tree.c if n % 2 else tree.b, f"更多到期事项{n}", deadline=fixed_today - dt.timedelta(days=n % 3))
    with CaptureQueriesContext(connection) as after:
        found = home_reminders(tree.county, day)
    assert len(after) == len(before) == 4
    assert found["counts"]["overdue"] == 2 + 8 and len(found["overdue"]) == 10
