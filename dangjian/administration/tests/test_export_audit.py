"""Every export and every import leaves one audit record: who, what, which filters, how many rows —
never the data itself. And the chain still verifies afterwards."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from dangjian.core.actors import SYSTEM
from dangjian.core.audit import verify
from dangjian.core.models import ChangeRecord
from dangjian.jobs.testing import finished_download
from dangjian.members.io.exporting import sample_member_rows, write_member_workbook
from dangjian.orglife import actions as orglife_actions
from dangjian.orglife.models import Attachment
from dangjian.worklists.testing import make_item

pytestmark = pytest.mark.django_db
YEAR = 2026


def _exports(**filters):
    return list(ChangeRecord.objects.filter(action="export", **filters).order_by("id"))


def _only_new(before_id, action):
    return list(ChangeRecord.objects.filter(id__gt=before_id, action=action).order_by("id"))


def _last_id():
    return ChangeRecord.objects.order_by("-id").values_list("id", flat=True).first() or 0


def _drain(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def meeting(tree):
    held = timezone.make_aware(dt.datetime(YEAR, 3, 5, 9))
    return orglife_actions.meeting_record(
        acting_user=SYSTEM, org=tree.a, types=("theme_day",), held_at=held, entered_at=held + dt.timedelta(hours=3),
        attendance=[{"member": m.pk, "status": "present"} for m in tree.members["a"]], title="三月主题党日",
    )


def test_member_roster_export_is_audited_with_rows_and_masked_filters(tree, login):
    client = login(tree.secretary_a)
    start = _last_id()
    _drain(finished_download(client, client.get(reverse("members:export"))))
    [record] = _only_new(start, "export")
    assert record.actor == tree.secretary_a and record.object_type == "members.member"
    assert record.after["rows"] == len(tree.members["a"]) and "党员名册" in record.note
    names = {m.name for m in tree.members["a"]}
    assert not any(name in str(record.after) + record.note for name in names)
    assert verify()[1] is None


def test_filters_that_look_like_id_numbers_are_masked():
    from dangjian.core.history import safe_filters

    assert safe_filters({"q": "110101198005170011", "status": "normal", "page": "3", "org": None,
                         "phone": "138-0013-8000", "code": "C0001-01-001", "year": 2026}) == {
        "q": "1101**********0011", "status": "normal", "phone": "138-*****8000", "code": "C0001-01-001",
        "year": "2026"}


def test_worklist_ledger_export_is_audited(tree, login):
    make_item(tree.a, "整改一")
    make_item(tree.a, "整改二")
    client = login(tree.secretary_a)
    start = _last_id()
    _drain(client.get(reverse("worklists:export")))
    [record] = _only_new(start, "export")
    assert record.object_type == "worklists.workitem" and record.after["rows"] == 2


def test_orglife_exports_are_audited(tree, login, meeting):
    client = login(tree.secretary_a)
    start = _last_id()
    assert client.get(reverse("orglife:meeting_docx", args=[meeting.pk])).status_code == 200
    assert client.get(reverse("orglife:ledger_xlsx", args=[tree.a.pk]), {"year": YEAR}).status_code == 200
    assert finished_download(client, client.get(reverse("orglife:report_xlsx"), {"year": YEAR})).status_code == 200
    assert client.get("/api/orglife/compliance", {"year": YEAR}).status_code == 200
    records = _only_new(start, "export")
    assert [r.object_type for r in records] == ["orglife.meeting", "orglife.meeting", "orgs.organization",
                                               "orgs.organization"]
    assert records[0].object_id == meeting.pk
    assert records[1].after == {"rows": 1, "filters": {"org": tree.a.code, "year": str(YEAR)}}
    assert all(r.actor == tree.secretary_a for r in records)


def test_attachment_download_is_audited(tree, login, meeting):
    client = login(tree.secretary_a)
    upload = SimpleUploadedFile("记录.pdf", b"%PDF-1.4\n%test\n", content_type="application/pdf")
    orglife_actions.attachment_add(acting_user=tree.secretary_a, meeting=meeting, upload=upload)
    attachment = Attachment.objects.get(meeting=meeting)
    start = _last_id()
    _drain(client.get(reverse("orglife:attachment", args=[attachment.pk])))
    [record] = _only_new(start, "export")
    assert (record.object_type, record.object_id) == ("orglife.attachment", attachment.pk)


def test_orglife_report_command_is_audited(tree, tmp_path):
    start = _last_id()
    call_command("orglife_report", "--org", tree.town1.code, "--year", str(YEAR), "--format", "xlsx",
                 "--output", str(tmp_path / "r.xlsx"))
    [record] = _only_new(start, "export")
    assert record.actor is None and record.actor_name == "系统" and record.after["filters"]["org"] == tree.town1.code


def test_member_import_page_audits_success_and_refusal(tree, login):
    client = login(tree.secretary_a)
    good, bad = io.BytesIO(), io.BytesIO()
    write_member_workbook(good, sample_member_rows(3, org_codes=[tree.a.code]))
    write_member_workbook(bad, sample_member_rows(2, org_codes=[tree.c.code]))  # outside A
    start = _last_id()
    for content in (good, bad):
        upload = SimpleUploadedFile("m.xlsx", content.getvalue())
        client.post(reverse("members:import"), {"kind": "members", "file": upload})
    ok, refused = _only_new(start, "import")
    assert ok.actor == tree.secretary_a and ok.object_type == "members.member"
    assert ok.after == {"rows": 3, "created": 3, "updated": 0, "unchanged": 0, "errors": 0}
    creates = ChangeRecord.objects.filter(id__gt=start, action="member_create")
    assert creates.count() == 3 and all(c.id < ok.id for c in creates)  # one transaction, import last
    assert refused.after["errors"] > 0 and refused.after["created"] == 0 and "未写入" in refused.note
    assert verify()[1] is None


def test_import_command_and_org_import_are_audited(tree, tmp_path):
    from dangjian.orgs.importing import import_orgs

    path = tmp_path / "m.xlsx"
    write_member_workbook(path, sample_member_rows(2, org_codes=[tree.a.code]))
    start = _last_id()
    call_command("import_members", str(path), "--user", "secretary_a")
    result = import_orgs(acting_user=tree.county_admin, source=io.BytesIO(b"not a workbook"))
    assert not result.ok
    member_import, org_import = _only_new(start, "import")
    assert member_import.after["created"] == 2 and member_import.actor == tree.secretary_a
    assert org_import.object_type == "orgs.organization" and org_import.after["errors"] == 1
