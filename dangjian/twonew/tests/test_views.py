"""Pages of 两新组织 and 阵地: scope (404 outside, 403 read-only), forms through the actions, exports."""

import io

import pytest
from openpyxl import load_workbook

from dangjian.core.models import ChangeRecord
from dangjian.twonew.choices import Coverage
from dangjian.twonew.models import Centre, Check, Entity, Standard
from dangjian.twonew.tests.test_registry import code, entity

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries(tree):
    return [entity(tree.a, 1, Coverage.SEPARATE, covering_org=tree.a), entity(tree.c, 2)]


def test_list_and_detail_follow_scope(tree, entries, login):
    client = login(tree.secretary_a)
    page = client.get("/twonew/").content.decode()
    assert "企业1" in page and "企业2" not in page
    assert client.get(f"/twonew/{entries[1].pk}/").status_code == 404
    assert client.get(f"/twonew/{entries[0].pk}/").status_code == 200
    reader = login(tree.reader_town1)
    assert reader.get(f"/twonew/{entries[0].pk}/edit/").status_code == 403


def test_create_page_shows_the_check_digit_error(tree, login):
    client = login(tree.secretary_a)
    response = client.post("/twonew/new/", {"org": tree.a.code, "name": "某公司", "credit_code": "91350100M000100Y44",
                                            "kind": "enterprise", "employees": 10, "party_members": 0,
                                            "coverage": "none"})
    assert response.status_code == 200 and "校验位不正确" in response.content.decode()
    response = client.post("/twonew/new/", {"org": tree.a.code, "name": "某公司", "credit_code": "91350100M000100Y43",
                                            "kind": "enterprise", "employees": 10, "party_members": 0,
                                            "coverage": "none"})
    assert response.status_code == 302 and Entity.objects.filter(credit_code="91350100M000100Y43").exists()


def test_coverage_page_and_export(tree, entries, login):
    client = login(tree.county_admin)
    page = client.get("/twonew/coverage/").content.decode()
    assert "50.0%" in page  # 1 of 2 covered county-wide
    response = client.get(f"/twonew/coverage/?org={tree.county.pk}&format=xlsx")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book["按党组织"]["A2"].value == "县委" and book["按党组织"]["G2"].value == "50.0%"
    export = client.get("/twonew/export/?coverage=uncovered")
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    assert [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)] == ["企业2"]
    assert ChangeRecord.objects.filter(action="export", object_type="twonew.entity").count() == 2


def test_round_pages_and_one_click_confirmation(tree, entries, login):
    client = login(tree.county_admin)
    response = client.post("/twonew/rounds/", {"org": tree.county.code, "title": "2026年动态排查",
                                               "starts_on": "2026-01-01", "due_on": "2026-03-31"})
    assert response.status_code == 302
    round_url = response["Location"]
    assert "尚未核实（2）" in client.get(round_url).content.decode()
    rnd_pk = int(round_url.rstrip("/").split("/")[-1])
    sec = login(tree.secretary_a)
    sec.post(f"/twonew/{entries[0].pk}/confirm/{rnd_pk}/", {"version": entries[0].version})
    assert Check.objects.filter(entity=entries[0]).exists()
    assert "尚未核实（1）" in login(tree.county_admin).get(round_url).content.decode()


def test_import_page(tree, login):
    from dangjian.twonew.tests.test_registry import _xlsx

    client = login(tree.county_admin)
    upload = _xlsx([("新公司", code(40), "县城", "张三", 9)])
    upload.name = "scjg.xlsx"
    response = client.post("/twonew/import/", {"file": upload})
    assert response.status_code == 200 and Entity.objects.filter(credit_code=code(40)).exists()
    assert client.get("/twonew/import/template/").status_code == 200


def test_centres(tree, login):
    client = login(tree.secretary_a)
    standards = list(Standard.objects.filter(active=True))
    response = client.post("/twonew/centres/new/", {"org": tree.a.code, "kind": "activity_room",
                                                    "name": "红星村党员活动室", "area": 80,
                                                    "standards": [s.pk for s in standards]})
    assert response.status_code == 302
    centre = Centre.objects.get()
    assert centre.standards.count() == len(standards) == 6
    page = login(tree.county_admin).get("/twonew/centres/").content.decode()
    assert "红星村党员活动室" in page
    assert login(tree.secretary_b).get(f"/twonew/centres/{centre.pk}/edit/").status_code == 404


def test_fields_and_standards_are_edited_at_the_top(tree, login):
    from dangjian.twonew.models import Field

    assert login(tree.secretary_a).post("/twonew/settings/", {"kind": "field", "name": "物业小区", "position": 70,
                                                              "active": "on"}).status_code == 302
    assert not Field.objects.filter(name="物业小区").exists()  # refused: not the top level
    client = login(tree.county_admin)
    client.post("/twonew/settings/", {"kind": "field", "name": "物业小区", "position": 70, "active": "on"})
    made = Field.objects.get(name="物业小区")
    client.post("/twonew/settings/", {"kind": "field", "entry": made.pk, "name": "物业小区", "position": 70})
    made.refresh_from_db()
    assert not made.active
    assert ChangeRecord.objects.filter(action="twonew_list_save").count() == 2
    assert "物业小区" in client.get("/twonew/settings/").content.decode()
