"""Writes of 发展党员: keyword-only, atomic, taking ``acting_user`` first; each writes its history.

Recording a step re-checks the whole case at once, so the page and the API answer with the rules it
breaks (a flag) — or refuse it when the rule set marks the rule blocking. On admission (step 17
approved) the person becomes a ``Member`` of type 预备党员, and on an approved 转正 (step 24) the
member record changes type and 转正日期 — both through the members app's own actions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone

from dangjian.accounts.choices import Role
from dangjian.accounts.models import Position
from dangjian.core import crypto
from dangjian.core.actors import check_actor, is_system
from dangjian.core.errors import ActionDenied, VersionConflict
from dangjian.core.history import audited_transaction, diff, record_change
from dangjian.core.idnumbers import birth_date_of, gender_of, id_number_error, normalise
from dangjian.core.models import CalendarDay
from dangjian.core.scoping import CHANGE, VIEW, allows, require
from dangjian.members.actions import member_create, member_update
from dangjian.members.choices import MembershipType, PartyStatus
from dangjian.members.models import Member
from dangjian.members.rules import name_error
from dangjian.orglife import conf as orglife_conf
from dangjian.orglife.actions import sniff
from dangjian.orglife.models import Meeting

from . import checking, rules
from .choices import MEETING_STEPS, REPEATABLE, STEP_NAMES, Outcome
from .models import CaseDocument, CaseStep, RecruitmentCase, RuleLayerSwitch
from .queries import rule_set_of

STEP_INPUTS = ["done_on", "person_names", "voting_expected", "voting_present", "votes_for", "individually",
               "training_days", "training_hours", "publicity_start", "publicity_end", "outcome",
               "extension_months", "reason"]


def _plain(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def case_snapshot(case: RecruitmentCase) -> dict:
    return {"name": case.name, "gender": case.gender, "id_number": case.id_number_masked,
            "birth_date": _plain(case.birth_date), "work_unit": case.work_unit, "org": case.org.code,
            "applied_on": _plain(case.applied_on), "edition": case.edition}


def step_snapshot(step: CaseStep, persons=None) -> dict:
    data = {f: _plain(getattr(step, f)) for f in STEP_INPUTS}
    data["step"] = step.step
    data["meeting"] = step.meeting_id
    data["approver"] = step.approver.code if step.approver_id else None
    if persons is not None:
        data["persons"] = sorted(p.name for p in persons)
    return {k: v for k, v in data.items() if v not in (None, "", 0, 0.0)}


def _refuse_blocking(flags, step: int, field: str = "done_on") -> None:
    blocking = [f for f in flags if f.blocking and f.step == step]
    if blocking:
        raise ValidationError({field: [f"{f.reason}（{f.source}）" for f in blocking]})


@audited_transaction()
def case_create(*, acting_user, org, name: str, id_number: str, applied_on: dt.date, work_unit: str = "",
                today: dt.date | None = None) -> RecruitmentCase:
    """Open a case with its first step (递交入党申请书 on ``applied_on``); birth date and gender come
    from the ID number. The rule set is the edition in force on ``applied_on``."""
    require(acting_user, CHANGE, org, message="无权在该党组织登记发展党员")
    today = today or timezone.localdate()
    problem = name_error(name)
    if problem:
        raise ValidationError({"name": problem})
    id_number = normalise(id_number or "")
    problem = id_number_error(id_number, today=today)
    if problem:
        raise ValidationError({"id_number": problem})
    if applied_on > today:
        raise ValidationError({"applied_on": f"递交入党申请书日期 {applied_on:%Y-%m-%d} 晚于今天"})
    indexes = crypto.blind_indexes(id_number)
    if Member.objects.filter(id_number_index__in=indexes).exists():
        raise ValidationError({"id_number": "该公民身份号码已登记为党员，不能再登记为发展党员对象"})
    clash = RecruitmentCase.objects.filter(id_number_index__in=indexes).select_related("org").first()
    if clash is not None:
        where = f"（{clash.name}，{clash.org.name}）" if allows(acting_user, VIEW, clash.org) else ""
        raise ValidationError({"id_number": f"该公民身份号码已有发展党员记录{where}"})
    case = RecruitmentCase(org=org, name=name.strip(), birth_date=birth_date_of(id_number),
                           gender=gender_of(id_number), work_unit=work_unit, applied_on=applied_on,
                           edition=rules.edition_for(applied_on).code)
    case.set_id_number(id_number)
    case.save()
    first = CaseStep.objects.create(case=case, step=1, done_on=applied_on,
                                    recorded_by=None if is_system(acting_user) else acting_user)
    _refuse_blocking(checking.check_case(case, today=today), 1, "applied_on")
    record_change(actor=acting_user, action="recruitment_case_create", obj=case,
                  after={**case_snapshot(case), **step_snapshot(first)})
    return case


def _meeting(acting_user, case: RecruitmentCase, meeting, step: int):
    if meeting is None:
        return None
    if step not in MEETING_STEPS:
        raise ValidationError({"meeting": f"第{step}步不是会议决定的步骤，不能关联会议记录"})
    if not Meeting.objects.restrict(acting_user, VIEW).filter(pk=meeting.pk).exists() or \
            not case.org.path.startswith(meeting.org.path):
        raise ValidationError({"meeting": "会议记录不属于该党支部（或不在您的管辖范围内）"})
    return meeting


def _validate_step(step: int, data: dict, today: dt.date) -> None:
    if step not in STEP_NAMES:
        raise ValidationError({"step": f"步骤应为 1 至 25，收到 {step}"})
    done_on = data.get("done_on")
    if done_on is None:
        raise ValidationError({"done_on": "请填写日期"})
    if done_on > today:
        raise ValidationError({"done_on": f"日期 {done_on:%Y-%m-%d} 晚于今天"})
    start, end = data.get("publicity_start"), data.get("publicity_end")
    if (start is None) != (end is None):
        raise ValidationError({"publicity_end": "公示开始和结束日期须同时填写"})
    if start and end and end < start:
        raise ValidationError({"publicity_end": "公示结束日期早于开始日期"})
    outcome = data.get("outcome") or ""
    allowed = {17: {"", Outcome.APPROVED, Outcome.REJECTED}, 24: {"", Outcome.APPROVED, Outcome.REJECTED},
               23: {Outcome.CONFIRM, Outcome.EXTEND, Outcome.CANCEL}}
    if step in allowed and outcome not in allowed[step]:
        raise ValidationError({"outcome": f"第{step}步的结果应为：" + "、".join(
            Outcome(o).label for o in allowed[step] if o)})
    if step not in allowed and outcome:
        raise ValidationError({"outcome": f"第{step}步不登记结果"})
    if outcome == Outcome.EXTEND and not data.get("extension_months"):
        raise ValidationError({"extension_months": "延长预备期须填写延长的月数"})
    for key in ("voting_present", "votes_for"):
        expected, value = data.get("voting_expected"), data.get(key)
        if expected is not None and value is not None and value > expected:
            raise ValidationError({key: f"人数 {value} 超过应到会有表决权党员 {expected} 人"})


@audited_transaction()
def step_record(*, acting_user, case: RecruitmentCase, step: int, expected_version: int | None = None,
                persons=(), meeting=None, approver=None, today: dt.date | None = None, **data):
    """Record (or correct, for a step recorded once) ``step`` of ``case``. Returns the step and the
    flags of the whole case after it — what the page shows at once."""
    check_actor(acting_user)
    today = today or timezone.localdate()
    locked = RecruitmentCase.objects.select_for_update().select_related("org").get(pk=case.pk)
    require(acting_user, CHANGE, locked.org, message="无权登记该发展党员对象的步骤")
    if expected_version is not None and locked.version != expected_version:
        raise VersionConflict("该发展党员记录已被他人修改，请核对后重新提交",
                              current=case_snapshot(locked), submitted={"step": step})
    _validate_step(step, data, today)
    if step in MEETING_STEPS and meeting is not None:
        meeting = _meeting(acting_user, locked, meeting, step)
        for key, source in (("voting_expected", "voting_expected"), ("voting_present", "voting_present")):
            if data.get(key) is None:
                data[key] = getattr(meeting, source)
    elif meeting is not None:
        _meeting(acting_user, locked, meeting, step)
    if approver is not None and (approver.pk == locked.org_id or not locked.org.path.startswith(approver.path)):
        raise ValidationError({"approver": "审批单位应为该党支部的上级党组织"})
    persons = list(persons)
    existing = None if step in REPEATABLE else CaseStep.objects.filter(case=locked, step=step).first()
    row = existing or CaseStep(case=locked, step=step)
    before = step_snapshot(row, row.persons.all()) if existing else {}
    for key in STEP_INPUTS:
        if key in data:
            setattr(row, key, data[key] if data[key] is not None or key not in ("outcome", "reason", "person_names")
                    else "")
    row.meeting, row.approver = meeting, approver
    if not is_system(acting_user):
        row.recorded_by = acting_user
    row.save()
    row.persons.set(persons)
    if persons and not row.person_names:
        row.person_names = "、".join(p.name for p in persons)[:200]
        row.save(update_fields=["person_names"])
    flags = checking.check_case(locked, today=today)
    _refuse_blocking(flags, step)
    _member_follow_up(acting_user, locked, step, row)
    locked.version += 1
    locked.save(update_fields=["version", "updated_at", "member"])
    old, new = diff(before, step_snapshot(row, persons))
    record_change(actor=acting_user, action="recruitment_step", obj=locked, before=old,
                  after={"step": f"{step}. {STEP_NAMES[step]}", **new},
                  note="；".join(f.reason for f in flags if f.step == step)[:500])
    return row, flags


def _member_follow_up(acting_user, case: RecruitmentCase, step: int, row: CaseStep) -> None:
    """Admission and 转正 reach the member record through the members app's actions (audited there)."""
    if step == 17 and row.outcome != Outcome.REJECTED and case.member_id is None:
        meeting = CaseStep.objects.filter(case=case, step=15).first()
        if meeting is None:
            raise ValidationError({"step": "上级党委审批前须登记第15步支部党员大会讨论"})
        case.member = member_create(
            acting_user=acting_user, org=case.org, id_number=case.reveal_id_number(), name=case.name,
            gender=case.gender, birth_date=case.birth_date, work_unit=case.work_unit, joined_on=meeting.done_on,
            confirmed_on=None, membership_type=MembershipType.PROBATIONARY)
    elif step == 24 and row.outcome != Outcome.REJECTED and case.member_id is not None:
        decision = CaseStep.objects.filter(case=case, step=23).order_by("-done_on", "-id").first()
        if decision is None:
            raise ValidationError({"step": "审批转正前须登记第23步支部党员大会讨论转正"})
        member = Member.objects.get(pk=case.member_id)
        if decision.outcome == Outcome.CONFIRM:
            facts = rules.CaseFacts(case.birth_date, tuple(
                rules.StepFacts(step=s.step, done_on=s.done_on, outcome=s.outcome,
                                extension_months=s.extension_months)
                for s in CaseStep.objects.filter(case=case, step__in=[15, 23])))
            confirmed = min(rules.probation_end(facts, rule_set_of(case)), row.done_on)
            member_update(acting_user=acting_user, member=member, membership_type=MembershipType.FULL,
                          confirmed_on=confirmed)
        elif decision.outcome == Outcome.CANCEL:
            member_update(acting_user=acting_user, member=member, status=PartyStatus.LEFT,
                          status_effective_on=row.done_on)


@audited_transaction()
def document_add(*, acting_user, case: RecruitmentCase, kind: str, upload) -> CaseDocument:
    """A scan of 申请书, 思想汇报, 政审材料, 培训证明 or 志愿书: JPEG, PNG or PDF by content, size limited."""
    require(acting_user, CHANGE, case.org, message="无权为该发展党员对象上传材料")
    limit = orglife_conf.max_attachment_bytes()
    if upload.size > limit:
        size = f"{upload.size // 1024} KB，超过上限 {limit // 1024} KB"
        raise ValidationError({"file": f"文件 {upload.name} 大小 {size}"})
    upload.seek(0)
    found = sniff(upload.read(16))
    upload.seek(0)
    if found is None:
        raise ValidationError({"file": f"文件 {upload.name} 不是 JPEG、PNG 图片或 PDF 文件（按文件内容判断）"})
    document = CaseDocument.objects.create(case=case, kind=kind, file=upload, name=upload.name[:200],
                                           content_type=found[0], size=upload.size)
    record_change(actor=acting_user, action="recruitment_document", obj=case,
                  after={"document": document.name, "kind": kind, "size": upload.size})
    return document


# -- the holiday calendar and the local rule layers: the county level -----------------------------

CALENDAR_EDITORS = "只有县级（顶层党组织）的上级管理员可以修改节假日日历和地方规则"


def may_edit_calendar(user) -> bool:
    """The calendar counts every 公示 in the county: kept by the 上级管理员 of a top organisation."""
    if is_system(user):
        return True
    return Position.objects.filter(user=user, role=Role.SUPERIOR_ADMIN, org__parent__isnull=True).exists()


def _require_calendar_editor(user) -> None:
    check_actor(user)
    if not may_edit_calendar(user):
        raise ActionDenied(CALENDAR_EDITORS)


@audited_transaction()
def calendar_day_set(*, acting_user, day: dt.date, is_working: bool, name: str = "") -> CalendarDay:
    _require_calendar_editor(acting_user)
    if is_working and day.weekday() < 5:
        raise ValidationError({"day": f"{day:%Y-%m-%d} 是工作日（周一至周五），不需要登记为调休上班"})
    if not is_working and day.weekday() >= 5:
        raise ValidationError({"day": f"{day:%Y-%m-%d} 是周末，本来就不上班，不需要登记为放假"})
    row = CalendarDay.objects.filter(day=day).first()
    before = {"is_working": row.is_working, "name": row.name} if row else {}
    row = row or CalendarDay(day=day)
    row.is_working, row.name = is_working, (name or "").strip()[:40]
    row.save()
    old, new = diff(before, {"is_working": row.is_working, "name": row.name})
    record_change(actor=acting_user, action="calendar_day_set", obj=row, before=old,
                  after={"day": day.isoformat(), **new})
    return row


@audited_transaction()
def calendar_day_remove(*, acting_user, day: dt.date) -> None:
    _require_calendar_editor(acting_user)
    row = CalendarDay.objects.filter(day=day).first()
    if row is None:
        raise ValidationError({"day": f"{day:%Y-%m-%d} 没有登记为节假日或调休"})
    record_change(actor=acting_user, action="calendar_day_remove", obj=row,
                  before={"day": day.isoformat(), "is_working": row.is_working, "name": row.name})
    row.delete()


@audited_transaction()
def layer_switch(*, acting_user, owner, layer: str, enabled: bool) -> None:
    """Switch a local rule layer on or off for ``owner`` and everything under it; the cases there are
    re-checked under the new rules."""
    _require_calendar_editor(acting_user)
    require(acting_user, CHANGE, owner, message="无权为该党组织设置地方规则")
    if enabled:
        _, created = RuleLayerSwitch.objects.get_or_create(owner=owner, layer=layer)
    else:
        created = bool(RuleLayerSwitch.objects.filter(owner=owner, layer=layer).delete()[0])
    if created:
        record_change(actor=acting_user, action="recruitment_layer", obj=owner,
                      after={"layer": layer, "enabled": enabled})
        checking.check_all(RecruitmentCase.objects.filter(org__path__startswith=owner.path))
