"""The grant-position form picks the organisation by search: open to the security administrator
over the whole tree (they hold no position), refused to everyone else."""

import pytest
from django.urls import reverse

from dangjian.accounts.models import Position

pytestmark = pytest.mark.django_db
URL = "/api/administration/orgs"


def test_security_administrator_searches_the_whole_tree(tree, admins, client):
    client.force_login(admins.security)
    response = client.get(URL, {"q": "西山镇"})
    assert response.status_code == 200
    assert [i["code"] for i in response.json()["items"]] == [tree.town2.code, tree.c.code]


@pytest.mark.parametrize("who", ["system", "audit"])
def test_other_duties_are_refused(tree, admins, client, who):
    client.force_login(getattr(admins, who))
    assert client.get(URL, {"q": "党"}).status_code == 403


def test_users_with_positions_are_refused(tree, login):
    assert login(tree.county_admin).get(URL, {"q": "党"}).status_code == 403


def test_grant_form_takes_the_picked_code_and_names_a_bad_one(tree, admins, client):
    client.force_login(admins.security)
    url = reverse("administration:security_user", args=[tree.secretary_b.pk])
    page = client.get(url).content.decode()
    assert 'data-picker-url="/api/administration/orgs"' in page
    response = client.post(url, {"org": "C9999", "role": "readonly"})
    assert response.status_code == 400
    assert "没有找到“C9999”" in response.content.decode()
    client.post(url, {"org": tree.c.code, "role": "readonly"})
    assert Position.objects.filter(user=tree.secretary_b, org=tree.c, role="readonly").exists()
