"""Writes of 学习教育: keyword-only, ``acting_user`` first, one audited transaction each, scope
checked with ``require``, a stale version refused. Attendance is what the organiser records from
the roster (or, for a linked meeting, what 组织生活 recorded): members never check in."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone

from dangjian.core.actors import user_or_none
from dangjian.core.errors import VersionConflict
from dangjian.core.history import audited_transaction, diff, record_change
from dangjian.core.scoping import CHANGE, require
from dangjian.orglife.choices import MeetingType

from . import queries, rules
from .choices import ProgrammeKind
from .models import HoursTarget, Programme, Session, SessionAttendance

PROGRAMME_FIELDS = ["kind", "title", "year", "description"]
SESSION_FIELDS = ["title", "held_on", "speaker", "place", "hours"]


def _conflict(locked, expected: int | None, current: dict, submitted: dict) -> None:
    if expected is not None and locked.version != expected:
        raise VersionConflict("该记录已被他人修改，请刷新后重新操作", current={**current, "version": locked.version},
                              submitted={**submitted, "version": expected})


def _check_programme(values: dict) -> None:
    errors = {}
    values["title"] = (values.get("title") or "").strip()
    if not values["title"] or len(values["title"]) > 200:
        errors["title"] = "名称不能为空，最多 200 个字"
    if values.get("kind") not in ProgrammeKind.values:
        errors["kind"] = "类型应为中心组学习、讲习所、轮训或理论夜校"
    if not 2000 <= int(values.get("year") or 0) <= 2100:
        errors["year"] = "年度应在 2000 至 2100 之间"
    if errors:
        raise ValidationError(errors)


def programme_snapshot(p: Programme) -> dict:
    return {**{f: getattr(p, f) for f in PROGRAMME_FIELDS}, "org": p.org.code}


@audited_transaction()
def programme_create(*, acting_user, org, kind: str, title: str, year: int, description: str = "") -> Programme:
    require(acting_user, CHANGE, org, message="无权为该党组织建立学习计划")
    values = {"kind": kind, "title": title, "year": year, "description": (description or "").strip()}
    _check_programme(values)
    made = Programme.objects.create(org=org, **values)
    record_change(actor=acting_user, action="learning_programme_create", obj=made, after=programme_snapshot(made))
    return made


@audited_transaction()
def programme_update(*, acting_user, programme: Programme, expected_version: int | None = None,
                     **changes) -> Programme:
    locked = Programme.objects.select_for_update(of=("self",)).select_related("org").get(pk=programme.pk)
    require(acting_user, CHANGE, locked.org, message="无权修改该学习计划")
    before = programme_snapshot(locked)
    _conflict(locked, expected_version, before, {k: str(v) for k, v in changes.items()})
    values = {**{f: getattr(locked, f) for f in PROGRAMME_FIELDS},
              **{k: v for k, v in changes.items() if k in PROGRAMME_FIELDS}}
    _check_programme(values)
    for key, value in values.items():
        setattr(locked, key, value)
    old, new = diff(before, programme_snapshot(locked))
    if new:
        locked.version += 1
        locked.save()
        record_change(actor=acting_user, action="learning_programme_update", obj=locked, before=old, after=new)
    return locked


def _check_session(values: dict, programme: Programme) -> None:
    errors = {}
    values["title"] = (values.get("title") or "").strip()
    if not values["title"] or len(values["title"]) > 200:
        errors["title"] = "学习内容不能为空，最多 200 个字"
    problem = rules.hours_error(values.get("hours"))
    if problem:
        errors["hours"] = problem
    held_on = values.get("held_on")
    if not isinstance(held_on, dt.date):
        errors["held_on"] = "请填写日期"
    elif held_on.year != programme.year:
        errors["held_on"] = f"日期应在学习计划的年度（{programme.year}年）内"
    elif held_on > timezone.localdate():
        errors["held_on"] = "不能登记尚未举行的学习活动"
    for name, limit in {"speaker": 50, "place": 200}.items():
        values[name] = (values.get(name) or "").strip()
        if len(values[name]) > limit:
            errors[name] = f"最多 {limit} 个字"
    if errors:
        raise ValidationError(errors)
    values["hours"] = Decimal(str(values["hours"]))


def _roster_ids(acting_user, programme: Programme, attendees: Iterable) -> list[int]:
    """The attendees, each a member in the programme's organisation's subtree that the organiser
    may see; anyone else is refused by name."""
    from dangjian.members.models import Member

    ids = sorted({getattr(m, "pk", m) for m in attendees})
    allowed = set(Member.objects.restrict(acting_user).filter(pk__in=ids, org__path__startswith=programme.org.path)
                  .values_list("pk", flat=True)) if ids else set()
    outside = [i for i in ids if i not in allowed]
    if outside:
        raise ValidationError({"attendees": f"有 {len(outside)} 名党员不在本学习计划的党组织及其下级中（编号 "
                                            f"{'、'.join(map(str, outside[:5]))}）"})
    return ids


def session_snapshot(s: Session) -> dict:
    data = {f: getattr(s, f) for f in SESSION_FIELDS}
    data["held_on"] = s.held_on.isoformat() if s.held_on else None
    data["hours"] = str(s.hours)
    data["meeting"] = s.meeting_id
    return data


@audited_transaction()
def session_create(*, acting_user, programme: Programme, title: str, held_on: dt.date, hours, speaker: str = "",
                   place: str = "", attendees: Iterable = (), meeting=None) -> Session:
    """A session of ``programme``. With ``meeting`` (a 理论学习中心组学习 meeting of the programme's
    organisation) the attendance is the meeting's and ``attendees`` must be empty."""
    require(acting_user, CHANGE, programme.org, message="无权为该学习计划登记学习活动")
    values = {"title": title, "held_on": held_on, "hours": hours, "speaker": speaker, "place": place}
    attendees = list(attendees)
    if meeting is not None:
        _check_meeting(programme, meeting)
        if attendees:
            raise ValidationError({"attendees": "关联组织生活会议的，出席情况以会议记录为准，不再单独登记"})
    _check_session(values, programme)
    ids = _roster_ids(acting_user, programme, attendees)
    session = Session.objects.create(programme=programme, meeting=meeting, created_by=user_or_none(acting_user),
                                     **values)
    SessionAttendance.objects.bulk_create([SessionAttendance(session=session, member_id=i) for i in ids])
    record_change(actor=acting_user, action="learning_session_create", obj=session,
                  after={**session_snapshot(session), "attendees": len(ids)})
    return session


def _check_meeting(programme: Programme, meeting) -> None:
    if programme.kind != ProgrammeKind.STUDY_GROUP:
        raise ValidationError({"meeting": "只有理论学习中心组学习计划可以关联组织生活会议"})
    if meeting.org_id != programme.org_id:
        raise ValidationError({"meeting": "只能关联本党组织的会议"})
    if not meeting.type_links.filter(type=MeetingType.STUDY_GROUP).exists():
        raise ValidationError({"meeting": "该会议不是理论学习中心组学习"})
    if Session.objects.filter(meeting=meeting).exists():
        raise ValidationError({"meeting": "该会议已关联到学习活动"})


@audited_transaction()
def session_update(*, acting_user, session: Session, expected_version: int | None = None,
                   attendees: Iterable | None = None, **changes) -> Session:
    locked = Session.objects.select_for_update(of=("self",)).select_related("programme__org").get(pk=session.pk)
    require(acting_user, CHANGE, locked.programme.org, message="无权修改该学习活动")
    before = session_snapshot(locked)
    _conflict(locked, expected_version, before, {k: str(v) for k, v in changes.items()})
    values = {**{f: getattr(locked, f) for f in SESSION_FIELDS},
              **{k: v for k, v in changes.items() if k in SESSION_FIELDS}}
    _check_session(values, locked.programme)
    for key, value in values.items():
        setattr(locked, key, value)
    old, new = diff(before, session_snapshot(locked))
    if attendees is not None:
        if locked.meeting_id:
            raise ValidationError({"attendees": "关联组织生活会议的，出席情况请在组织生活中修改"})
        ids = _roster_ids(acting_user, locked.programme, attendees)
        current = sorted(locked.attendances.values_list("member_id", flat=True))
        if ids != current:
            locked.attendances.exclude(member_id__in=ids).delete()
            SessionAttendance.objects.bulk_create([SessionAttendance(session=locked, member_id=i)
                                                   for i in ids if i not in set(current)])
            old["attendees"], new["attendees"] = len(current), len(ids)
    if new:
        locked.version += 1
        locked.save()
        record_change(actor=acting_user, action="learning_session_update", obj=locked, before=old, after=new)
    return locked


@audited_transaction()
def sessions_from_meetings(*, acting_user, programme: Programme) -> list[Session]:
    """Every held 理论学习中心组学习 meeting of the programme's organisation in its year that is not
    yet linked becomes a session: title, date and 学时 from the meeting, attendance by reference."""
    require(acting_user, CHANGE, programme.org, message="无权为该学习计划登记学习活动")
    if programme.kind != ProgrammeKind.STUDY_GROUP:
        raise ValidationError({"meeting": "只有理论学习中心组学习计划可以关联组织生活会议"})
    made = []
    for meeting in queries.linkable_meetings(programme):
        held_on = timezone.localtime(meeting.held_at).date()
        session = Session.objects.create(
            programme=programme, meeting=meeting, title=meeting.lecture_title or meeting.title, held_on=held_on,
            place=meeting.place, speaker=meeting.lecturer or meeting.host,
            hours=rules.hours_of_meeting(meeting.held_at, meeting.ends_at), created_by=user_or_none(acting_user))
        record_change(actor=acting_user, action="learning_session_create", obj=session,
                      after=session_snapshot(session), note="关联组织生活会议")
        made.append(session)
    return made


@audited_transaction()
def target_set(*, acting_user, org, year: int, hours) -> HoursTarget:
    require(acting_user, CHANGE, org, message="无权为该党组织设置学时目标")
    try:
        value = Decimal(str(hours))
    except ArithmeticError:
        value = Decimal(-1)
    if not Decimal(0) < value <= Decimal(500):
        raise ValidationError({"hours": "年度学时目标应大于 0、不超过 500"})
    target, created = HoursTarget.objects.get_or_create(org=org, year=year, defaults={"hours": value})
    before = {} if created else {"hours": str(target.hours)}
    if target.hours != value:
        target.hours = value
        target.save()
    if created or before["hours"] != str(value):
        record_change(actor=acting_user, action="learning_target_set", obj=target, before=before,
                      after={"org": org.code, "year": year, "hours": str(value)})
    return target
