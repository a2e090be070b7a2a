"""协办单位 and 责任人 on the item form are type-to-search pickers (issue 11 item 3), not selects of
every organisation and user in scope: the page carries no option list, the inputs take codes, names
or ids (comma-separated, as the script submits them, or typed by hand), and refuse in Chinese what is
outside the user's scope; the 责任人 search answers only users the item could be given to."""

import re

import pytest
from django.urls import reverse

from dangjian.testing import make_user
from dangjian.worklists.models import WorkItem

pytestmark = pytest.mark.django_db

DATA = {"kind": "problem", "source": "self_check", "title": "党员发展程序不规范", "priority": 1,
        "review_interval_days": 60, "deadline": "2026-09-30"}


def test_the_form_has_pickers_not_option_lists(tree, login):
    html = login(tree.county_admin).get(reverse("worklists:new")).content.decode()
    for name in ("orgs", "persons"):
        field = re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)
        assert 'data-picker-multiple="true"' in field and "data-picker-url" in field
    assert "<select name=\"orgs\"" not in html and "<select name=\"persons\"" not in html
    assert html.count("<option") < 40  # the short choice lists only (kind, source, priority …)


def test_codes_names_and_ids_are_accepted_and_what_is_out_of_scope_is_named(tree, login):
    town_clerk = make_user("town_clerk", org=tree.town1, role="superior_admin")
    client = login(town_clerk)
    data = {**DATA, "org": tree.a.code, "orgs": f"{tree.b.code}，{tree.town1.name}",
            "persons": f"{tree.secretary_a.pk},secretary_b"}
    assert client.post(reverse("worklists:new"), data).status_code == 302
    item = WorkItem.objects.get(title=DATA["title"])
    assert set(item.orgs.all()) >= {tree.b, tree.town1}
    assert set(item.persons.all()) == {tree.secretary_a, tree.secretary_b}

    page = client.get(reverse("worklists:edit", args=[item.pk])).content.decode()
    assert tree.b.name_with_code in page and "secretary_b" in page  # the chosen ones, by their labels

    response = client.post(reverse("worklists:new"), {**data, "title": "越权", "orgs": tree.c.code})
    assert response.status_code == 200 and f"没有找到“{tree.c.code}”" in response.content.decode()
    response = client.post(reverse("worklists:new"), {**data, "title": "越权", "persons": "county_admin"})
    assert "没有找到“county_admin”" in response.content.decode()
    assert not WorkItem.objects.filter(title="越权").exists()


def test_the_person_search_answers_only_users_in_scope(tree, login):
    url = reverse("api:worklist_person_picker")
    mine = login(tree.secretary_a).get(url, {"q": "secretary"}).json()["items"]
    assert [p["label"] for p in mine] == ["secretary_a"]
    everyone = login(tree.county_admin).get(url, {"q": "secretary"}).json()["items"]
    assert [p["label"] for p in everyone] == ["secretary_a", "secretary_b"]
