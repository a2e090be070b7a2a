"""The organisation picker: the search endpoint answers only organisations in the user's scope
(only changeable ones with ``writable``), and the picker field accepts a code, an id or a unique
name from its own queryset and refuses anything else in Chinese."""

import pytest
from django import forms

from dangjian.core.scoping import CHANGE
from dangjian.orgs.models import Organization
from dangjian.orgs.pickers import org_picker

pytestmark = pytest.mark.django_db
URL = "/api/orgs/picker"


def codes(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["code"] for item in response.json()["items"]]


def test_search_stays_in_scope(tree, login):
    client = login(tree.secretary_a)
    assert codes(client.get(URL, {"q": "党支部"})) == [tree.a.code]
    assert codes(client.get(URL, {"q": tree.c.code})) == []  # another town's branch, by exact code


def test_search_by_name_and_code_exact_code_first(tree, login):
    client = login(tree.county_admin)
    assert codes(client.get(URL, {"q": "东城镇"})) == [tree.town1.code, tree.a.code, tree.b.code]
    found = codes(client.get(URL, {"q": "c0001-01"}))
    assert found[0] == tree.town1.code and set(found) == {tree.town1.code, tree.a.code, tree.b.code}
    item = client.get(URL, {"q": tree.a.code}).json()["items"][0]
    assert item == {"id": tree.a.pk, "code": tree.a.code, "label": f"{tree.a.name}（{tree.a.code}）"}


def test_writable_lists_only_what_the_user_may_change(tree, login):
    client = login(tree.reader_town1)
    assert set(codes(client.get(URL, {"q": "党"}))) == {tree.town1.code, tree.a.code, tree.b.code}
    assert codes(client.get(URL, {"q": "党", "writable": "true"})) == []


def test_search_needs_login_and_bounded_limit(tree, client, login):
    assert client.get(URL, {"q": "党"}).status_code == 401
    client = login(tree.county_admin)
    assert len(codes(client.get(URL, {"q": "", "limit": 2}))) == 2
    assert client.get(URL, {"limit": 51}).status_code == 422


class PickForm(forms.Form):
    org = org_picker(label="党组织")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = Organization.objects.restrict(user, CHANGE)


@pytest.mark.parametrize("typed", ["C0001-01-001", "东城镇红星村党支部", " C0001-01-001 "])
def test_field_accepts_code_or_unique_name(tree, typed):
    form = PickForm({"org": typed}, user=tree.county_admin)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["org"] == tree.a


def test_field_accepts_an_id(tree):
    form = PickForm({"org": str(tree.a.pk)}, user=tree.county_admin)
    assert form.is_valid() and form.cleaned_data["org"] == tree.a


@pytest.mark.parametrize("typed", ["C0001-02-001", "不存在的党支部", "9" * 25])
def test_field_refuses_out_of_scope_or_unknown(tree, typed):
    form = PickForm({"org": typed}, user=tree.secretary_a)
    assert not form.is_valid()
    assert "没有找到" in form.errors["org"][0]


def test_rendered_input_carries_the_search_and_the_current_label(tree):
    html = str(PickForm(initial={"org": tree.a.pk}, user=tree.county_admin)["org"])
    assert 'value="C0001-01-001"' in html
    assert 'data-picker-url="/api/orgs/picker?writable=true"' in html
    assert f'data-picker-label="{tree.a.name}（{tree.a.code}）"' in html
    assert "<option" not in html
