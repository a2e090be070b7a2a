"""Pages and API: the pipeline and its counts, recording a step shows the reason at once, scope (404
outside, 403 read-only), the exports open, the import is checked row by row and idempotent."""

import datetime as dt
import io

import pytest
from django.test import Client
from docx import Document
from openpyxl import Workbook, load_workbook

from dangjian.accounts.actions import api_token_issue
from dangjian.core.actors import SYSTEM
from dangjian.recruitment import actions
from dangjian.recruitment.models import CaseStep, RecruitmentCase
from dangjian.testing import new_id_number

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def case(tree):
    return actions.case_create(acting_user=SYSTEM, org=tree.a, name="林晓", id_number=new_id_number(D(1995, 3, 3)),
                               applied_on=D(2024, 1, 8))


def test_pipeline_counts_and_scope(tree, case, login):
    client = login(tree.county_admin)
    body = client.get("/recruitment/").content.decode()
    assert "林晓" in body and "入党申请人" in body
    assert "林晓" not in login(tree.secretary_b).get("/recruitment/").content.decode()


def test_recording_a_late_talk_shows_the_reason_and_source(tree, case, login):
    client = login(tree.secretary_a)
    response = client.post(f"/recruitment/{case.pk}/", {"version": case.version, "step": 2, "done_on": "2024-03-01",
                                                       "outcome": ""}, follow=True)
    body = response.content.decode()
    assert "规则提示" in body and "超过收到申请书后1个月的期限" in body and "细则" in body
    assert CaseStep.objects.filter(case=case, step=2).exists()


def test_out_of_scope_is_404_and_read_only_cannot_record(tree, case, login):
    assert login(tree.secretary_b).get(f"/recruitment/{case.pk}/").status_code == 404
    reader = login(tree.reader_town1)
    assert reader.get(f"/recruitment/{case.pk}/").status_code == 200
    response = reader.post(f"/recruitment/{case.pk}/", {"version": case.version, "step": 2, "done_on": "2024-01-20"})
    assert response.status_code == 403


def test_exports_open(tree, case, login):
    client = login(tree.county_admin)
    docx = client.get(f"/recruitment/{case.pk}/record.docx")
    text = "\n".join(p.text for p in Document(io.BytesIO(b"".join(docx.streaming_content))).paragraphs)
    assert "发展党员工作全程纪实表" in text
    book = load_workbook(io.BytesIO(b"".join(client.get("/recruitment/export/").streaming_content)))
    assert book.active["A2"].value == "林晓"
    stats = load_workbook(io.BytesIO(b"".join(client.get("/recruitment/stats/export/").streaming_content)))
    assert stats.active["A3"].value == 2024 and stats.active["B3"].value == 1


def _upload(rows):
    from dangjian.recruitment.importing import HEADERS

    book = Workbook()
    sheet = book.active
    sheet.title = "发展党员"
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    data.name = "cases.xlsx"
    return data


def test_import_reports_rows_then_is_idempotent(tree, login):
    client = login(tree.secretary_a)
    good = ["赵六", new_id_number(D(1996, 1, 1)), tree.a.code, "", "2024-01-02", "2024-01-15", "2024-03-01"]
    bad = ["钱七", "123", tree.b.code, "", "2024-01-02"]
    response = client.post("/recruitment/import/", {"file": _upload([good, bad])})
    body = response.content.decode()
    assert response.status_code == 400 and "公民身份号码" in body
    assert not RecruitmentCase.objects.exists()
    assert client.post("/recruitment/import/", {"file": _upload([good])}).status_code == 200
    assert client.post("/recruitment/import/", {"file": _upload([good])}).status_code == 200
    case = RecruitmentCase.objects.get()
    assert sorted(case.steps.values_list("step", flat=True)) == [1, 2, 3]


def test_api_cases_steps_and_pipeline(tree, case):
    token = api_token_issue(acting_user=SYSTEM, user=tree.secretary_a, name="测试")
    api = Client(headers={"Authorization": f"Bearer {token}"})
    listed = api.get("/api/recruitment/cases").json()
    assert [c["name"] for c in listed["items"]] == ["林晓"]
    answer = api.post(f"/api/recruitment/cases/{case.pk}/steps", {"version": case.version, "step": 2,
                                                                  "done_on": "2024-03-01"},
                      content_type="application/json")
    assert answer.status_code == 200, answer.content
    assert answer.json()["flags"][0]["code"] == "talk"
    stale = api.post(f"/api/recruitment/cases/{case.pk}/steps", {"version": case.version, "step": 3,
                                                                 "done_on": "2024-03-02"},
                     content_type="application/json")
    assert stale.status_code == 409
    assert api.get("/api/recruitment/pipeline").json()["stages"][0]["count"] == 1
    token_b = api_token_issue(acting_user=SYSTEM, user=tree.secretary_b, name="b")
    other = Client(headers={"Authorization": f"Bearer {token_b}"})
    assert other.get(f"/api/recruitment/cases/{case.pk}").status_code == 404
    young = api.post("/api/recruitment/cases", {"org": tree.a.pk, "name": "小李", "applied_on": "2026-01-05",
                                                "id_number": new_id_number(D(2010, 1, 1))},
                     content_type="application/json")
    assert young.status_code == 422
    assert young.json()["detail"][0]["field"] == "applied_on" and "未满18周岁" in young.json()["detail"][0]["message"]


def test_calendar_page_edit_by_county_admin_only(tree, login):
    denied = login(tree.secretary_a).post("/recruitment/calendar/", {"day": "2027-01-01", "is_working": "0"})
    assert denied.status_code == 403
    client = login(tree.county_admin)
    response = client.post("/recruitment/calendar/", {"day": "2027-01-01", "is_working": "0", "name": "元旦"})
    assert response.status_code == 302
    assert "元旦" in client.get("/recruitment/calendar/?year=2027").content.decode()
