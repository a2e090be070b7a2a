"""Writes of 流动党员: keyword-only, atomic (``audited_transaction``), ``acting_user`` first; scope is
checked with ``require``, the rules decide, every change is recorded with ``record_change``.

``Member.flow_status``/``flow_place`` follow the records: opening an outflow sets 流出 and the place,
closing it (returned, transferred) clears both; marking 失去联系 keeps 流出. Registering an inflow
linked to a member record sets 流入; the inflow's departure clears it."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone

from dangjian.core.actors import SYSTEM, user_or_none
from dangjian.core.errors import VersionConflict
from dangjian.core.history import audited_transaction, diff, record_change, save_edit
from dangjian.core.scoping import CHANGE, require
from dangjian.members.choices import FlowStatus
from dangjian.members.models import Member

from . import rules
from .choices import OPEN, InflowStatus, OutflowStatus, ReportKind, ReportMethod, ReportSource
from .models import ActivityCard, FlowReport, Inflow, Outflow

OUTFLOW_FIELDS = ("place", "reason", "left_on", "expected_until", "contact", "receiving_org_id",
                  "receiving_org_text", "note")
INFLOW_FIELDS = ("name", "origin_org", "origin_place", "home_contact", "phone", "arrived_on", "org_id", "member_id")


def _text(value, limit: int) -> str:
    return (value or "").strip()[:limit]


def _plain(value):
    return value.isoformat() if isinstance(value, dt.date) else value


def outflow_snapshot(outflow: Outflow) -> dict:
    return {k: _plain(getattr(outflow, k)) for k in (*OUTFLOW_FIELDS, "status", "closed_on")}


def inflow_snapshot(inflow: Inflow) -> dict:
    return {k: _plain(getattr(inflow, k)) for k in (*INFLOW_FIELDS, "status", "left_on")}


def _set_member_flow(acting_user, member_id: int, status: str, place: str) -> None:
    """Keep the member's 流动 flag and place in step with the records (bumps the member's version)."""
    member = Member.objects.select_for_update().get(pk=member_id)
    before = {"flow_status": member.flow_status, "flow_place": member.flow_place}
    after = {"flow_status": status, "flow_place": place[:200]}
    old, new = diff(before, after)
    if new:
        Member.objects.filter(pk=member_id).update(version=F("version") + 1, **after)
        record_change(actor=acting_user, action="member_flow_set", obj=member, before=old, after=new)


def _check_version(current, expected_version, message: str, snapshot, submitted: dict | None = None) -> None:
    if current.version != expected_version:
        raise VersionConflict(message, current={**snapshot(current), "version": current.version},
                              submitted={**{k: _plain(v) for k, v in (submitted or {}).items()},
                                         "version": expected_version})


def _outflow_fields(*, place, reason, left_on, expected_until, contact, receiving_org, receiving_org_text, note,
                    today) -> dict:
    errors = rules.outflow_errors(left_on, expected_until, today)
    place = _text(place, 200)
    if not place:
        errors["place"] = "请填写外出地点"
    if errors:
        raise ValidationError(errors)
    return {"place": place, "reason": _text(reason, 200), "left_on": left_on, "expected_until": expected_until,
            "contact": _text(contact, 100), "receiving_org_id": receiving_org.pk if receiving_org else None,
            "receiving_org_text": "" if receiving_org else _text(receiving_org_text, 200), "note": _text(note, 200)}


@audited_transaction()
def outflow_open(*, acting_user, member: Member, place: str, left_on: dt.date, reason: str = "",
                 expected_until: dt.date | None = None, contact: str = "", receiving_org=None,
                 receiving_org_text: str = "", note: str = "", today: dt.date | None = None) -> Outflow:
    """Record ``member`` going away from their branch; the member is flagged 流出 with the place."""
    member = Member.objects.select_related("org").get(pk=member.pk)
    require(acting_user, CHANGE, member.org, message="无权登记该党员外出")
    fields = _outflow_fields(place=place, reason=reason, left_on=left_on, expected_until=expected_until,
                             contact=contact, receiving_org=receiving_org, receiving_org_text=receiving_org_text,
                             note=note, today=today or timezone.localdate())
    if Outflow.objects.filter(member=member, status__in=OPEN).exists():
        raise ValidationError({"member": f"{member.name} 已有未结束的外出登记，请先结束或修改那一条"})
    outflow = Outflow.objects.create(member=member, org=member.org, **fields)
    record_change(actor=acting_user, action="outflow_open", obj=outflow, after=outflow_snapshot(outflow))
    _set_member_flow(acting_user, member.pk, FlowStatus.OUT, outflow.place)
    return outflow


@audited_transaction()
def outflow_update(*, acting_user, outflow: Outflow, expected_version: int | None, place: str, left_on: dt.date,
                   reason: str = "", expected_until: dt.date | None = None, contact: str = "", receiving_org=None,
                   receiving_org_text: str = "", note: str = "", today: dt.date | None = None) -> Outflow:
    current = Outflow.objects.select_for_update().get(pk=outflow.pk)
    require(acting_user, CHANGE, current.org, message="无权修改该外出登记")
    _check_version(current, expected_version, "该外出登记已被他人修改，请核对后重新提交", outflow_snapshot, submitted={
        "place": place, "reason": reason, "left_on": left_on, "expected_until": expected_until, "contact": contact,
        "receiving_org_id": receiving_org.pk if receiving_org else None, "receiving_org_text": receiving_org_text,
        "note": note})
    fields = _outflow_fields(place=place, reason=reason, left_on=left_on, expected_until=expected_until,
                             contact=contact, receiving_org=receiving_org, receiving_org_text=receiving_org_text,
                             note=note, today=today or timezone.localdate())
    changed = save_edit(current, fields, snapshot=outflow_snapshot, acting_user=acting_user, action="outflow_update")
    if changed and current.status in OPEN:
        _set_member_flow(acting_user, current.member_id, FlowStatus.OUT, current.place)
    return current


@audited_transaction()
def outflow_close(*, acting_user, outflow: Outflow, status: str, on: dt.date, expected_version: int | None,
                  note: str = "", today: dt.date | None = None) -> Outflow:
    """End an outflow (returned / transferred: the member's 流出 flag is cleared) or mark the member
    失去联系 (the outflow stays open and the flag stays)."""
    current = Outflow.objects.select_for_update().get(pk=outflow.pk)
    require(acting_user, CHANGE, current.org, message="无权结束该外出登记")
    _check_version(current, expected_version, "该外出登记已被他人修改，请刷新后重新提交", outflow_snapshot)
    today = today or timezone.localdate()
    if status not in OutflowStatus.values or status == OutflowStatus.AWAY:
        raise ValidationError({"status": "请选择：已返回、已转接组织关系或失去联系"})
    if current.status not in OPEN:
        raise ValidationError({"status": "该外出登记已经结束"})
    if on is None or on > today or on < current.left_on:
        raise ValidationError({"on": "日期须在外出日期与今天之间"})
    fields = {"status": status, "closed_on": None if status == OutflowStatus.LOST else on}
    if note:
        fields["note"] = _text(note, 200)
    save_edit(current, fields, snapshot=outflow_snapshot, acting_user=acting_user, action="outflow_close",
               note=OutflowStatus(status).label)
    if status != OutflowStatus.LOST:
        _set_member_flow(acting_user, current.member_id, FlowStatus.NONE, "")
    return current


@audited_transaction()
def card_issue(*, acting_user, outflow: Outflow, number: str, issued_on: dt.date, expires_on: dt.date) -> ActivityCard:
    """A 流动党员活动证 (or its renewal) for an open outflow; numbers are unique."""
    require(acting_user, CHANGE, outflow.org, message="无权为该党员登记活动证")
    errors = rules.card_errors(issued_on, expires_on)
    number = _text(number, 50)
    if not number:
        errors["number"] = "请填写活动证编号"
    elif ActivityCard.objects.filter(number=number).exists():
        errors["number"] = f"活动证编号 {number} 已被使用"
    if outflow.status not in OPEN:
        errors["outflow"] = "该外出登记已经结束，不能再发活动证"
    if errors:
        raise ValidationError(errors)
    card = ActivityCard.objects.create(outflow=outflow, number=number, issued_on=issued_on, expires_on=expires_on,
                                       recorded_by=user_or_none(acting_user))
    record_change(actor=acting_user, action="activity_card_issue", obj=card,
                  after={"number": number, "issued_on": issued_on.isoformat(), "expires_on": expires_on.isoformat()})
    return card


@audited_transaction()
def report_file(*, acting_user, outflow: Outflow, reported_on: dt.date, method: str, content: str,
                kind: str = ReportKind.YEARLY, today: dt.date | None = None) -> FlowReport:
    """A report back (or a contact) for an open outflow, by the branch or by the member's own account."""
    outflow = Outflow.objects.select_related("member", "org").get(pk=outflow.pk)
    own = acting_user is not SYSTEM and outflow.member.user_id is not None and outflow.member.user_id == acting_user.pk
    if not own:
        require(acting_user, CHANGE, outflow.org, message="只能由本人或流出地支部登记报告")
    today = today or timezone.localdate()
    errors = {}
    if reported_on is None or reported_on > today:
        errors["reported_on"] = "报告日期不能晚于今天"
    elif reported_on < outflow.left_on:
        errors["reported_on"] = "报告日期不能早于外出日期"
    if method not in ReportMethod.values:
        errors["method"] = "请选择报告方式"
    if kind not in ReportKind.values:
        errors["kind"] = "请选择类型"
    content = (content or "").strip()
    if not content:
        errors["content"] = "请填写报告内容"
    elif len(content) > 2000:
        errors["content"] = "报告内容最多 2000 个字"
    if outflow.status not in OPEN:
        errors["outflow"] = "该外出登记已经结束"
    if errors:
        raise ValidationError(errors)
    report = FlowReport.objects.create(outflow=outflow, reported_on=reported_on, method=method, content=content,
                                       kind=kind, source=ReportSource.MEMBER if own else ReportSource.BRANCH,
                                       recorded_by=user_or_none(acting_user))
    record_change(actor=acting_user, action="flow_report", obj=report,
                  after={"reported_on": reported_on.isoformat(), "kind": kind, "method": method,
                         "source": report.source})
    if outflow.status == OutflowStatus.LOST:  # heard from again: back to 外出中
        Outflow.objects.filter(pk=outflow.pk).update(status=OutflowStatus.AWAY, version=F("version") + 1)
        record_change(actor=acting_user, action="outflow_update", obj=outflow, before={"status": outflow.status},
                      after={"status": OutflowStatus.AWAY}, note="恢复联系")
    return report


def _inflow_fields(*, name, origin_org, origin_place, home_contact, phone, arrived_on, org, member, today) -> dict:
    errors = {}
    fields = {"name": _text(name, 50), "origin_org": _text(origin_org, 200), "origin_place": _text(origin_place, 100),
              "home_contact": _text(home_contact, 100), "phone": _text(phone, 50), "arrived_on": arrived_on,
              "org_id": org.pk, "member_id": member.pk if member else None}
    if member is not None and not fields["name"]:
        fields["name"] = member.name
    for key, label in (("name", "姓名"), ("origin_org", "原所在党组织"), ("origin_place", "来自（地区）")):
        if not fields[key]:
            errors[key] = f"请填写{label}"
    if arrived_on is None:
        errors["arrived_on"] = "请填写流入日期"
    elif arrived_on > today:
        errors["arrived_on"] = "流入日期不能晚于今天"
    if errors:
        raise ValidationError(errors)
    return fields


@audited_transaction()
def inflow_register(*, acting_user, org, name: str, origin_org: str, origin_place: str, arrived_on: dt.date,
                    home_contact: str = "", phone: str = "", member: Member | None = None,
                    today: dt.date | None = None) -> Inflow:
    """A member from elsewhere taking part in ``org``; linked to ``member`` when they are in the tree."""
    require(acting_user, CHANGE, org, message="无权为该党组织登记流入党员")
    fields = _inflow_fields(name=name, origin_org=origin_org, origin_place=origin_place, home_contact=home_contact,
                            phone=phone, arrived_on=arrived_on, org=org, member=member,
                            today=today or timezone.localdate())
    inflow = Inflow.objects.create(**fields)
    record_change(actor=acting_user, action="inflow_register", obj=inflow, after=inflow_snapshot(inflow))
    if member is not None:
        _set_member_flow(acting_user, member.pk, FlowStatus.IN, f"{org.name}（来自{fields['origin_place']}）")
    return inflow


@audited_transaction()
def inflow_leave(*, acting_user, inflow: Inflow, on: dt.date, expected_version: int | None,
                 today: dt.date | None = None) -> Inflow:
    current = Inflow.objects.select_for_update().get(pk=inflow.pk)
    require(acting_user, CHANGE, current.org, message="无权修改该流入党员登记")
    _check_version(current, expected_version, "该流入登记已被他人修改，请刷新后重新提交", inflow_snapshot)
    if current.status != InflowStatus.ACTIVE:
        raise ValidationError({"status": "该流入党员已登记离开"})
    if on is None or on > (today or timezone.localdate()) or on < current.arrived_on:
        raise ValidationError({"on": "离开日期须在流入日期与今天之间"})
    save_edit(current, {"status": InflowStatus.LEFT, "left_on": on}, snapshot=inflow_snapshot,
               acting_user=acting_user, action="inflow_leave")
    if current.member_id:
        _set_member_flow(acting_user, current.member_id, FlowStatus.NONE, "")
    return current
