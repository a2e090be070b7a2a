"""The audit administrator's page: search, newest first, before/after, and an audited .xlsx export."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from dangjian.core.audit import verify
from dangjian.core.history import change_record, record_changes
from dangjian.core.models import ChangeRecord
from dangjian.jobs.testing import finished_download

pytestmark = pytest.mark.django_db


@pytest.fixture
def marked(tree, admins):
    """Three records with distinctive addresses, request ids, notes and times (about an organisation:
    a member's values are hidden from this page, test_audit_redaction)."""
    member = tree.a
    rows = []
    for i, (address, note, days_ago) in enumerate([("10.0.0.7", "甲记录", 10), ("10.0.0.8", "=HYPERLINK(\"x\")", 3),
                                                    ("10.0.0.7", "丙记录", 0)]):
        record = change_record(actor=tree.secretary_a, action="member_update", obj=member,
                               before={"address": f"旧{i}"}, after={"address": f"新{i}"}, note=note)
        record.address, record.request_id = address, f"req-{i}"
        record.at = timezone.now() - dt.timedelta(days=days_ago)
        rows.append(record)
    record_changes(rows)
    return rows


def _ids(response):
    return [r.id for r in response.context["page"]]


def test_filters_narrow_the_log_and_show_the_diff_newest_first(marked, admins, client):
    client.force_login(admins.audit)
    url = reverse("administration:audit")
    everything = client.get(url)
    ids = _ids(everything)
    assert ids == sorted(ids, reverse=True)
    assert "旧0" in everything.content.decode() and "新0" in everything.content.decode()
    assert _ids(client.get(url, {"address": "10.0.0.7"})) == [marked[2].id, marked[0].id]
    assert _ids(client.get(url, {"request_id": "req-1"})) == [marked[1].id]
    assert _ids(client.get(url, {"q": "丙记录"})) == [marked[2].id]
    assert set(_ids(client.get(url, {"actor": "secretary_a", "action": "member_update"}))) == {r.id for r in marked}
    assert _ids(client.get(url, {"object_type": "orgs.organization", "q": "记录", "until":
                                 (timezone.localdate() - dt.timedelta(days=5)).isoformat()})) == [marked[0].id]
    since = (timezone.localdate() - dt.timedelta(days=4)).isoformat()
    assert set(_ids(client.get(url, {"since": since, "actor": "secretary_a"}))) == {marked[1].id, marked[2].id}
    assert _ids(client.get(url, {"address": "not-an-ip"})) == []


def test_the_log_is_paginated(marked, admins, client):
    client.force_login(admins.audit)
    total = ChangeRecord.objects.count()
    response = client.get(reverse("administration:audit"))
    assert response.context["page"].paginator.count == total
    assert len(response.context["page"]) == min(total, 50)


def test_export_is_the_filtered_log_formula_safe_and_is_itself_audited(marked, admins, client):
    client.force_login(admins.audit)
    queued = client.get(reverse("administration:audit_export"), {"address": "10.0.0.8"})
    response = finished_download(client, queued)  # a background job; the download is audited
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book["审计日志"].iter_rows(values_only=True))
    assert rows[0][0] == "编号" and len(rows) == 2
    assert rows[1][0] == marked[1].id and rows[1][9] == "'=HYPERLINK(\"x\")"
    export = ChangeRecord.objects.filter(action="export", object_type="core.changerecord").get()
    assert export.actor == admins.audit and export.after == {"rows": 1, "filters": {"address": "10.0.0.8"}}
    assert verify()[1] is None


def test_the_audit_admin_can_only_read(marked, admins, client):
    """Every page of the audit administrator answers GET only; nothing else is open to it."""
    client.force_login(admins.audit)
    before = ChangeRecord.objects.count()
    assert client.post(reverse("administration:audit")).status_code == 405
    assert client.post(reverse("administration:audit_export")).status_code == 405
    assert ChangeRecord.objects.count() == before


def test_the_page_lists_the_archives(tree, admins, client):
    from dangjian.core.models import AuditAnchor

    AuditAnchor.objects.create(first_id=1, last_id=0, row_count=0, start_hash="0" * 64, end_hash="a" * 64,
                               file_name="audit-000000000001-000000000000.jsonl.gz", file_sha256="b" * 64)
    client.force_login(admins.audit)
    body = client.get(reverse("administration:audit")).content.decode()
    assert "audit-000000000001-000000000000.jsonl.gz" in body and "已归档的记录" in body


def test_the_log_reads_in_chinese_and_chinese_labels_filter_by_code(marked, admins, client):
    client.force_login(admins.audit)
    url = reverse("administration:audit")
    html = client.get(url).content.decode()
    assert "修改党员信息" in html and "member_update" not in html
    assert "党组织 #" in html and "orgs.organization" not in html and "members.member" not in html
    assert "家庭住址" in html  # the changed field by its name, not "address"
    assert set(_ids(client.get(url, {"action": "修改党员信息"}))) == {r.id for r in marked}
    by_label = _ids(client.get(url, {"object_type": "党组织"}))
    assert by_label == _ids(client.get(url, {"object_type": "orgs.organization"})) and marked[0].id in by_label
    assert _ids(client.get(url, {"action": "登录"})) == []
    assert set(_ids(client.get(url, {"action": "member_update"}))) == {r.id for r in marked}  # codes still work


def test_the_export_reads_in_chinese_with_the_codes_beside(tree, admins, client):
    record = change_record(actor=tree.secretary_a, action="org_update", obj=tree.a, before={"kind": "branch"},
                           after={"kind": "general_branch"})
    record.request_id = "req-k1"
    record_changes([record])
    client.force_login(admins.audit)
    response = finished_download(client, client.get(reverse("administration:audit_export"), {"request_id": "req-k1"}))
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content)))["审计日志"].iter_rows(values_only=True))
    header, row = rows[0], dict(zip(rows[0], rows[1], strict=True))
    assert header[-2:] == ("操作代码", "对象类型代码")
    assert (row["操作"], row["对象类型"]) == ("修改党组织", "党组织")
    assert (row["变更前"], row["变更后"]) == ("组织类型：党支部", "组织类型：党总支")
    assert (row["操作代码"], row["对象类型代码"]) == ("org_update", "orgs.organization")
    codes = ("org_update", "orgs.organization", "kind", "branch")
    assert not any(code in str(cell) for cell in rows[1][:-2] for code in codes)  # none where a person reads


def test_the_export_is_a_background_job_that_checks_the_duty_when_it_runs(marked, admins, client):
    from dangjian.accounts.models import AdminDuty
    from dangjian.jobs.models import Job
    from dangjian.jobs.testing import run_jobs

    client.force_login(admins.audit)
    queued = client.get(reverse("administration:audit_export"), {"since": "2020-01-01"})
    job = Job.objects.get(pk=int(queued["Location"].rstrip("/").split("/")[-1]))
    assert job.kind == "administration.audit_log" and job.requested_by == admins.audit
    assert "since=2020-01-01" in job.scope
    AdminDuty.objects.filter(user=admins.audit).delete()  # the duty revoked before the worker gets to it
    run_jobs()
    job.refresh_from_db()
    assert job.state == "failed" and "不包括查看审计日志" in job.message and not job.result_file
