"""The 双报到 API: the same queries and actions as the pages, the same two-sided scope (a report is
readable from the community's subtree and from the member's branch's). An id outside the scope is
404, a refusal of rights 403, a stale version 409, bad input 422 with Chinese messages."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from ninja import Field as F
from ninja import Query, Router, Schema, Status

from dangjian.apikit import (
    WRITE_ERRORS,
    DbId,
    PageQuery,
    PickerOut,
    PickerQuery,
    SubtreeYearQuery,
    choices_doc,
    page_of,
    readable_or_404,
    responses,
    subtree_root,
    write_in_scope,
)
from dangjian.members.models import Member
from dangjian.orgs.models import Organization
from dangjian.orgs.queries import org_search

from . import actions, queries
from .choices import RecordStatus, ReportStatus
from .models import CommunityFeedback, CommunityReport, ServiceNeed, ServiceRecord
from .schemas import (
    DecisionIn,
    FeedbackIn,
    FeedbackOut,
    NeedIn,
    NeedOut,
    RateRow,
    RecordIn,
    RecordOut,
    RecordPage,
    ReportIn,
    ReportOut,
    ReportPage,
)

router = Router(tags=["双报到"])



class ReportFilter(Schema):
    community: DbId | None = F(None, description="报到的村（社区）党组织 id")
    status: ReportStatus | None = F(None, description=choices_doc("状态", ReportStatus.choices))


def _org(request, pk: int) -> Organization:
    return readable_or_404(Organization.objects.all(), request.user, pk)


@router.get("/picker", response=responses(PickerOut, errors=(401, 422)), summary="查找村（社区）党组织（报到选择框）",
            url_name="community_picker")
def pick_communities(request, query: Query[PickerQuery]):
    """全部村、社区党组织（名称和代码），供党员申请报到时选择，不限管辖范围。"""
    rows = org_search(queries.community_orgs(), query.q, limit=query.limit)
    return {"items": [{"id": org.pk, "code": org.code, "label": org.name_with_code} for org in rows]}


@router.get("/rates", response=responses(list[RateRow]), summary="报到率（子树汇总）")
def rates(request, scope: Query[SubtreeYearQuery]):
    """该组织及其直接下级，每行含全部下级：应报到、已报到、报到率、服务小时、社区反馈。"""
    root = subtree_root(request.user, scope.org)
    return [{"org_id": org.pk, "name": org.name, **{k: getattr(f, k) for k in RateRow.model_fields
                                                    if k not in ("org_id", "name")}}
            for org, f in queries.subtree_rows(root, scope.year)]


@router.get("/reports", response=responses(ReportPage), summary="报到列表")
def list_reports(request, filters: Query[ReportFilter], page: Query[PageQuery]):
    qs = queries.reports_for(request.user).select_related("member")
    if filters.community is not None:
        qs = qs.filter(community_id=filters.community)
    if filters.status:
        qs = qs.filter(status=filters.status)
    return page_of(qs.order_by("-reported_on", "id"), page)


@router.post("/reports", response=responses(ReportOut, status=201, errors=WRITE_ERRORS), summary="申请到社区报到")
def create_report(request, payload: ReportIn):
    member = readable_or_404(Member.objects.select_related("org"), request.user, payload.member)
    community = _community(payload.community)
    reports = CommunityReport.objects.select_related("member")
    report = write_in_scope(request.user, reports, lambda: actions.report_request(
        acting_user=request.user, member=member, community=community, kind=payload.kind,
        reported_on=payload.reported_on, note=payload.note))
    return Status(201, report)


def _community(pk: int) -> Organization:
    org = queries.community_orgs().filter(pk=pk).first()
    if org is None:
        raise ValidationError({"community": "只能向村、社区党组织报到"})
    return org


@router.post("/reports/{int:report_id}/decision", response=responses(ReportOut, errors=WRITE_ERRORS),
             summary="接收或不接收报到")
def decide_report(request, report_id: int, payload: DecisionIn):
    report = readable_or_404(CommunityReport.objects.all(), request.user, report_id)
    call = actions.report_accept if payload.accept else actions.report_decline
    return write_in_scope(request.user, CommunityReport.objects.select_related("member"), lambda: call(
        acting_user=request.user, report=report, note=payload.note, expected_version=payload.version),
        pk=report.pk, expected_version=payload.version)


@router.get("/orgs/{int:org_id}/needs", response=responses(list[NeedOut]), summary="社区需求")
def list_needs(request, org_id: int):
    org = _org(request, org_id)
    return list(queries.needs_for(request.user).filter(community=org)[:200])


@router.post("/orgs/{int:org_id}/needs", response=responses(NeedOut, status=201, errors=WRITE_ERRORS),
             summary="发布社区需求")
def create_need(request, org_id: int, payload: NeedIn):
    org = _org(request, org_id)
    need = write_in_scope(request.user, ServiceNeed.objects.all(), lambda: actions.need_post(
        acting_user=request.user, community=org, **payload.model_dump()))
    return Status(201, need)


@router.get("/records", response=responses(RecordPage), summary="服务记录")
def list_records(request, page: Query[PageQuery], report: DbId | None = None, status: RecordStatus | None = None):
    qs = queries.records_for(request.user)
    if report is not None:
        qs = qs.filter(report_id=report)
    if status:
        qs = qs.filter(status=status)
    return page_of(qs.order_by("-served_on", "id"), page)


@router.post("/records", response=responses(RecordOut, status=201, errors=WRITE_ERRORS), summary="登记服务记录")
def create_record(request, payload: RecordIn):
    report = readable_or_404(CommunityReport.objects.all(), request.user, payload.report)
    need = None
    if payload.need is not None:
        need = ServiceNeed.objects.filter(pk=payload.need, community_id=report.community_id).first()
        if need is None:
            raise ValidationError({"need": "只能选择报到社区发布的需求"})
    record = write_in_scope(request.user, ServiceRecord.objects.all(), lambda: actions.record_enter(
        acting_user=request.user, report=report, served_on=payload.served_on, hours=payload.hours,
        what=payload.what, need=need))
    return Status(201, record)


@router.post("/records/{int:record_id}/decision", response=responses(RecordOut, errors=WRITE_ERRORS),
             summary="确认或不予确认服务记录")
def decide_record(request, record_id: int, payload: DecisionIn):
    record = readable_or_404(ServiceRecord.objects.all(), request.user, record_id)
    return write_in_scope(request.user, ServiceRecord.objects.all(), lambda: actions.record_decide(
        acting_user=request.user, record=record, confirm=payload.accept, reason=payload.note,
        expected_version=payload.version), pk=record.pk, expected_version=payload.version)


@router.post("/feedback", response=responses(FeedbackOut, errors=WRITE_ERRORS), summary="社区年度反馈")
def give_feedback(request, payload: FeedbackIn):
    report = readable_or_404(CommunityReport.objects.all(), request.user, payload.report)
    return write_in_scope(request.user, CommunityFeedback.objects.all(), lambda: actions.feedback_give(
        acting_user=request.user, report=report, year=payload.year, rating=payload.rating, comment=payload.comment,
        expected_version=payload.version))
