import pytest
from django.core.cache import cache
from django.urls import reverse

from dangjian.orglife import panels

pytestmark = pytest.mark.django_db


def test_large_subtree_summary_comes_from_the_cache(tree, login, monkeypatch):
    cache.clear()
    calls = []
    real = panels.home_due

    def counting(org):
        calls.append(org.pk)
        return real(org)

    monkeypatch.setattr(panels, "LARGE_SUBTREE", 0)
    monkeypatch.setattr(panels, "home_due", counting)
    client = login(tree.county_admin)
    first = client.get(reverse("home:home"))
    second = client.get(reverse("home:home"))
    assert first.status_code == second.status_code == 200
    assert calls == [tree.county.pk]
    cache.clear()
