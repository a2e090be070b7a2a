"""The 流动党员 API: the same queries and actions as the pages. An id outside the scope is 404, a
refusal of rights 403, a stale version 409, bad input 422 with Chinese messages."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone
from ninja import Field as F
from ninja import Query, Router, Schema, Status

from dangjian.apikit import (
    WRITE_ERRORS,
    PageQuery,
    page_of,
    readable_or_404,
    responses,
    subtree_root,
    write_in_scope,
)
from dangjian.members.models import Member
from dangjian.orgs.models import Organization

from . import actions, queries
from .choices import OPEN, InflowStatus
from .models import ActivityCard, FlowReport, Inflow, Outflow
from .schemas import (
    CardIn,
    CardOut,
    InflowIn,
    InflowOut,
    InflowPage,
    OutflowClose,
    OutflowIn,
    OutflowOut,
    OutflowPage,
    OutflowUpdate,
    ReportIn,
    ReportOut,
    SummaryRow,
)

router = Router(tags=["流动党员"])


class ListFilter(Schema):
    org: int | None = F(None, ge=1, description="党组织 id（含下级）")
    open: bool | None = F(None, description="true：只看外出中和失联的；false：只看已结束的")


def _root(request, org_id: int | None) -> Organization:
    return subtree_root(request.user, org_id)


def _outflow(request, pk: int) -> Outflow:
    return readable_or_404(Outflow.objects.select_related("org"), request.user, pk)


def _org_or_none(request, pk: int | None):
    return readable_or_404(Organization.objects.all(), request.user, pk) if pk is not None else None


@router.get("/summary", response=responses(list[SummaryRow]), summary="流动党员汇总（子树）")
def summary(request, org: int | None = None):
    """该组织及其直接下级，每行含全部下级。"""
    rows = queries.summary(request.user, _root(request, org), timezone.localdate())
    return [{"org_id": r.org.pk, "org_name": r.org.name, **r.counts, "report_overdue": r.report_overdue,
             "transfer_due": r.transfer_due, "silent": r.silent, "card_expiring": r.card_expiring,
             "card_expired": r.card_expired, "inflows": r.inflows, "suggestions": r.suggestions} for r in rows]


def _listed(request, qs, filters: ListFilter, page: PageQuery, open_q: Q, order: str):
    if filters.org is not None:
        qs = qs.filter(org__path__startswith=_root(request, filters.org).path)
    if filters.open is not None:
        qs = qs.filter(open_q) if filters.open else qs.exclude(open_q)
    return page_of(qs.order_by(order, "id"), page)


@router.get("/outflows", response=responses(OutflowPage), summary="流出党员登记")
def list_outflows(request, filters: Query[ListFilter], page: Query[PageQuery]):
    return _listed(request, queries.outflows_for(request.user), filters, page, Q(status__in=OPEN), "-left_on")


@router.post("/outflows", response=responses(OutflowOut, status=201, errors=WRITE_ERRORS), summary="登记党员外出")
def create_outflow(request, payload: OutflowIn):
    member = readable_or_404(Member.objects.select_related("org"), request.user, payload.member)
    fields = payload.model_dump(exclude={"member", "receiving_org"})
    outflow = write_in_scope(request.user, Outflow.objects.all(), lambda: actions.outflow_open(
        acting_user=request.user, member=member, receiving_org=_org_or_none(request, payload.receiving_org),
        **fields))
    return Status(201, outflow)


@router.put("/outflows/{int:pk}", response=responses(OutflowOut, errors=WRITE_ERRORS), summary="修改外出登记")
def update_outflow(request, pk: int, payload: OutflowUpdate):
    outflow = _outflow(request, pk)
    fields = payload.model_dump(exclude={"member", "receiving_org", "version"})
    return write_in_scope(request.user, Outflow.objects.all(), lambda: actions.outflow_update(
        acting_user=request.user, outflow=outflow, expected_version=payload.version,
        receiving_org=_org_or_none(request, payload.receiving_org), **fields), pk=pk)


@router.post("/outflows/{int:pk}/close", response=responses(OutflowOut, errors=WRITE_ERRORS),
             summary="结束外出（已返回、已转接）或标记失联")
def close_outflow(request, pk: int, payload: OutflowClose):
    outflow = _outflow(request, pk)
    return write_in_scope(request.user, Outflow.objects.all(), lambda: actions.outflow_close(
        acting_user=request.user, outflow=outflow, status=payload.status, on=payload.on, note=payload.note,
        expected_version=payload.version), pk=pk)


@router.get("/outflows/{int:pk}/reports", response=responses(list[ReportOut]), summary="报告与联系记录")
def list_reports(request, pk: int):
    return list(queries.reports_for(request.user).filter(outflow=_outflow(request, pk)))


@router.post("/outflows/{int:pk}/reports", response=responses(ReportOut, status=201, errors=WRITE_ERRORS),
             summary="登记流动党员报告")
def create_report(request, pk: int, payload: ReportIn):
    outflow = _outflow(request, pk)
    report = write_in_scope(request.user, FlowReport.objects.all(), lambda: actions.report_file(
        acting_user=request.user, outflow=outflow, **payload.model_dump()))
    return Status(201, report)


@router.post("/outflows/{int:pk}/cards", response=responses(CardOut, status=201, errors=WRITE_ERRORS),
             summary="登记流动党员活动证")
def create_card(request, pk: int, payload: CardIn):
    outflow = _outflow(request, pk)
    card = write_in_scope(request.user, ActivityCard.objects.all(), lambda: actions.card_issue(
        acting_user=request.user, outflow=outflow, **payload.model_dump()))
    return Status(201, card)


@router.get("/inflows", response=responses(InflowPage), summary="流入党员登记")
def list_inflows(request, filters: Query[ListFilter], page: Query[PageQuery]):
    return _listed(request, queries.inflows_for(request.user), filters, page, Q(status=InflowStatus.ACTIVE),
                   "-arrived_on")


@router.post("/inflows", response=responses(InflowOut, status=201, errors=WRITE_ERRORS), summary="登记流入党员")
def create_inflow(request, payload: InflowIn):
    org = readable_or_404(Organization.objects.all(), request.user, payload.org)
    member = (readable_or_404(Member.objects.all(), request.user, payload.member)
              if payload.member is not None else None)
    inflow = write_in_scope(request.user, Inflow.objects.all(), lambda: actions.inflow_register(
        acting_user=request.user, org=org, member=member, **payload.model_dump(exclude={"org", "member"})))
    return Status(201, inflow)
