"""Writes to organisational life: keyword-only, atomic, taking ``acting_user``; each writes its
history record. Checks here decide what may be saved; the integrity flags never block."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils import timezone

from dangjian.core.actors import user_or_none
from dangjian.core.errors import VersionConflict
from dangjian.core.history import audited_transaction, diff, record_change
from dangjian.core.scoping import CHANGE, require
from dangjian.orgs.choices import OrgKind

from . import conf, feeds, integrity, membership, similarity
from .choices import CUSTOM_PREFIX, AttendanceStatus, FlagState, MeetingStatus, MeetingType, Period, QuorumBase
from .models import (
    Amendment,
    Attachment,
    Attendance,
    CustomMeetingType,
    IntegrityFlag,
    Meeting,
    MeetingTypeLink,
    RuleSetting,
    type_codes_of,
)
from .queries import committee_member_ids, custom_types_for

TEXT_FIELDS = ["title", "place", "host", "recorder", "topics", "minutes", "decisions", "lecturer", "lecture_title"]
DEFAULT_LENGTH = dt.timedelta(hours=2)
MAGIC = {
    b"\xff\xd8\xff": ("image/jpeg", "JPEG 图片"),
    b"\x89PNG\r\n\x1a\n": ("image/png", "PNG 图片"),
    b"%PDF-": ("application/pdf", "PDF 文件"),
}


def is_locked(meeting: Meeting, now: dt.datetime | None = None) -> bool:
    """A held meeting's record locks ``lock_days`` after the meeting; then only amendments."""
    now = now or timezone.now()
    return meeting.status == MeetingStatus.HELD and now > meeting.held_at + dt.timedelta(days=conf.lock_days())


def meeting_snapshot(meeting: Meeting) -> dict:
    data = {f: getattr(meeting, f) for f in TEXT_FIELDS}
    data["status"] = meeting.status
    data["held_at"] = timezone.localtime(meeting.held_at).isoformat(timespec="minutes")
    data["ends_at"] = timezone.localtime(meeting.ends_at).isoformat(timespec="minutes")
    data["types"] = sorted(meeting.type_links.values_list("type", flat=True)) if meeting.pk else []
    data["attendance"] = [f"{a.name}:{a.status}:{a.reason}" for a in meeting.attendances.all()] if meeting.pk else []
    return data


def _clean_types(org, types: Iterable[str]) -> list[str]:
    types = list(dict.fromkeys(t for t in types if t))
    if not types:
        raise ValidationError({"types": "请至少选择一种会议类型"})
    unknown = [t for t in types if t not in MeetingType.values]
    if unknown:  # only then ask which types this organisation and those above it added
        custom = {t.code for t in custom_types_for(org)}
        unknown = [t for t in unknown if t not in custom]
    if unknown:
        raise ValidationError({"types": f"未知的会议类型：{'、'.join(unknown)}"})
    return types


# A record of one meeting, however long the meeting: far above any real one, far below what would
# fill the database (a 1 MB "minutes" was accepted before).
TEXT_LIMITS = {"topics": 5_000, "minutes": 20_000, "decisions": 5_000}


def _validate(meeting: Meeting, types: list[str]) -> None:
    errors = {}
    for name, limit in TEXT_LIMITS.items():
        length = len(getattr(meeting, name) or "")
        if length > limit:
            label = Meeting._meta.get_field(name).verbose_name
            errors[name] = f"{label}最多 {limit} 个字（现为 {length} 个字）"
    if not meeting.title.strip():
        errors["title"] = "请填写会议名称"
    if meeting.ends_at <= meeting.held_at:
        errors["ends_at"] = "结束时间应晚于开始时间"
    if meeting.status == MeetingStatus.HELD and MeetingType.LECTURE in types:
        if not meeting.lecturer.strip():
            errors["lecturer"] = "党课须填写讲授人"
        if not meeting.lecture_title.strip():
            errors["lecture_title"] = "党课须填写题目"
    if errors:
        raise ValidationError(errors)


def _attendance_rows(meeting: Meeting, attendance: list[dict] | None) -> list[Attendance]:
    """Attendance rows from ``[{"member": id, "status": ..., "reason": ...}]``: every member must be
    on the organisation's roster (normal members of it or of its 党小组) as it stood on the
    meeting's day — a member who has died or moved since may still be recorded at an earlier meeting."""
    if not attendance:
        return []
    day = timezone.localtime(meeting.held_at).date()
    members = {m.pk: m for m in membership.roster_on(meeting.org, day)}
    committee = committee_member_ids(meeting.org)
    rows, errors, seen = [], [], set()
    for i, item in enumerate(attendance, start=1):
        member = members.get(item.get("member"))
        status = item.get("status") or AttendanceStatus.PRESENT
        if member is None:
            errors.append(f"第 {i} 行：党员（id {item.get('member')}）{day:%Y-%m-%d} 时不是本组织的正常党员")
            continue
        if status not in AttendanceStatus.values:
            errors.append(f"第 {i} 行：{member.name} 的出席情况“{status}”无效，应为出席、请假或缺席")
            continue
        if member.pk in seen:
            errors.append(f"第 {i} 行：{member.name} 重复登记")
            continue
        seen.add(member.pk)
        reason = (item.get("reason") or "").strip()[:200]
        if status == AttendanceStatus.LEAVE and not reason:
            errors.append(f"第 {i} 行：{member.name} 请假须填写原因")
            continue
        rows.append(Attendance(meeting=meeting, member=member, name=member.name, status=status, reason=reason,
                               voting=member.membership_type == "full", committee=member.pk in committee))
    if errors:
        raise ValidationError({"attendance": errors})
    return rows


def _count(meeting: Meeting, rows: list[Attendance]) -> None:
    def tally(selected):
        selected = list(selected)
        return (len(selected), sum(a.status == AttendanceStatus.PRESENT for a in selected),
                sum(a.status == AttendanceStatus.LEAVE for a in selected))

    meeting.expected_count, meeting.present_count, meeting.leave_count = tally(rows)
    meeting.absent_count = meeting.expected_count - meeting.present_count - meeting.leave_count
    meeting.voting_expected, meeting.voting_present, meeting.voting_leave = tally(a for a in rows if a.voting)
    meeting.committee_expected, meeting.committee_present, meeting.committee_leave = tally(
        a for a in rows if a.committee)


@audited_transaction()
def meeting_record(*, acting_user, org, types: Iterable[str], held_at: dt.datetime, ends_at: dt.datetime | None = None,
                   attendance: list[dict] | None = None, status: str = MeetingStatus.HELD,
                   entered_at: dt.datetime | None = None, **fields) -> Meeting:
    """Record a meeting (or plan one, with ``status="planned"``) with its types and attendance."""
    require(acting_user, CHANGE, org, message="无权为该党组织登记组织生活")
    if org.kind == OrgKind.CENTRAL_HOUSEHOLD:
        raise ValidationError({"org": "党员中心户不单独登记组织生活"})
    types = _clean_types(org, types)
    meeting = Meeting(org=org, status=status, held_at=held_at, ends_at=ends_at or held_at + DEFAULT_LENGTH,
                      entered_at=entered_at or timezone.now(),
                      created_by=user_or_none(acting_user),
                      **{k: (fields.get(k) or "") for k in TEXT_FIELDS})
    _validate(meeting, types)
    rows = _attendance_rows(meeting, attendance)
    _count(meeting, rows)
    meeting.sketch = similarity.sketch(meeting.minutes)
    meeting.type_codes = type_codes_of(types)
    meeting.save()
    MeetingTypeLink.objects.bulk_create([MeetingTypeLink(meeting=meeting, type=t) for t in types])
    Attendance.objects.bulk_create(rows)
    record_change(actor=acting_user, action="meeting_record", obj=meeting, after=meeting_snapshot(meeting))
    integrity.check_meeting(meeting)
    feeds.after_meeting_saved(meeting.org_id)
    return meeting


def _apply(meeting: Meeting, changes: dict, attendance: list[dict] | None, types) -> None:
    for key in TEXT_FIELDS + ["status", "held_at", "ends_at"]:
        if key in changes and changes[key] is not None:
            setattr(meeting, key, changes[key])
    new_types = _clean_types(meeting.org, types) if types is not None else list(
        meeting.type_links.values_list("type", flat=True))
    _validate(meeting, new_types)
    if attendance is not None:
        rows = _attendance_rows(meeting, attendance)
        _count(meeting, rows)
        meeting.attendances.all().delete()
        Attendance.objects.bulk_create(rows)
    if types is not None:
        meeting.type_links.all().delete()
        MeetingTypeLink.objects.bulk_create([MeetingTypeLink(meeting=meeting, type=t) for t in new_types])
        meeting.type_codes = type_codes_of(new_types)
    meeting.sketch = similarity.sketch(meeting.minutes)


def _locked_for_update(meeting: Meeting, acting_user, expected_version: int | None) -> Meeting:
    locked = Meeting.objects.select_for_update().select_related("org").get(pk=meeting.pk)
    require(acting_user, CHANGE, locked.org, message="无权修改该会议记录")
    if expected_version is not None and locked.version != expected_version:
        raise VersionConflict("该会议记录已被他人修改，请核对后重新提交", current=meeting_snapshot(locked),
                              submitted={"version": expected_version})
    return locked


@audited_transaction()
def meeting_update(*, acting_user, meeting: Meeting, expected_version: int | None = None,
                   attendance: list[dict] | None = None, types=None, **changes) -> Meeting:
    """Edit a record that is not yet locked."""
    locked = _locked_for_update(meeting, acting_user, expected_version)
    if is_locked(locked):
        raise ValidationError({"__all__": f"会议召开已超过 {conf.lock_days()} 天，记录已锁定；如需更正请提交更正说明"})
    before = meeting_snapshot(locked)
    _apply(locked, changes, attendance, types)
    old, new = diff(before, meeting_snapshot(locked))
    if new:
        locked.version += 1
        locked.save()
        record_change(actor=acting_user, action="meeting_update", obj=locked, before=old, after=new)
        integrity.check_meeting(locked)
        feeds.after_meeting_saved(locked.org_id)
    return locked


@audited_transaction()
def meeting_amend(*, acting_user, meeting: Meeting, reason: str, expected_version: int | None = None,
                  attendance: list[dict] | None = None, types=None, **changes) -> Amendment:
    """更正: a correction with its reason, kept as an amendment and in the history."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写更正原因"})
    locked = _locked_for_update(meeting, acting_user, expected_version)
    before = meeting_snapshot(locked)
    _apply(locked, changes, attendance, types)
    old, new = diff(before, meeting_snapshot(locked))
    if not new:
        raise ValidationError({"__all__": "没有需要更正的内容"})
    locked.version += 1
    locked.amendment_count += 1
    locked.save()
    amendment = Amendment.objects.create(
        meeting=locked, reason=reason[:500], before=old, after=new,
        created_by=user_or_none(acting_user))
    record_change(actor=acting_user, action="meeting_amend", obj=locked, before=old, after=new, note=reason)
    integrity.check_meeting(locked)
    feeds.after_meeting_saved(locked.org_id)
    return amendment


def sniff(head: bytes) -> tuple[str, str] | None:
    for magic, kind in MAGIC.items():
        if head.startswith(magic):
            return kind
    return None


@audited_transaction()
def attachment_add(*, acting_user, meeting: Meeting, upload) -> Attachment:
    """A photo or a scanned sign-in sheet: JPEG, PNG or PDF by content (not by name), size limited."""
    require(acting_user, CHANGE, meeting.org, message="无权为该会议上传附件")
    limit = conf.max_attachment_bytes()
    if upload.size > limit:
        message = f"文件 {upload.name} 大小 {upload.size // 1024} KB，超过上限 {limit // 1024} KB"
        raise ValidationError({"file": message})
    upload.seek(0)
    kind = sniff(upload.read(16))
    upload.seek(0)
    if kind is None:
        raise ValidationError({"file": f"文件 {upload.name} 不是 JPEG、PNG 图片或 PDF 文件（按文件内容判断）"})
    attachment = Attachment.objects.create(meeting=meeting, file=upload, name=upload.name[:200],
                                           content_type=kind[0], size=upload.size)
    record_change(actor=acting_user, action="meeting_attach", obj=meeting,
                  after={"attachment": attachment.name, "type": kind[1], "size": upload.size})
    return attachment


@audited_transaction()
def custom_type_add(*, acting_user, org, name: str) -> CustomMeetingType:
    require(acting_user, CHANGE, org, message="无权为该党组织增加会议类型")
    name = name.strip()
    if not name:
        raise ValidationError({"name": "请填写会议类型名称"})
    if name in MeetingType.labels or CustomMeetingType.objects.filter(org=org, name=name).exists():
        raise ValidationError({"name": f"会议类型“{name}”已存在"})
    row = CustomMeetingType.objects.create(org=org, name=name)
    record_change(actor=acting_user, action="orglife_type_add", obj=org, after={"type": name, "code": row.code})
    return row


@audited_transaction()
def rule_set(*, acting_user, owner, year: int, org_kind: str, meeting_type: str, period: str, min_count: int = 1,
             quorum_base: str = QuorumBase.NONE, leave_excluded: bool = False, active: bool = True,
             expected_version: int | None = None) -> RuleSetting:
    """Set one quota for the organisations of ``org_kind`` below ``owner`` in ``year``: the level
    above decides. Each year has its own rows, so last year's result stays as it was."""
    require(acting_user, CHANGE, owner, message="无权制定该党组织下级的组织生活规则")
    errors = {}
    if period not in Period.values:
        errors["period"] = "频次周期应为每月、每季度或每年"
    if quorum_base not in QuorumBase.values:
        errors["quorum_base"] = "法定人数基数无效"
    if org_kind not in OrgKind.values:
        errors["org_kind"] = "组织类型无效"
    if meeting_type not in MeetingType.values and not meeting_type.startswith(CUSTOM_PREFIX):
        errors["meeting_type"] = "会议类型无效"
    if not 1 <= int(min_count) <= 31:
        errors["min_count"] = "每期次数应在 1 到 31 之间"
    if errors:
        raise ValidationError(errors)
    row = (RuleSetting.objects.select_for_update()
           .filter(owner=owner, year=year, org_kind=org_kind, meeting_type=meeting_type).first())
    values = {"period": period, "min_count": int(min_count), "quorum_base": quorum_base,
              "leave_excluded": leave_excluded, "active": active}
    if row is None:
        row = RuleSetting.objects.create(owner=owner, year=year, org_kind=org_kind, meeting_type=meeting_type, **values)
        record_change(actor=acting_user, action="orglife_rule_set", obj=owner,
                      after={"year": year, "org_kind": org_kind, "meeting_type": meeting_type, **values})
        return row
    if expected_version is not None and row.version != expected_version:
        raise VersionConflict("该规则已被他人修改，请核对后重新提交", current=values, submitted=values)
    before = {k: getattr(row, k) for k in values}
    for k, v in values.items():
        setattr(row, k, v)
    old, new = diff(before, values)
    if new:
        row.version += 1
        row.save()
        record_change(actor=acting_user, action="orglife_rule_set", obj=owner, before=old,
                      after={"year": year, "org_kind": org_kind, "meeting_type": meeting_type, **new})
    return row


@audited_transaction()
def flag_decide(*, acting_user, flag: IntegrityFlag, state: str, explanation: str = "",
                expected_version: int | None = None) -> IntegrityFlag:
    """核实 a flag: confirmed (属实), explained (已说明, with the explanation), dismissed (不成立), or
    back to open. The decision stays with the flag across rescans and is audited."""
    locked = IntegrityFlag.objects.select_for_update().select_related("meeting__org").get(pk=flag.pk)
    require(acting_user, CHANGE, locked.meeting.org, message="无权核实该党组织的核查提示")
    if expected_version is not None and locked.version != expected_version:
        raise VersionConflict("该核查提示已被他人处理，请核对后重新提交", current=_flag_snapshot(locked),
                              submitted={"state": state, "explanation": explanation, "version": expected_version})
    explanation = (explanation or "").strip()
    errors = {}
    if state not in FlagState.values:
        errors["state"] = "核实结果应为待核实、属实、已说明或不成立"
    elif state in (FlagState.EXPLAINED, FlagState.DISMISSED) and not explanation:
        errors["explanation"] = f"“{FlagState(state).label}”须填写理由"
    if len(explanation) > 500:
        errors["explanation"] = "理由不超过 500 字"
    if errors:
        raise ValidationError(errors)
    before = _flag_snapshot(locked)
    locked.state, locked.explanation = state, explanation
    decided = state != FlagState.OPEN
    locked.decided_by = user_or_none(acting_user) if decided else None
    locked.decided_at = timezone.now() if decided else None
    old, new = diff(before, _flag_snapshot(locked))
    if not new:
        return locked
    locked.version += 1
    locked.save(update_fields=["state", "explanation", "decided_by", "decided_at", "version"])
    record_change(actor=acting_user, action="orglife_flag_decide", obj=locked.meeting, before=old,
                  after={**new, "flag": locked.pk, "kind": locked.kind}, note=explanation)
    return locked


def _flag_snapshot(flag: IntegrityFlag) -> dict:
    return {"state": flag.state, "explanation": flag.explanation}


@audited_transaction()
def flags_rescan(*, acting_user, root, year: int) -> int:
    """重新核查: recompute the flags of ``root``'s subtree for ``year`` (decisions kept), audited.
    A plain synchronous call: the page, the API, the command and the nightly run share it, and a
    background job can call it as it is."""
    require(acting_user, CHANGE, root, message="无权核查该党组织的组织生活记录")
    found = integrity.scan(root, year)
    record_change(actor=acting_user, action="orglife_scan", obj=root, after={"year": year, "flags": found},
                  note=f"重新核查 {root.name} {year} 年组织生活记录，当前提示 {found} 条")
    return found
