"""Scope on every page and export: a secretary of branch A can neither read nor change branch B's
data — through lists, filters, search, exports, or an id guessed in a URL."""

import io

import openpyxl
import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from dangjian.jobs.testing import finished_download
from dangjian.members.models import Member
from dangjian.orgs.models import Organization

pytestmark = pytest.mark.django_db


def _results(response) -> str:
    """Only the result table of the member list (the search box echoes what was typed)."""
    html = response.content.decode()
    start = html.index('id="member-table"')
    return html[start:html.index("</table>", start)]


def _member_b(tree):
    return tree.members["b"][0]


@pytest.mark.parametrize("name", ["members:detail", "members:edit", "members:transfer"])
def test_member_pages_of_other_branch_are_404(tree, login, name):
    client = login(tree.secretary_a)
    assert client.get(reverse(name, args=[_member_b(tree).pk])).status_code == 404


@pytest.mark.parametrize("name", ["members:edit", "members:transfer", "members:reveal"])
def test_member_writes_to_other_branch_are_404_and_change_nothing(tree, login, name):
    client = login(tree.secretary_a)
    member = _member_b(tree)
    response = client.post(reverse(name, args=[member.pk]), {"name": "改名", "to_org": tree.a.pk,
                                                              "transferred_on": "2026-01-01"})
    assert response.status_code == 404
    fresh = Member.objects.get(pk=member.pk)
    assert (fresh.name, fresh.org_id, fresh.version) == (member.name, member.org_id, member.version)


@pytest.mark.parametrize("name", ["orgs:detail", "orgs:edit", "orgs:new_child", "orgs:move"])
def test_org_pages_of_other_branch_are_404(tree, login, name):
    client = login(tree.secretary_a)
    assert client.get(reverse(name, args=[tree.b.pk])).status_code == 404
    form = {"name": "x", "code": "X1", "kind": "branch"}
    assert client.post(reverse(name, args=[tree.b.pk]), form).status_code == 404
    assert Organization.objects.get(pk=tree.b.pk).name == tree.b.name


def test_member_list_shows_only_own_branch(tree, login):
    client = login(tree.secretary_a)
    html = client.get(reverse("members:list")).content.decode()
    assert all(m.name in html for m in tree.members["a"])
    assert not any(m.name in html for m in tree.members["b"] + tree.members["c"])


def test_filter_by_other_org_and_search_find_nothing(tree, login):
    client = login(tree.secretary_a)
    name_b = _member_b(tree).name
    for params in ({"org": tree.b.pk}, {"q": name_b}, {"org": tree.town1.pk, "q": name_b}):
        assert name_b not in _results(client.get(reverse("members:list"), params, follow=True))


def test_search_by_full_id_number_of_other_branch_finds_nothing(tree, login):
    client = login(tree.secretary_a)
    member = _member_b(tree)
    response = client.get(reverse("members:list"), {"q": member.reveal_id_number()}, follow=True)
    assert member.name not in _results(response)


def _export_names(client, params=None):
    response = finished_download(client, client.get(reverse("members:export"), params or {}))
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    wb = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
    return {str(cell) for row in wb.active.iter_rows(values_only=True) for cell in row if cell}


def test_export_contains_only_own_scope(tree, login):
    client = login(tree.secretary_a)
    for params in (None, {"org": tree.b.pk}, {"q": _member_b(tree).name}):
        names = _export_names(client, params)
        assert not any(m.name in names for m in tree.members["b"] + tree.members["c"])
    assert {m.name for m in tree.members["a"]} <= _export_names(client)


def test_tree_and_home_show_only_own_scope(tree, login):
    client = login(tree.secretary_a)
    for url in (reverse("orgs:tree"), reverse("home:home")):
        html = client.get(url).content.decode()
        assert tree.a.name in html
        assert tree.b.name not in html and tree.c.name not in html


def test_readonly_user_cannot_change(tree, login):
    client = login(tree.reader_town1)
    member = tree.members["a"][0]
    assert client.get(reverse("members:detail", args=[member.pk])).status_code == 200
    # in scope but read-only: 403 with the reason (404 is for what lies outside the scope)
    assert client.post(reverse("members:edit", args=[member.pk]), {"name": "改名"}).status_code == 403
    assert client.post(reverse("orgs:edit", args=[tree.a.pk]), {"name": "改名"}).status_code == 403
    assert Member.objects.get(pk=member.pk).name == member.name


def test_user_without_position_sees_nothing(db, tree, django_user_model, client):
    django_user_model.objects.create_user(username="nobody", password="Nobody-pass-1")
    client.login(username="nobody", password="Nobody-pass-1")
    html = client.get(reverse("members:list")).content.decode()
    assert not any(m.name in html for ms in tree.members.values() for m in ms)


def _app_patterns(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _app_patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def test_every_page_requires_login(tree, client):
    """Denied by default: every page of the platform's own apps sends an anonymous visitor away."""
    checked = 0
    for route, entry in _app_patterns():
        module = getattr(entry.callback, "__module__", "")
        if not module.startswith("dangjian.") or "login" in route or "logout" in route:
            continue
        url = "/" + route.replace("<int:pk>", str(tree.a.pk))
        response = client.get(url)
        assert response.status_code in (302, 401, 403, 404), url
        if response.status_code == 302:
            assert "/accounts/login/" in response["Location"], url
        checked += 1
    assert checked >= 10
