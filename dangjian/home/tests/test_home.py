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
