"""报到情况 (.xlsx) of a subtree for a year: who should report, where they reported, the year's
confirmed hours and the feedback; the rates; who reported to the subtree's communities. Read back
with openpyxl; scoped and audited."""

import datetime as dt
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dangjian.core.models import ChangeRecord
from dangjian.jobs.models import Job
from dangjian.jobs.testing import finished_download, run_jobs
from dangjian.testing import make_member, make_org

from .. import actions, jobs

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year - 1  # a past year: its feedback is open whatever day the test runs


def _book(response):
    assert response.status_code == 200, response.content
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def _table(sheet) -> list[dict]:
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


@pytest.fixture
def served(tree, side):
    """The doctor reported to 新华社区 in YEAR, served 3 confirmed hours and 2 unconfirmed there, and
    got the community's feedback; the retiree should report and has not."""
    report = actions.report_request(acting_user=side.member_user, member=side.doctor, community=tree.b,
                                    reported_on=dt.date(YEAR, 3, 1))
    report = actions.report_accept(acting_user=tree.secretary_b, report=report, expected_version=report.version)
    done = actions.record_enter(acting_user=side.member_user, report=report, served_on=dt.date(YEAR, 6, 1),
                                hours="3", what="社区义诊")
    actions.record_decide(acting_user=tree.secretary_b, record=done, confirm=True, expected_version=done.version)
    actions.record_enter(acting_user=side.member_user, report=report, served_on=dt.date(YEAR, 7, 1), hours="2",
                         what="健康讲座")
    actions.feedback_give(acting_user=tree.secretary_b, report=report, year=YEAR, rating="excellent",
                          comment="=服务认真")
    return report


def test_branch_export(tree, side, served, login):
    url = reverse("community:reporting_xlsx", args=[tree.c.pk])
    book = _book(login(side.secretary_c).get(url, {"year": YEAR}))
    assert book.sheetnames == [f"{YEAR}年报到情况", "报到率", "向本级社区报到的党员"]
    lines = {line["姓名"]: line for line in _table(book[f"{YEAR}年报到情况"])}
    doctor, retiree = lines["钱医生"], lines["老郑"]
    assert doctor["应报到"] == "在职党员报到" and doctor["报到社区"] == tree.b.name and doctor["状态"] == "已报到"
    assert doctor["报到日期"].date() == dt.date(YEAR, 3, 1)
    assert (doctor["已确认服务（小时）"], doctor["待确认服务（小时）"]) == (3, 2)
    assert doctor["社区反馈"] == f"{tree.b.name}：优秀（=服务认真）"  # not at the cell's start: no quote needed
    assert retiree["应报到"] == "离退休党员报到" and retiree["报到社区"] == "未报到" and retiree["社区反馈"] == "无"
    assert all(line["应报到"] != "否（自愿报到）" for line in lines.values())
    rates = _table(book["报到率"])
    assert rates[0]["党组织"] == tree.c.name and (rates[0]["应报到"], rates[0]["已报到"]) == (2, 1)
    assert rates[0]["报到率"] == "50.0%" and rates[0]["已确认服务（小时）"] == 3
    assert _table(book["向本级社区报到的党员"]) == []  # c is a hospital branch, no community below it
    record = ChangeRecord.objects.get(action="export", object_type="community.communityreport")
    assert record.actor == side.secretary_c and record.after["filters"] == {"org": tree.c.code, "year": str(YEAR)}


def test_community_side_of_a_town(tree, side, served, login):
    book = _book(login(tree.county_admin).get(reverse("community:reporting_xlsx", args=[tree.town1.pk]),
                                              {"year": YEAR}))
    reporters = _table(book["向本级社区报到的党员"])
    assert [(r["社区"], r["姓名"], r["所在党组织"], r["已确认服务（小时）"]) for r in reporters] == [
        (tree.b.name, "钱医生", tree.c.name, 3)]
    assert "钱医生" not in {line["姓名"] for line in _table(book[f"{YEAR}年报到情况"])}  # a member of town 2


def test_export_is_scoped_and_linked(tree, side, served, login):
    url = reverse("community:reporting_xlsx", args=[tree.c.pk])
    assert login(tree.secretary_a).get(url).status_code == 404
    client = login(side.secretary_c)
    assert url in client.get(reverse("community:org", args=[tree.c.pk])).content.decode()
    assert url in client.get(reverse("community:overview")).content.decode()


def test_export_queries_do_not_grow_with_branches(tree, side, served, login):
    client, url = login(tree.county_admin), reverse("community:reporting_xlsx", args=[tree.county.pk])

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            _book(client.get(url, {"year": YEAR}))
        return len(captured)

    before = count()
    for n in range(3):  # three more hospital branches, each with a retiree reported to 新华社区
        branch = make_org(tree.town2, f"西山镇医院{n}党支部", f"C0001-02-2{n}", unit_category="hospital")
        retiree = make_member(branch, category="retired", retired=True, birth=dt.date(1950, 1, 1))
        report = actions.report_request(acting_user=tree.county_admin, member=retiree, community=tree.b,
                                        reported_on=dt.date(YEAR, 5, 1))
        actions.report_accept(acting_user=tree.secretary_b, report=report, expected_version=report.version)
    assert count() == before
    rows = _table(_book(client.get(url, {"year": YEAR}))["向本级社区报到的党员"])
    assert len(rows) == 4


def _sheets(book) -> dict[str, list[dict]]:
    return {name: _table(book[name]) for name in book.sheetnames}


def test_a_large_subtree_is_exported_by_a_background_job(tree, side, served, login, monkeypatch):
    client, url = login(tree.county_admin), reverse("community:reporting_xlsx", args=[tree.county.pk])
    in_request = _sheets(_book(client.get(url, {"year": YEAR})))
    monkeypatch.setattr(jobs, "SYNC_EXPORT_MAX_ORGS", 1)  # the county's subtree is now "large"
    queued = client.get(url, {"year": YEAR})
    assert queued.status_code == 302
    job = Job.objects.get(pk=int(queued["Location"].rstrip("/").split("/")[-1]))
    assert (job.kind, job.requested_by, job.state) == (jobs.REPORTING, tree.county_admin, "queued")
    exports = ChangeRecord.objects.filter(action="export", object_type="community.communityreport")
    assert exports.count() == 1  # queuing hands nothing out: only the earlier download in the request
    download = finished_download(client, queued)
    assert _sheets(_book(download)) == in_request  # the same workbook as in the request
    job.refresh_from_db()
    assert job.result_name == f"报到情况-{tree.county.name}-{YEAR}.xlsx" and job.result_rows > 0
    record = exports.latest("id")
    assert record.actor == tree.county_admin and record.after["filters"] == {"org": tree.county.code,
                                                                            "year": str(YEAR)}
    assert record.after["rows"] == job.result_rows
    # the file is the requester's alone
    assert login(tree.secretary_a).get(reverse("jobs:download", args=[job.pk])).status_code == 404


def test_the_job_reads_the_scope_it_runs_with(tree, side, served):
    """Queued for an organisation the person no longer sees (as if their position had ended):
    the job fails with a reason and writes no file."""
    job = jobs.start_reporting_export(acting_user=tree.secretary_a, org=tree.town2, year=YEAR)
    run_jobs()
    job.refresh_from_db()
    assert job.state == "failed" and "管辖范围" in job.message and not job.result_file


def test_a_small_subtree_stays_in_the_request(tree, side, served, login):
    assert not jobs.needs_background_export(tree.county)  # a handful of organisations
    response = login(tree.county_admin).get(reverse("community:reporting_xlsx", args=[tree.county.pk]),
                                            {"year": YEAR})
    assert response.status_code == 200 and not Job.objects.exists()
