"""The member picker's search: scoped like every read, narrowed to an organisation's subtree."""

import pytest

from dangjian.members.choices import PartyStatus

pytestmark = pytest.mark.django_db
URL = "/api/members/picker"


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["label"].split("（")[0] for item in response.json()["items"]]


def test_search_stays_in_scope(tree, login):
    client = login(tree.secretary_a)
    assert names(client.get(URL, {"q": "张"})) == ["张红星"]
    assert names(client.get(URL, {"q": "孙志强"})) == []  # a member of another town
    assert names(client.get(URL, {"q": str(tree.members["c"][0].pk)})) == []  # nor by number


def test_search_within_an_organisation_and_by_number(tree, login):
    client = login(tree.county_admin)
    assert sorted(names(client.get(URL, {"within": tree.b.pk}))) == ["刘芳", "陈丽华"]
    member = tree.members["c"][2]
    item = client.get(URL, {"q": str(member.pk)}).json()["items"][0]
    assert item == {"id": member.pk, "code": "", "label": f"吴明（{tree.c.display_name}）"}


def test_within_outside_scope_is_404(tree, login):
    client = login(tree.secretary_a)
    assert client.get(URL, {"within": tree.c.pk}).status_code == 404


def test_normal_leaves_out_members_not_in_good_standing(tree, login):
    tree.members["a"][0].__class__.objects.filter(pk=tree.members["a"][0].pk).update(status=PartyStatus.DECEASED)
    client = login(tree.secretary_a)
    assert "张红星" in names(client.get(URL, {"q": "张"}))
    assert "张红星" not in names(client.get(URL, {"q": "张", "normal": "true"}))


def test_names_starting_with_the_text_fill_the_page_first(tree, login):
    """A surname finds those who bear it before those whose given name contains it, even when the
    latter sort earlier by name; the page is then filled with names containing the text."""
    from dangjian.testing import make_member

    for name in ("丁明", "马明", "王明"):  # contain 明, sort before 明 itself
        make_member(tree.a, name=name)
    for name in ("明德", "明辉"):
        make_member(tree.a, name=name)
    client = login(tree.secretary_a)
    assert names(client.get(URL, {"q": "明", "limit": 2})) == ["明德", "明辉"]
    found = names(client.get(URL, {"q": "明", "limit": 5}))
    assert found[:2] == ["明德", "明辉"] and set(found[2:]) == {"丁明", "马明", "王明"}
    assert names(client.get(URL, {"q": "20"})) == []  # digits are a number, never part of a name
