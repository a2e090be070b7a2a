import pytest
from django.core.cache import cache
from django.urls import reverse

from dangjian.core import views

pytestmark = pytest.mark.django_db


def test_home_shows_scope_figures_and_warnings(tree, login):
    html = login(tree.county_admin).get(reverse("core:home")).content.decode()
    assert tree.county.name in html and "结构预警" in html and "组织生活" in html


def test_large_subtree_summary_comes_from_the_cache(tree, login, monkeypatch):
    cache.clear()
    calls = []
    real = views.home_due

    def counting(org):
        calls.append(org.pk)
        return real(org)

    monkeypatch.setattr(views, "LARGE_SUBTREE", 0)
    monkeypatch.setattr(views, "home_due", counting)
    client = login(tree.county_admin)
    first = client.get(reverse("core:home"))
    second = client.get(reverse("core:home"))
    assert first.status_code == second.status_code == 200
    assert calls == [tree.county.pk]
    cache.clear()
