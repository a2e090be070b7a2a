"""The organisation import page and its template (moved here from the members' import page)."""

import io

import openpyxl
import pytest
from django.urls import reverse

from dangjian.members.tests.test_import_views import post, upload
from dangjian.orgs.models import Organization

pytestmark = pytest.mark.django_db


def test_page_offers_the_form_and_the_template(tree, login):
    html = login(tree.secretary_a).get(reverse("orgs:import")).content.decode()
    assert 'type="file"' in html and reverse("orgs:import_template") in html and reverse("members:import") in html


def test_org_import_through_the_page(tree, login):
    headers = ["组织代码", "组织名称", "组织类型", "上级组织代码"]
    file = upload([{"组织代码": "A-G1", "组织名称": "第一党小组", "组织类型": "党小组", "上级组织代码": tree.a.code}],
                  headers, name="组织.xlsx")
    response = post(login(tree.secretary_a), file, kind="orgs")
    assert response.status_code == 200, response.content.decode()
    assert "新增 <strong>1</strong> 条" in response.content.decode()
    assert reverse("orgs:tree") in response.content.decode()
    assert Organization.objects.get(code="A-G1").parent_id == tree.a.pk


def test_org_template_download(tree, login):
    response = login(tree.secretary_a).get(reverse("orgs:import_template"))
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert [c.value for c in book["党组织"][1]][:2] == ["组织代码", "组织名称"]
