import pytest
from django.urls import reverse

from dangjian.core.registry import panels

pytestmark = pytest.mark.django_db


def test_home_shows_scope_figures_and_warnings(tree, login):
    html = login(tree.county_admin).get(reverse("home:home")).content.decode()
    assert tree.county.name in html and "结构预警" in html and "组织生活" in html


def test_every_app_panel_is_registered_in_order():
    names = [p.name for p in panels()]
    assert {"orgs.figures", "orglife.due", "worklists.reminders", "members.corrections"} <= set(names)
    assert names.index("orgs.figures") < names.index("orglife.due") < names.index("worklists.reminders")


def test_home_page_queries_do_not_grow_with_the_subtree(tree, login, monkeypatch):
    """A large subtree's home page: the summaries come from the shared cache, the rest is a fixed
    number of queries — however many organisations, members and work items lie below — and the menu
    and 待办 count are worked out once, not again for every panel rendered with the request."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dangjian.core import summaries
    from dangjian.testing import make_member, make_org
    from dangjian.worklists.testing import make_item

    monkeypatch.setattr(summaries, "SUMMARY_MIN_ORGS", 0)
    client = login(tree.county_admin)
    client.get(reverse("home:home"))  # fills the shared summaries
    with CaptureQueriesContext(connection) as before:
        assert client.get(reverse("home:home")).status_code == 200
    for n in range(6):
        branch = make_org(tree.town2, f"新增党支部{n}", f"NEW{n:03d}")
        make_member(branch, name=f"新党员{n}")
        make_item(branch, f"新增事项{n}")
    with CaptureQueriesContext(connection) as after:
        assert client.get(reverse("home:home")).status_code == 200
    assert len(after) == len(before)
    sqls = [q["sql"] for q in after.captured_queries]
    assert sum('FROM "accounts_position"' in s and '"accounts_position"."role" AS' in s for s in sqls) == 1
    assert sum(s.startswith("SELECT COUNT(*), COUNT(r.id)") for s in sqls) == 1  # the 待办 count
    assert sum('"members_member"."user_id" =' in s for s in sqls) == 1  # the menu's own-record link
