"""Writes of 党费: keyword-only, atomic (``audited_transaction``), ``acting_user`` first; scope is
checked with ``require``, the rules decide, every change is recorded with ``record_change``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import timezone

from dangjian.core.actors import user_or_none
from dangjian.core.errors import VersionConflict
from dangjian.core.history import (
    audited_transaction,
    change_record,
    diff,
    record_change,
    record_changes,
    save_edit,
)
from dangjian.core.scoping import CHANGE, require
from dangjian.members.choices import PartyStatus
from dangjian.members.models import Member

from . import queries, rules
from .choices import CONSENTED_METHODS, ArrangementKind, PaymentKind, PaymentMethod, ReliefKind
from .models import DuesArrangement, DuesBase, DuesPayment, DuesRelief

MONEY_LIMIT = Decimal("1000000")


def _money(value, field: str, *, allow_zero: bool = False) -> Decimal:
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, TypeError):
        raise ValidationError({field: "请填写金额（元），例如 12.50"}) from None
    if not amount.is_finite() or amount < 0 or (amount == 0 and not allow_zero):
        raise ValidationError({field: "金额须大于 0" if not allow_zero else "金额不能为负数"})
    if amount != amount.quantize(rules.FEN):
        raise ValidationError({field: "金额最多两位小数（到分）"})
    if amount > MONEY_LIMIT:
        raise ValidationError({field: "金额超出合理范围"})
    return amount


def _month(value: dt.date, field: str = "month") -> dt.date:
    if not isinstance(value, dt.date):
        raise ValidationError({field: "请填写月份（YYYY-MM）"})
    return rules.month_start(value)


def base_snapshot(base: DuesBase) -> dict:
    return {"category": base.category, "base": str(base.base) if base.base is not None else None,
            "monthly_amount": str(base.monthly_amount), "rule_version": base.rule_version,
            "effective_from": base.effective_from.isoformat(), "note": base.note}


def payment_snapshot(payment: DuesPayment) -> dict:
    return {"kind": payment.kind, "month": payment.month.isoformat(), "amount": str(payment.amount),
            "paid_on": payment.paid_on.isoformat(), "received_by": payment.received_by, "method": payment.method,
            "note": payment.note}


def assess(category: str, base: Decimal | None, effective_from: dt.date) -> rules.Assessment:
    """The rules' amount, or a ValidationError on the fields at fault."""
    rule_set = rules.rule_set_for(effective_from)
    errors = rules.base_errors(category, base, rule_set)
    if errors:
        raise ValidationError({"category" if "类别" in errors[0] else "base": errors[0]})
    return rules.monthly_amount(category, base, rule_set)


def _edit(current, fields: dict, *, snapshot, expected_version: int | None, message: str, acting_user,
          action: str, note: str = ""):
    """Apply ``fields`` to the locked row ``current`` only at the version the user saw (a missing
    version is stale too); bump the version and record the change when something changed."""
    if current.version != expected_version:
        raise VersionConflict(message, current={**snapshot(current), "version": current.version},
                              submitted={**{k: str(v) for k, v in fields.items()}, "version": expected_version})
    save_edit(current, fields, snapshot=snapshot, acting_user=acting_user, action=action, note=note)
    return current


# -- bases ---------------------------------------------------------------------------------------


@audited_transaction()
def base_set(*, acting_user, member: Member, category: str, base: Decimal | None, effective_from: dt.date,
             note: str = "", expected_version: int | None = None) -> DuesBase:
    """Record ``member``'s base and category from ``effective_from`` (the month the new pay is first
    paid). The same month again edits that base, only with the version the user saw."""
    require(acting_user, CHANGE, member.org, message="无权为该党员核定党费基数")
    month = _month(effective_from, "effective_from")
    if base is not None:
        base = _money(base, "base", allow_zero=True)
    assessment = assess(category, base, month)
    fields = {"category": category, "base": base, "monthly_amount": assessment.amount,
              "rule_version": assessment.version, "note": (note or "").strip()[:200]}
    current = DuesBase.objects.select_for_update().filter(member=member, effective_from=month).first()
    if current is None:
        if expected_version is not None:
            raise VersionConflict("该月的党费基数已被他人删除，请刷新后重新填写", current={},
                                  submitted={**fields, "version": expected_version})
        created = DuesBase.objects.create(member=member, effective_from=month, **fields)
        record_change(actor=acting_user, action="dues_base_set", obj=created, after=base_snapshot(created),
                      note=assessment.reason)
        return created
    return _edit(current, fields, snapshot=base_snapshot, expected_version=expected_version,
                 message="该月已核定党费基数，或已被他人修改，请核对后重新提交", acting_user=acting_user,
                 action="dues_base_set", note=assessment.reason)


# -- reductions and exemptions, consent ---------------------------------------------------------------


@audited_transaction()
def relief_grant(*, acting_user, member: Member, kind: str, from_month: dt.date, until_month: dt.date | None,
                 reason: str, approved_by_org, approval_ref: str, approved_on: dt.date,
                 monthly_amount: Decimal | None = None) -> DuesRelief:
    """A reduction or exemption, recorded with the approval of an organisation above the member's own
    (减免须报上级批准): the approving organisation must be a strict ancestor, and the acting user must
    be able to act for it."""
    if kind not in ReliefKind.values:
        raise ValidationError({"kind": "类型应为减交或免交"})
    org = member.org
    if not (org.path.startswith(approved_by_org.path) and approved_by_org.path != org.path):
        raise ValidationError({"approved_by_org": "减免须由党员所在党组织的上级党组织批准"})
    require(acting_user, CHANGE, approved_by_org, message="减免须由上级党组织登记批准，您无权代表该上级党组织")
    start = _month(from_month, "from_month")
    until = _month(until_month, "until_month") if until_month else None
    if until is not None and until < start:
        raise ValidationError({"until_month": "截止月份不能早于起始月份"})
    amount = rules.ZERO
    if kind == ReliefKind.REDUCE:
        amount = _money(monthly_amount if monthly_amount is not None else "", "monthly_amount")
    if not (reason or "").strip():
        raise ValidationError({"reason": "请填写减免原因"})
    if not (approval_ref or "").strip():
        raise ValidationError({"approval_ref": "请填写上级批准的文号或记录"})
    relief = DuesRelief.objects.create(
        member=member, kind=kind, monthly_amount=amount, from_month=start, until_month=until,
        reason=reason.strip()[:200], approved_by_org=approved_by_org, approval_ref=approval_ref.strip()[:100],
        approved_on=approved_on, recorded_by=user_or_none(acting_user))
    record_change(actor=acting_user, action="dues_relief", obj=relief, after={
        "kind": kind, "monthly_amount": str(amount), "from_month": start.isoformat(),
        "until_month": until.isoformat() if until else None, "approved_by_org": approved_by_org.code,
        "approval_ref": relief.approval_ref})
    return relief


@audited_transaction()
def arrangement_record(*, acting_user, member: Member, kind: str, consented_on: dt.date, consent_record: str,
                       proxy_name: str = "", until: dt.date | None = None) -> DuesArrangement:
    """The branch's consent to quarterly or proxy payment (按季度交纳或委托代交须经支部同意)."""
    require(acting_user, CHANGE, member.org, message="无权登记该党员的交纳方式")
    if kind not in ArrangementKind.values:
        raise ValidationError({"kind": "方式应为按季度交纳或委托代交"})
    if not (consent_record or "").strip():
        raise ValidationError({"consent_record": "请填写支部同意的记录（如支委会日期）"})
    if kind == ArrangementKind.PROXY and not (proxy_name or "").strip():
        raise ValidationError({"proxy_name": "委托代交须填写代交人"})
    arrangement = DuesArrangement.objects.create(
        member=member, kind=kind, consented_on=consented_on, consent_record=consent_record.strip()[:200],
        proxy_name=(proxy_name or "").strip()[:50], until=until, recorded_by=user_or_none(acting_user))
    record_change(actor=acting_user, action="dues_arrangement", obj=arrangement, after={
        "kind": kind, "consented_on": consented_on.isoformat(), "consent_record": arrangement.consent_record,
        "proxy_name": arrangement.proxy_name})
    return arrangement


# -- payments --------------------------------------------------------------------------------------


def _check_method(member: Member, method: str, paid_on: dt.date, consents: set | None = None) -> None:
    """``consents``: the (member, kind) pairs in force, read once for a branch's month; without it the
    one member's consent is looked up."""
    if method not in PaymentMethod.values:
        raise ValidationError({"method": "交纳方式不是可选值"})
    needed = CONSENTED_METHODS.get(method)
    if not needed:
        return
    if (consents is not None and (member.pk, needed) not in consents) or (
            consents is None and queries.consent_for(member, needed, paid_on) is None):
        raise ValidationError({"method": f"{member.name}：{PaymentMethod(method).label}须先登记支部同意"})


def _check_payment(member: Member, *, kind: str, month: dt.date, paid_on: dt.date, received_by: str,
                   today: dt.date) -> None:
    if kind not in PaymentKind.values:
        raise ValidationError({"kind": "类型不是可选值"})
    if member.status != PartyStatus.NORMAL:
        raise ValidationError({"member": f"{member.name}的党籍状态为{member.get_status_display()}，不交纳党费"})
    if kind == PaymentKind.REGULAR and month < rules.first_due_month(member.joined_on):
        raise ValidationError({"month": f"{member.name}于 {member.joined_on:%Y-%m-%d} 入党，此前的月份无须交纳"})
    if paid_on > today:
        raise ValidationError({"paid_on": "交纳日期不能晚于今天"})
    if kind == PaymentKind.REGULAR and paid_on < month and rules.months_between(paid_on, month) > 12:
        raise ValidationError({"paid_on": "预交不能超过 12 个月"})
    if not (received_by or "").strip():
        raise ValidationError({"received_by": "请填写收款人"})


@audited_transaction()
def payment_record(*, acting_user, member: Member, month: dt.date, amount, paid_on: dt.date, received_by: str,
                   method: str = PaymentMethod.CASH, kind: str = PaymentKind.REGULAR, note: str = "",
                   expected_version: int | None = None, today: dt.date | None = None) -> DuesPayment:
    """One payment. A month's regular dues are one row per member: recording the same month again
    edits it, and only with the version the user saw."""
    require(acting_user, CHANGE, member.org, message="无权为该党员登记党费")
    month = _month(month)
    amount = _money(amount, "amount")
    _check_payment(member, kind=kind, month=month, paid_on=paid_on, received_by=received_by,
                   today=today or timezone.localdate())
    _check_method(member, method, paid_on)
    fields = {"amount": amount, "paid_on": paid_on, "received_by": received_by.strip()[:50], "method": method,
              "note": (note or "").strip()[:200]}
    current = None
    if kind == PaymentKind.REGULAR:
        current = DuesPayment.objects.select_for_update().filter(member=member, month=month, kind=kind).first()
    if current is None:
        if expected_version is not None:
            raise VersionConflict("该月的交纳记录已被他人删除", current={}, submitted={"version": expected_version})
        payment = DuesPayment.objects.create(member=member, org=member.org, kind=kind, month=month,
                                             expected=queries.expected_for(member, month),
                                             recorded_by=user_or_none(acting_user), **fields)
        record_change(actor=acting_user, action="dues_payment", obj=payment, after=payment_snapshot(payment))
        return payment
    return _edit(current, fields, snapshot=payment_snapshot, expected_version=expected_version,
                 message=f"{member.name} {month:%Y-%m} 的党费已由他人登记，请刷新后核对", acting_user=acting_user,
                 action="dues_payment_update")


@audited_transaction()
def payment_delete(*, acting_user, payment: DuesPayment, expected_version: int) -> None:
    locked = DuesPayment.objects.select_for_update().select_related("org").get(pk=payment.pk)
    require(acting_user, CHANGE, locked.org, message="无权删除该交纳记录")
    if locked.version != expected_version:
        raise VersionConflict("该交纳记录已被他人修改，请刷新后重新操作",
                              current={**payment_snapshot(locked), "version": locked.version},
                              submitted={"version": expected_version})
    record_change(actor=acting_user, action="dues_payment_delete", obj=locked, before=payment_snapshot(locked))
    locked.delete()


@dataclass
class MonthEntry:
    """One line of the branch's month screen: paid or not, how much, how; ``version`` is the version
    of the payment the screen showed (None when it showed none)."""

    member_id: int
    paid: bool
    amount: object = None
    method: str = PaymentMethod.CASH
    version: int | None = None
    note: str = ""


@audited_transaction()
def month_record(*, acting_user, org, month: dt.date, entries: list[MonthEntry], paid_on: dt.date,
                 received_by: str, today: dt.date | None = None) -> dict:
    """A branch's month in one transaction: every line is checked first (errors name the member), then
    new payments are inserted together, changed ones updated, unticked ones removed. A line whose
    payment changed since the screen was loaded is a conflict: nothing is saved."""
    require(acting_user, CHANGE, org, message="无权登记该党组织的党费")
    month = _month(month)
    today = today or timezone.localdate()
    members = {m.pk: m for m in Member.objects.filter(org=org, pk__in=[e.member_id for e in entries])
               .select_related("org")}
    current = {p.member_id: p for p in DuesPayment.objects.select_for_update()
               .filter(member_id__in=list(members), month=month, kind=PaymentKind.REGULAR)}
    for payment in current.values():
        payment.member = members[payment.member_id]  # its audit record names the member: no query each
    expected = queries.expected_in([m for m in members.values() if m.status == PartyStatus.NORMAL], month)
    consents = queries.consented([e.member_id for e in entries if e.paid and e.method in CONSENTED_METHODS], paid_on)
    errors, conflicts = [], []
    creates, updates, deletes = [], [], []
    for entry in entries:
        member = members.get(entry.member_id)
        if member is None:
            errors.append(f"党员编号 {entry.member_id} 不在{org.display_name}")
            continue
        existing = current.get(member.pk)
        if (existing.version if existing else None) != entry.version:
            conflicts.append(member.name)
            continue
        if not entry.paid:
            if existing is not None:
                deletes.append(existing)
            continue
        try:
            amount = _money(entry.amount, "amount")
            _check_payment(member, kind=PaymentKind.REGULAR, month=month, paid_on=paid_on, received_by=received_by,
                           today=today)
            _check_method(member, entry.method, paid_on, consents)
        except ValidationError as exc:
            errors.append(f"{member.name}：{'；'.join(exc.messages)}")
            continue
        fields = {"amount": amount, "paid_on": paid_on, "received_by": received_by.strip()[:50],
                  "method": entry.method, "note": (entry.note or "").strip()[:200]}
        if existing is None:
            creates.append(DuesPayment(member=member, org=org, kind=PaymentKind.REGULAR, month=month,
                                       expected=expected.get(member.pk), recorded_by=user_or_none(acting_user),
                                       **fields))
        else:
            before = payment_snapshot(existing)
            for key, value in fields.items():
                setattr(existing, key, value)
            old, new = diff(before, payment_snapshot(existing))
            if new:
                existing.version += 1
                existing.updated_at = timezone.now()
                updates.append((existing, old, new))
    if conflicts:
        raise VersionConflict(f"以下党员的 {month:%Y-%m} 党费已由他人登记或修改：{'、'.join(conflicts)}，请刷新后核对",
                              current={"members": conflicts}, submitted={"month": month.isoformat()})
    if errors:
        raise ValidationError(errors)
    DuesPayment.objects.bulk_create(creates)
    if updates:
        DuesPayment.objects.bulk_update([u[0] for u in updates], ["amount", "paid_on", "received_by", "method",
                                                                  "note", "version", "updated_at"])
    records = [change_record(actor=acting_user, action="dues_payment", obj=p, after=payment_snapshot(p),
                             note="按月登记") for p in creates]
    records += [change_record(actor=acting_user, action="dues_payment_update", obj=p, before=old, after=new,
                              note="按月登记") for p, old, new in updates]
    records += [change_record(actor=acting_user, action="dues_payment_delete", obj=p, before=payment_snapshot(p),
                              note="按月登记：取消") for p in deletes]
    if deletes:
        DuesPayment.objects.filter(pk__in=[p.pk for p in deletes]).delete()
    record_changes(records)
    return {"created": len(creates), "updated": len(updates), "deleted": len(deletes)}
