"""Recording, editing, locking and amending; attachments checked by content."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dangjian.core.actors import SYSTEM
from dangjian.core.errors import ActionDenied, VersionConflict
from dangjian.core.history import history_of
from dangjian.orglife import actions
from dangjian.orglife.models import Amendment
from dangjian.testing import make_org

from .conftest import at

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def test_record_counts_attendance_and_writes_history(tree, record):
    members = tree.members["a"]
    meeting = record(tree.a, dt.date(2026, 2, 2), "theme_day", "lecture", user=tree.secretary_a, attendance=[
        {"member": members[0].pk, "status": "present"}, {"member": members[1].pk, "status": "present"},
        {"member": members[2].pk, "status": "leave", "reason": "住院"}, {"member": members[3].pk, "status": "absent"}])
    assert (meeting.expected_count, meeting.present_count, meeting.leave_count, meeting.absent_count) == (4, 2, 1, 1)
    assert sorted(meeting.type_links.values_list("type", flat=True)) == ["lecture", "theme_day"]
    assert history_of(meeting).get().action == "meeting_record"


def test_roster_includes_party_groups(tree, record):
    group = make_org(tree.a, "第一党小组", "C0001-01-001-01", "group")
    from dangjian.testing import make_member

    in_group = make_member(group, name="孙小组")
    meeting = record(tree.a, dt.date(2026, 2, 2))
    assert "孙小组" in meeting.attendances.values_list("name", flat=True)
    assert meeting.expected_count == 5 and in_group


@pytest.mark.parametrize("attendance, message", [
    ([{"member": 999999, "status": "present"}], "不是本组织的正常党员"),
    ([{"member": "B", "status": "present"}], "不是本组织的正常党员"),
    ([{"member": "A0", "status": "leave"}], "请假须填写原因"),
    ([{"member": "A0", "status": "late"}], "无效"),
])
def test_bad_attendance_names_the_row(tree, record, attendance, message):
    ids = {"A0": tree.members["a"][0].pk, "B": tree.members["b"][0].pk}
    attendance = [{**a, "member": ids.get(a["member"], a["member"])} for a in attendance]
    with pytest.raises(ValidationError) as err:
        record(tree.a, dt.date(2026, 2, 2), attendance=attendance)
    assert "第 1 行" in str(err.value) and message in str(err.value)


def test_lecture_needs_lecturer_and_title(tree):
    with pytest.raises(ValidationError) as err:
        actions.meeting_record(acting_user=SYSTEM, org=tree.a, types=["lecture"], title="党课",
                               held_at=at(dt.date(2026, 1, 1)))
    assert set(err.value.message_dict) == {"lecturer", "lecture_title"}


def test_unknown_type_and_custom_type(tree, record):
    with pytest.raises(ValidationError):
        record(tree.a, dt.date(2026, 1, 1), "tea_party")
    custom = actions.custom_type_add(acting_user=tree.county_admin, org=tree.county, name="乡村振兴专题会")
    meeting = record(tree.a, dt.date(2026, 1, 1), custom.code)
    assert meeting.type_links.get().type == custom.code


def test_secretary_cannot_record_for_another_branch(tree, record):
    with pytest.raises(ActionDenied):
        record(tree.b, dt.date(2026, 1, 1), user=tree.secretary_a)


def test_edit_before_lock_then_only_amendments(tree, record, settings):
    settings.ORGLIFE_LOCK_DAYS = 30
    recent = record(tree.a, timezone.localdate() - dt.timedelta(days=3))
    updated = actions.meeting_update(acting_user=tree.secretary_a, meeting=recent, expected_version=1, place="会议室")
    assert updated.version == 2 and updated.place == "会议室"
    with pytest.raises(VersionConflict):
        actions.meeting_update(acting_user=tree.secretary_a, meeting=recent, expected_version=1, place="村部")
    old = record(tree.a, timezone.localdate() - dt.timedelta(days=60))
    with pytest.raises(ValidationError) as err:
        actions.meeting_update(acting_user=tree.secretary_a, meeting=old, place="村部")
    assert "已锁定" in str(err.value)
    with pytest.raises(ValidationError):
        actions.meeting_amend(acting_user=tree.secretary_a, meeting=old, reason="", place="村部")
    amendment = actions.meeting_amend(acting_user=tree.secretary_a, meeting=old, reason="地点记错", place="村部")
    assert amendment.before == {"place": ""} and amendment.after == {"place": "村部"}
    old.refresh_from_db()
    assert (old.place, old.amendment_count) == ("村部", 1)
    assert history_of(old).filter(action="meeting_amend", note="地点记错").exists()
    assert Amendment.objects.count() == 1


def test_attachment_checked_by_content_and_size(tree, record, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    meeting = record(tree.a, dt.date(2026, 1, 1))
    ok = actions.attachment_add(acting_user=tree.secretary_a, meeting=meeting,
                                upload=SimpleUploadedFile("签到表.png", PNG))
    assert ok.content_type == "image/png"
    with pytest.raises(ValidationError) as err:
        actions.attachment_add(acting_user=tree.secretary_a, meeting=meeting,
                               upload=SimpleUploadedFile("照片.jpg", b"MZ\x90\x00 not an image"))
    assert "按文件内容判断" in str(err.value)
    settings.ORGLIFE_MAX_ATTACHMENT_BYTES = 10
    with pytest.raises(ValidationError) as err:
        actions.attachment_add(acting_user=tree.secretary_a, meeting=meeting,
                               upload=SimpleUploadedFile("a.pdf", b"%PDF-" + b"1" * 50))
    assert "超过上限" in str(err.value)


def test_type_codes_copy_the_type_links_through_record_update_and_amend(tree, record, settings):
    """The compliance report reads ``type_codes`` instead of the links: the two must never differ."""
    settings.ORGLIFE_LOCK_DAYS = 30

    def codes_and_links(meeting):
        meeting.refresh_from_db()
        return meeting.type_codes, ",".join(sorted(meeting.type_links.values_list("type", flat=True)))

    recent = record(tree.a, timezone.localdate() - dt.timedelta(days=3), "theme_day", "lecture")
    assert codes_and_links(recent) == ("lecture,theme_day",) * 2
    actions.meeting_update(acting_user=tree.secretary_a, meeting=recent, expected_version=1, types=["committee"])
    assert codes_and_links(recent) == ("committee",) * 2
    old = record(tree.a, timezone.localdate() - dt.timedelta(days=60), "group")
    actions.meeting_amend(acting_user=tree.secretary_a, meeting=old, reason="实为党小组会和党课",
                          types=["group", "lecture"], lecturer="张红星", lecture_title="学习党章")
    assert codes_and_links(old) == ("group,lecture",) * 2
