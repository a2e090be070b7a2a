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
