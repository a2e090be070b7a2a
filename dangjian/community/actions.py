"""Writes of 双报到: keyword-only, atomic (``audited_transaction``), ``acting_user`` first; scope is
checked with ``require`` (the community's side for accepting, posting, confirming and feedback; the
member's branch — or the member's own login — for asking to report and entering service), the
rules decide, every change is recorded with ``record_change``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import timezone

from dangjian.core.actors import SYSTEM, user_or_none
from dangjian.core.errors import ActionDenied, VersionConflict
from dangjian.core.history import audited_transaction, record_change
from dangjian.core.scoping import CHANGE, require
from dangjian.members.models import Member
from dangjian.orgs.models import Organization

from . import feeds, rules
from .choices import OPEN_STATUSES, Rating, RecordStatus, ReportKind, ReportStatus
from .models import CommunityFeedback, CommunityReport, ServiceNeed, ServiceRecord


def _own_or_branch(acting_user, member: Member, message: str) -> None:
    """The member's own login, or a user who may change the member's branch."""
    if acting_user is not SYSTEM and getattr(acting_user, "pk", None) is not None \
            and member.user_id == acting_user.pk:
        return
    require(acting_user, CHANGE, member.org, message=message)


def _check_version(obj, expected_version: int | None, message: str) -> None:
    if expected_version is not None and obj.version != expected_version:
        raise VersionConflict(message, current={"status": obj.status, "version": obj.version},
                              submitted={"version": expected_version})


def report_snapshot(report: CommunityReport) -> dict:
    return {"member": report.member_id, "community": report.community_id, "kind": report.kind,
            "reported_on": report.reported_on.isoformat(), "status": report.status, "note": report.note,
            "decision_note": report.decision_note,
            "ended_on": report.ended_on.isoformat() if report.ended_on else None}


# -- 报到 -------------------------------------------------------------------------------------------------


@audited_transaction()
def report_request(*, acting_user, member: Member, community: Organization, kind: str | None = None,
                   reported_on: dt.date | None = None, note: str = "") -> CommunityReport:
    """The member (or their branch) asks ``community`` to take the member in."""
    _own_or_branch(acting_user, member, "无权为该党员申请报到")
    member = Member.objects.select_for_update().select_related("org").get(pk=member.pk)
    has_open = CommunityReport.objects.filter(member=member, status__in=OPEN_STATUSES).exists()
    errors = rules.request_errors(member_status=member.status, community_unit=community.unit_category,
                                  community_kind=community.kind, branch_path=member.org.path,
                                  community_path=community.path, has_open_report=has_open)
    if errors:
        raise ValidationError(errors)
    kind = kind or rules.expected_kind(status=member.status, category=member.category, retired=member.retired,
                                       branch_unit=member.org.unit_category) or (
        ReportKind.RETIRED if member.retired else ReportKind.IN_SERVICE)
    if kind not in ReportKind.values:
        raise ValidationError({"kind": "报到类型不正确"})
    report = CommunityReport.objects.create(
        member=member, community=community, kind=kind, reported_on=reported_on or timezone.localdate(),
        note=(note or "").strip()[:200], requested_by=user_or_none(acting_user))
    record_change(actor=acting_user, action="community_report_request", obj=report, after=report_snapshot(report))
    feeds.after_change(community.pk)
    return report


def _decide(acting_user, report: CommunityReport, expected_version, status: str, note: str, action: str):
    require(acting_user, CHANGE, report.community, message="只有接收报到的村（社区）党组织可以处理报到申请")
    current = CommunityReport.objects.select_for_update().get(pk=report.pk)
    _check_version(current, expected_version, "该报到申请已被他人处理，请刷新后查看")
    if current.status != ReportStatus.REQUESTED:
        raise ValidationError({"status": f"该报到当前为“{current.get_status_display()}”，不能再处理"})
    before = report_snapshot(current)
    current.status, current.decision_note = status, (note or "").strip()[:200]
    current.accepted_by, current.accepted_at = user_or_none(acting_user), timezone.now()
    current.version += 1
    current.save()
    record_change(actor=acting_user, action=action, obj=current, before=before, after=report_snapshot(current))
    feeds.after_change(current.community_id)
    return current


@audited_transaction()
def report_accept(*, acting_user, report: CommunityReport, expected_version: int | None = None,
                  note: str = "") -> CommunityReport:
    return _decide(acting_user, report, expected_version, ReportStatus.ACCEPTED, note, "community_report_accept")


@audited_transaction()
def report_decline(*, acting_user, report: CommunityReport, note: str, expected_version: int | None = None
                   ) -> CommunityReport:
    if not (note or "").strip():
        raise ValidationError({"note": "请说明不接收的原因"})
    return _decide(acting_user, report, expected_version, ReportStatus.DECLINED, note, "community_report_decline")


@audited_transaction()
def report_end(*, acting_user, report: CommunityReport, ended_on: dt.date | None = None,
               note: str = "") -> CommunityReport:
    """End a report (moved away, changed community): the member, the branch or the community may."""
    current = CommunityReport.objects.select_for_update().select_related("member__org", "community").get(pk=report.pk)
    try:
        _own_or_branch(acting_user, current.member, "无权结束该报到")
    except ActionDenied:
        require(acting_user, CHANGE, current.community, message="无权结束该报到")
    if current.status not in OPEN_STATUSES:
        raise ValidationError({"status": "该报到已结束或未被接收"})
    before = report_snapshot(current)
    current.status, current.ended_on = ReportStatus.ENDED, ended_on or timezone.localdate()
    if note:
        current.decision_note = note.strip()[:200]
    current.version += 1
    current.save()
    record_change(actor=acting_user, action="community_report_end", obj=current, before=before,
                  after=report_snapshot(current))
    feeds.after_change(current.community_id)
    return current


# -- 需求 -------------------------------------------------------------------------------------------------


@audited_transaction()
def need_post(*, acting_user, community: Organization, title: str, starts_on: dt.date, description: str = "",
              ends_on: dt.date | None = None, places: int | None = None) -> ServiceNeed:
    require(acting_user, CHANGE, community, message="只有本村（社区）党组织可以发布需求")
    errors = {}
    if not rules.is_community(community.unit_category, community.kind):
        errors["community"] = "只有村、社区党组织发布服务需求"
    if not (title or "").strip():
        errors["title"] = "请填写名称"
    if ends_on is not None and ends_on < starts_on:
        errors["ends_on"] = "结束日期不能早于开始日期"
    if places is not None and places < 1:
        errors["places"] = "需要人数至少 1 人"
    if errors:
        raise ValidationError(errors)
    need = ServiceNeed.objects.create(community=community, title=title.strip()[:100], description=description or "",
                                      starts_on=starts_on, ends_on=ends_on, places=places,
                                      created_by=user_or_none(acting_user))
    record_change(actor=acting_user, action="community_need_post", obj=need,
                  after={"title": need.title, "starts_on": starts_on.isoformat(), "places": places})
    return need


@audited_transaction()
def need_close(*, acting_user, need: ServiceNeed) -> ServiceNeed:
    require(acting_user, CHANGE, need.community, message="只有本村（社区）党组织可以关闭需求")
    if need.is_open:
        ServiceNeed.objects.filter(pk=need.pk).update(is_open=False)
        need.is_open = False
        record_change(actor=acting_user, action="community_need_close", obj=need, before={"is_open": True},
                      after={"is_open": False})
    return need


# -- 服务记录 -------------------------------------------------------------------------------------------------


def _hours(value) -> Decimal:
    try:
        hours = Decimal(str(value).strip())
    except (InvalidOperation, TypeError):
        raise ValidationError({"hours": "请填写服务时长（小时），例如 2 或 1.5"}) from None
    if not hours.is_finite():
        raise ValidationError({"hours": "请填写服务时长（小时），例如 2 或 1.5"})
    return hours


@audited_transaction()
def record_enter(*, acting_user, report: CommunityReport, served_on: dt.date, hours, what: str,
                 need: ServiceNeed | None = None) -> ServiceRecord:
    """A service the member gave, entered by the member, their branch or the community; waits for the
    community's confirmation (entered by the community itself, it is still confirmed in a second step)."""
    report = CommunityReport.objects.select_related("member__org", "community").get(pk=report.pk)
    try:
        _own_or_branch(acting_user, report.member, "无权为该党员登记服务记录")
    except ActionDenied:
        require(acting_user, CHANGE, report.community, message="无权为该党员登记服务记录")
    if report.status != ReportStatus.ACCEPTED:
        raise ValidationError({"report": "社区接收报到后才能登记服务记录"})
    if need is not None and need.community_id != report.community_id:
        raise ValidationError({"need": "只能选择报到社区发布的需求"})
    hours = _hours(hours)
    errors = rules.record_errors(served_on=served_on, hours=hours, what=what or "", today=timezone.localdate(),
                                 reported_on=report.reported_on)
    if errors:
        raise ValidationError(errors)
    record = ServiceRecord.objects.create(report=report, need=need, served_on=served_on, hours=hours,
                                          what=what.strip()[:200], entered_by=user_or_none(acting_user))
    record_change(actor=acting_user, action="community_record_enter", obj=record,
                  after={"served_on": served_on.isoformat(), "hours": str(hours), "what": record.what,
                         "need": need.pk if need else None})
    feeds.after_change(report.community_id)
    return record


@audited_transaction()
def record_decide(*, acting_user, record: ServiceRecord, confirm: bool, reason: str = "",
                  expected_version: int | None = None) -> ServiceRecord:
    """The community confirms the record, or rejects it with a reason."""
    current = ServiceRecord.objects.select_for_update().select_related("report__community").get(pk=record.pk)
    require(acting_user, CHANGE, current.report.community, message="只有报到的村（社区）党组织可以确认服务记录")
    _check_version(current, expected_version, "该服务记录已被他人处理，请刷新后查看")
    if current.status != RecordStatus.ENTERED:
        raise ValidationError({"status": f"该记录当前为“{current.get_status_display()}”，不能再处理"})
    if not confirm and not (reason or "").strip():
        raise ValidationError({"reason": "请说明不予确认的原因"})
    before = {"status": current.status}
    current.status = RecordStatus.CONFIRMED if confirm else RecordStatus.REJECTED
    current.reject_reason = "" if confirm else reason.strip()[:200]
    current.confirmed_by, current.confirmed_at = user_or_none(acting_user), timezone.now()
    current.version += 1
    current.save()
    record_change(actor=acting_user, action="community_record_decide", obj=current, before=before,
                  after={"status": current.status, "reject_reason": current.reject_reason})
    feeds.after_change(current.report.community_id)
    return current


# -- 年度反馈 -------------------------------------------------------------------------------------------------


@audited_transaction()
def feedback_give(*, acting_user, report: CommunityReport, year: int, rating: str, comment: str = "",
                  expected_version: int | None = None) -> CommunityFeedback:
    """The community's feedback on a reporter for ``year``; given again it edits it (at the version seen)."""
    report = CommunityReport.objects.select_related("community", "member").get(pk=report.pk)
    require(acting_user, CHANGE, report.community, message="只有报到的村（社区）党组织可以反馈")
    errors = {}
    if report.status not in (ReportStatus.ACCEPTED, ReportStatus.ENDED):
        errors["report"] = "只能对已报到的党员反馈"
    if not rules.feedback_allowed(year, timezone.localdate()):
        errors["year"] = f"{year} 年度的反馈自 {year} 年 12 月 1 日起填写"
    if rating not in Rating.values:
        errors["rating"] = "请选择评价"
    if errors:
        raise ValidationError(errors)
    comment = (comment or "").strip()[:500]
    current = CommunityFeedback.objects.select_for_update().filter(
        member=report.member, community=report.community, year=year).first()
    if current is None:
        fb = CommunityFeedback.objects.create(member=report.member, community=report.community, year=year,
                                              rating=rating, comment=comment, given_by=user_or_none(acting_user))
        record_change(actor=acting_user, action="community_feedback", obj=fb,
                      after={"year": year, "rating": rating, "comment": comment})
        feeds.after_change(report.community_id)
        return fb
    if current.version != expected_version:
        raise VersionConflict("该年度反馈已填写或已被他人修改，请核对后重新提交",
                              current={"rating": current.rating, "comment": current.comment,
                                       "version": current.version},
                              submitted={"rating": rating, "comment": comment, "version": expected_version})
    before = {"rating": current.rating, "comment": current.comment}
    current.rating, current.comment, current.given_by = rating, comment, user_or_none(acting_user)
    current.version += 1
    current.save()
    record_change(actor=acting_user, action="community_feedback", obj=current, before=before,
                  after={"rating": rating, "comment": comment})
    return current
