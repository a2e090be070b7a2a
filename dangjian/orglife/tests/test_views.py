"""Pages, exports and API: scope (secretary of A cannot see or record for B; guessed ids are 404)."""

import datetime as dt
import io
import json

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from dangjian.jobs.testing import finished_download
from dangjian.orglife.models import Meeting

pytestmark = pytest.mark.django_db
YEAR = 2026


@pytest.fixture
def meetings(tree, record):
    return {"a": record(tree.a, dt.date(YEAR, 3, 5), "theme_day", title="红星村三月主题党日"),
            "b": record(tree.b, dt.date(YEAR, 3, 6), "theme_day", title="新华社区三月主题党日")}


def test_matrix_shows_only_own_scope(tree, login, meetings):
    html = login(tree.secretary_a).get(reverse("orglife:matrix") + f"?year={YEAR}").content.decode()
    assert tree.a.name in html and tree.b.name not in html
    html = login(tree.county_admin).get(reverse("orglife:matrix") + f"?year={YEAR}").content.decode()
    assert tree.town1.name in html and tree.town2.name in html


@pytest.mark.parametrize("name, args", [
    ("orglife:org_year", "b"), ("orglife:meeting_new", "b"), ("orglife:ledger_xlsx", "b"), ("orglife:rules", "b"),
    ("orglife:meeting", "mb"), ("orglife:meeting_edit", "mb"), ("orglife:meeting_docx", "mb"),
])
def test_other_branch_is_404(tree, login, meetings, name, args):
    target = tree.b.pk if args == "b" else meetings["b"].pk
    client = login(tree.secretary_a)
    assert client.get(reverse(name, args=[target])).status_code == 404
    assert client.get(reverse("orglife:org_month", args=[tree.b.pk, YEAR, 3])).status_code == 404
    assert client.get(reverse("orglife:matrix") + f"?org={tree.b.pk}").status_code == 404
    assert client.get(reverse("orglife:report_xlsx") + f"?org={tree.b.pk}").status_code == 404


def test_posting_to_other_branch_changes_nothing(tree, login, meetings):
    client = login(tree.secretary_a)
    before = Meeting.objects.count()
    form = {"title": "偷偷登记", "types": ["theme_day"], "status": "held", "held_at": "2026-03-09T09:00"}
    assert client.post(reverse("orglife:meeting_new", args=[tree.b.pk]), form).status_code == 404
    assert client.post(reverse("orglife:meeting_edit", args=[meetings["b"].pk]), form).status_code == 404
    assert Meeting.objects.count() == before
    assert Meeting.objects.get(pk=meetings["b"].pk).title == "新华社区三月主题党日"


def test_reader_cannot_record(tree, login):
    assert login(tree.reader_town1).get(reverse("orglife:meeting_new", args=[tree.a.pk])).status_code == 403


def test_record_from_the_page_with_prefilled_roster(tree, login):
    client = login(tree.secretary_a)
    html = client.get(reverse("orglife:meeting_new", args=[tree.a.pk])).content.decode()
    assert all(m.name in html for m in tree.members["a"])
    m0, m1 = tree.members["a"][:2]
    form = {"title": "三月支委会", "types": ["theme_day", "lecture"], "status": "held", "held_at": "2026-03-09T09:00",
            "lecturer": "张红星", "lecture_title": "学习党章", "minutes": "学习讨论", f"att-{m0.pk}": "leave",
            f"reason-{m0.pk}": "外出", f"att-{m1.pk}": "absent"}
    response = client.post(reverse("orglife:meeting_new", args=[tree.a.pk]), form)
    assert response.status_code == 302
    meeting = Meeting.objects.get(title="三月支委会")
    assert (meeting.expected_count, meeting.present_count, meeting.leave_count) == (4, 2, 1)
    detail = client.get(response["Location"]).content.decode()
    assert "外出" in detail and "三月支委会" in detail


def test_page_shows_field_errors_in_chinese(tree, login):
    client = login(tree.secretary_a)
    form = {"title": "党课", "types": ["lecture"], "status": "held", "held_at": "2026-03-09T09:00"}
    html = client.post(reverse("orglife:meeting_new", args=[tree.a.pk]), form).content.decode()
    assert "党课须填写讲授人" in html


def test_exports(tree, login, meetings):
    client = login(tree.secretary_a)
    docx = client.get(reverse("orglife:meeting_docx", args=[meetings["a"].pk]))
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    from docx import Document

    text = "\n".join(c.text for t in Document(io.BytesIO(docx.content)).tables for r in t.rows for c in r.cells)
    for label in ("时间", "地点", "主持人", "记录人", "应到", "实到", "缺席人员及原因"):
        assert label in text
    ledger = client.get(reverse("orglife:ledger_xlsx", args=[tree.a.pk]) + f"?year={YEAR}")
    book = openpyxl.load_workbook(io.BytesIO(ledger.content))
    assert book["会议记录"]["B2"].value == "红星村三月主题党日"
    report = finished_download(client, client.get(reverse("orglife:report_xlsx") + f"?year={YEAR}"))
    body = b"".join(report.streaming_content)
    names = [r[0] for r in openpyxl.load_workbook(io.BytesIO(body))["汇总"].iter_rows(values_only=True)]
    assert tree.a.name in names and tree.b.name not in names


def test_report_xlsx_is_formula_safe(tree, record, login):
    record(tree.a, dt.date(YEAR, 3, 5), title="=HYPERLINK(\"http://x\")")
    ledger = login(tree.secretary_a).get(reverse("orglife:ledger_xlsx", args=[tree.a.pk]) + f"?year={YEAR}")
    cell = openpyxl.load_workbook(io.BytesIO(ledger.content))["会议记录"]["B2"].value
    assert cell.startswith("'=")


def test_drill_down_to_the_meeting(tree, login, meetings):
    client = login(tree.county_admin)
    html = client.get(reverse("orglife:org_month", args=[tree.a.pk, YEAR, 3])).content.decode()
    assert reverse("orglife:meeting", args=[meetings["a"].pk]) in html
    assert "主题党日" in html


def test_flags_page_scoped(tree, login, record):
    from .conftest import at

    record(tree.b, dt.date(YEAR, 2, 1), entered=at(dt.date(YEAR, 3, 1)), title="补录的会")
    assert "补录的会" not in login(tree.secretary_a).get(reverse("orglife:flags")).content.decode()
    html = login(tree.county_admin).get(reverse("orglife:flags") + f"?year={YEAR}").content.decode()
    assert "补录的会" in html and "相隔" in html


# -- API ------------------------------------------------------------------------------------------

def _post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


def test_api_record_and_scope(tree, login, meetings):
    client = login(tree.secretary_a)
    members = tree.members["a"]
    body = {"org": tree.a.pk, "title": "API 主题党日", "types": ["theme_day"], "held_at": "2026-04-02T09:00:00+08:00",
            "attendance": [{"member": m.pk, "status": "present"} for m in members]}
    client.handler.enforce_csrf_checks = False
    response = _post(client, "/api/orglife/meetings", body)
    assert response.status_code == 201, response.content
    assert response.json()["present_count"] == 4
    assert _post(client, "/api/orglife/meetings", {**body, "org": tree.b.pk}).status_code == 404
    bad = _post(client, "/api/orglife/meetings", {**body, "attendance": [{"member": tree.members["b"][0].pk}]})
    assert bad.status_code == 422 and "第 1 行" in json.dumps(bad.json(), ensure_ascii=False)
    assert client.get(f"/api/orglife/meetings/{meetings['b'].pk}").status_code == 404
    listed = client.get("/api/orglife/meetings").json()
    assert {m["org"]["id"] for m in listed["items"]} == {tree.a.pk}
    report = client.get(f"/api/orglife/compliance?year={YEAR}").json()
    assert report["root"]["id"] == tree.a.pk


def test_api_patch_locked_needs_reason(tree, login, record):
    client = login(tree.secretary_a)
    client.handler.enforce_csrf_checks = False
    meeting = record(tree.a, dt.date(2025, 3, 5))
    url = f"/api/orglife/meetings/{meeting.pk}"
    plain = client.patch(url, json.dumps({"version": 1, "place": "村部"}), content_type="application/json")
    assert plain.status_code == 422 and "已锁定" in json.dumps(plain.json(), ensure_ascii=False)
    amended = client.patch(url, json.dumps({"version": 1, "place": "村部", "amend_reason": "补充地点"}),
                           content_type="application/json")
    assert amended.status_code == 200 and amended.json()["place"] == "村部"


def test_report_command_json_and_table(tree, record, tmp_path):
    record(tree.a, dt.date(YEAR, 1, 5))
    out = io.StringIO()
    call_command("orglife_report", year=YEAR, format="json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["root"]["code"] == tree.county.code
    assert any(o["id"] == tree.a.pk for o in data["organizations"])
    out = io.StringIO()
    call_command("orglife_report", org=tree.a.code, year=YEAR, stdout=out)
    assert tree.a.name in out.getvalue() and "落实率" in out.getvalue()
    target = tmp_path / "r.xlsx"
    call_command("orglife_report", year=YEAR, format="xlsx", output=str(target), stdout=io.StringIO())
    assert openpyxl.load_workbook(target)["明细"].max_row > 1


def test_streamed_json_report_is_the_report_dict_evaluated_a_batch_at_a_time(tree, record, monkeypatch):
    from dangjian.orglife import exporting
    from dangjian.orglife.report import LazyResults, compliance_report

    record(tree.a, dt.date(YEAR, 1, 5))
    record(tree.c, dt.date(YEAR, 2, 7))
    today = dt.date(YEAR, 6, 20)
    expected = exporting.report_dict(compliance_report(tree.county, YEAR, today=today))
    assert expected["due_next"] and any("results" in o for o in expected["organizations"])
    real_each = LazyResults.each
    monkeypatch.setattr(LazyResults, "each", lambda self, ids, batch=500: real_each(self, ids, batch=2))
    report = compliance_report(tree.county, YEAR, today=today)
    pieces: list[str] = []
    exporting.write_report_json(report, pieces.append)
    assert json.loads("".join(pieces)) == expected
    assert len(pieces) == len(expected["organizations"]) + 2  # written an organisation at a time
    assert report.results._done == {}  # nothing kept: memory stays bounded whatever the subtree's size


def test_home_page_shows_due_and_late(tree, login):
    html = login(tree.secretary_a).get(reverse("home:home")).content.decode()
    assert "组织生活" in html and ("已逾期" in html or "即将到期" in html)


def test_rules_page_sets_this_years_rule_for_those_below(tree, login):
    from dangjian.orglife.models import RuleSetting

    form = {"org_kind": "branch", "meeting_type": "lecture", "period": "month", "min_count": 1, "quorum_base": "none",
            "active": "on"}
    url = reverse("orglife:rules", args=[tree.town1.pk]) + f"?year={YEAR}"
    assert login(tree.reader_town1).post(url, form).status_code == 403
    assert login(tree.county_admin).post(url, form).status_code == 302
    row = RuleSetting.objects.get()
    assert (row.owner_id, row.year, row.period) == (tree.town1.pk, YEAR, "month")


def test_rescan_flags_needs_change_scope(tree, login, record):
    from .conftest import at

    record(tree.a, dt.date(YEAR, 2, 1), entered=at(dt.date(YEAR, 3, 1)))
    url = reverse("orglife:flags_rescan") + f"?org={tree.town1.pk}&year={YEAR}"
    assert login(tree.reader_town1).post(url).status_code == 404
    assert login(tree.county_admin).post(url).status_code == 302


@pytest.mark.parametrize("path", ["{pk}/0/1/", "{pk}/{big}/1/", "{big}/2026/1/", "{pk}/99999/1/"])
def test_impossible_years_and_ids_are_404_not_500(tree, login, path):
    url = "/orglife/org/" + path.format(pk=tree.a.pk, big="9" * 25)
    assert login(tree.county_admin).get(url).status_code == 404


def test_new_meeting_does_not_default_to_midnight():
    from dangjian.orglife.rules import default_start

    assert default_start(dt.datetime(2026, 3, 5, 0, 20)) == dt.datetime(2026, 3, 5, 9, 0)
    assert default_start(dt.datetime(2026, 3, 5, 23, 5)) == dt.datetime(2026, 3, 5, 9, 0)
    assert default_start(dt.datetime(2026, 3, 5, 14, 35)) == dt.datetime(2026, 3, 5, 14, 0)


def test_matrix_cell_with_open_requirements_is_yellow_not_green():
    from dangjian.orglife import rules
    from dangjian.orglife.matrix import _cell

    tally = rules.Tally()
    for outcome in [rules.MET] * 4 + [rules.NOT_DUE] * 3:
        tally.add_outcome(outcome)
    assert _cell(tally) == {"css": "open", "text": "4/7"}
    done = rules.Tally()
    done.add_outcome(rules.MET)
    assert _cell(done) == {"css": "good", "text": "1/1"}
    only_open = rules.Tally()
    only_open.add_outcome(rules.NOT_DUE)
    assert _cell(only_open) == {"css": "open", "text": "待办"}
