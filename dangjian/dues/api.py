"""The 党费 API: the same queries and actions as the pages. An id outside the scope is 404, a
refusal of rights 403, a stale version 409, bad input 422 with Chinese messages."""

from __future__ import annotations

import datetime as dt

from ninja import Field as F
from ninja import Query, Router, Schema, Status

from dangjian.apikit import (
    WRITE_ERRORS,
    PageQuery,
    SubtreeYearQuery,
    page_of,
    readable_or_404,
    responses,
    subtree_root,
    write_in_scope,
)
from dangjian.members.models import Member
from dangjian.orgs.models import Organization

from . import actions, queries
from .models import DuesBase, DuesPayment
from .schemas import (
    ArrearsRow,
    BaseIn,
    BaseOut,
    MonthIn,
    MonthOut,
    PaymentIn,
    PaymentOut,
    PaymentPage,
    ReconcileRow,
)

router = Router(tags=["党费"])



class PaymentFilter(Schema):
    org: int | None = F(None, ge=1, description="党组织 id（含下级）")
    member: int | None = F(None, ge=1)
    month: dt.date | None = None


def _member(request, pk: int) -> Member:
    return readable_or_404(Member.objects.select_related("org"), request.user, pk)


@router.get("/reconcile", response=responses(list[ReconcileRow]), summary="党费收缴对账（子树汇总）")
def reconcile(request, scope: Query[SubtreeYearQuery]):
    """该组织及其直接下级，每行含全部下级：应交、实交、收缴率、欠交人数、特殊党费及上缴中央金额。"""
    return queries.reconcile(request.user, subtree_root(request.user, scope.org), scope.year)


@router.get("/arrears", response=responses(list[ArrearsRow]), summary="欠交党费名单")
def arrears(request, org: int | None = None):
    lines = queries.arrears(request.user, subtree_root(request.user, org))
    return [{"member_id": line.member.pk, "name": line.member.name, "org_id": line.member.org_id,
             "months": line.owed, "run": len(line.run), "flagged": line.flagged} for line in lines]


@router.get("/payments", response=responses(PaymentPage), summary="党费交纳记录")
def list_payments(request, filters: Query[PaymentFilter], page: Query[PageQuery]):
    qs = queries.payments_for(request.user)
    if filters.org is not None:
        qs = qs.filter(org__path__startswith=subtree_root(request.user, filters.org).path)
    if filters.member is not None:
        qs = qs.filter(member_id=filters.member)
    if filters.month is not None:
        qs = qs.filter(month=filters.month.replace(day=1))
    return page_of(qs.order_by("month", "member_id", "id"), page)


@router.post("/payments", response=responses(PaymentOut, status=201, errors=WRITE_ERRORS), summary="登记党费交纳")
def create_payment(request, payload: PaymentIn):
    """同一党员同一月份的按月交纳只有一条：已登记时须带 `version`，否则返回 409。"""
    member = _member(request, payload.member)
    fields = payload.model_dump(exclude={"member", "version"})
    payment = write_in_scope(request.user, DuesPayment.objects.all(), lambda: actions.payment_record(
        acting_user=request.user, member=member, expected_version=payload.version, **fields))
    return Status(201, payment)


@router.post("/orgs/{int:org_id}/month", response=responses(MonthOut, errors=WRITE_ERRORS),
             summary="按月登记一个支部的党费")
def record_month(request, org_id: int, payload: MonthIn):
    """一次提交、一个事务：全部行检查通过才保存；某行已被他人登记或修改时返回 409，不保存任何内容。"""
    org = readable_or_404(Organization.objects.all(), request.user, org_id)
    entries = [actions.MonthEntry(member_id=line.member, paid=line.paid, amount=line.amount, method=line.method,
                                  version=line.version, note=line.note) for line in payload.lines]
    return actions.month_record(acting_user=request.user, org=org, month=payload.month, entries=entries,
                                paid_on=payload.paid_on, received_by=payload.received_by)


@router.post("/bases", response=responses(BaseOut, status=201, errors=WRITE_ERRORS), summary="核定党费基数")
def set_base(request, payload: BaseIn):
    member = _member(request, payload.member)
    base = write_in_scope(request.user, DuesBase.objects.all(), lambda: actions.base_set(
        acting_user=request.user, member=member, category=payload.category, base=payload.base,
        effective_from=payload.effective_from, note=payload.note, expected_version=payload.version))
    return Status(201, base)
