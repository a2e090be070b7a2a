"""Writes to members: keyword-only, atomic, taking ``acting_user``; each writes its history."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.dispatch import Signal
from django.utils import timezone

from dangjian.core import crypto
from dangjian.core.errors import AuditedRefusal, VersionConflict
from dangjian.core.history import audited_transaction, diff, record_change
from dangjian.core.idnumbers import mask_id_number, normalise
from dangjian.core.scoping import CHANGE, VIEW, allows, require

from .models import Member, StatusChange, Transfer
from .rules import member_errors, name_error

# Sent inside the action's transaction when a member's status or organisation changes, with the day
# it took effect (``member``, ``since``): organisational life re-checks the meetings from that day on.
membership_changed = Signal()

# Fields a form or the API may set directly; id_number and phone go through the setters.
PLAIN_FIELDS = [
    "name", "gender", "ethnicity", "birth_date", "education", "category", "work_unit", "job_title",
    "joined_on", "confirmed_on", "membership_type", "status", "address", "lost_contact",
    "lost_contact_since", "hardship", "retired", "report_community",
]
SENSITIVE_FIELDS = ["id_number", "phone"]
# The 流动 flag and place follow the outflow and inflow records (mobility's actions set them); no
# form, API call or import writes them, so the flag never says 流出 without a dated record behind it.
FLOW_FIELDS = ("flow_status", "flow_place")
FLOW_READ_ONLY = ("由流动党员管理中的外出、流入登记维护，不能在党员信息中直接修改；"
                  "请到“流动党员”页面登记外出（流出）或流入，结束时登记返回或离开")


def member_snapshot(member: Member) -> dict:
    """Plain, JSON-ready values for history and conflict pages; sensitive values masked."""
    data = {f: _plain(getattr(member, f)) for f in (*PLAIN_FIELDS, *FLOW_FIELDS)}
    data["id_number"] = member.id_number_masked
    data["phone"] = member.phone_masked
    data["org"] = member.org.code if member.org_id else None
    return data


def _plain(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _validate(member: Member, *, id_number: str, phone: str) -> None:
    name_problem = name_error(member.name)
    if name_problem:
        raise ValidationError({"name": name_problem})
    errors = member_errors(
        id_number=id_number,
        birth_date=member.birth_date,
        gender=member.gender,
        joined_on=member.joined_on,
        confirmed_on=member.confirmed_on,
        membership_type=member.membership_type,
        phone=phone,
    )
    if errors:
        raise ValidationError({e.field: e.message for e in errors})


# Said of a number registered outside the user's scope: nothing about where (no organisation, no
# name), and the attempt is audited — a refusal cannot help saying that the number exists somewhere.
ID_TAKEN_ELSEWHERE = "该公民身份号码不能在此登记：请核对号码；如该党员的组织关系在其他党组织，须办理组织关系转接"


def _ensure_unique_id(acting_user, id_number: str, exclude_pk: int | None) -> None:
    # under every key of the ring, as the search does: during a key rotation the other member's row
    # may still be sealed by the old key
    clash = (Member.objects.filter(id_number_index__in=crypto.blind_indexes(id_number)).exclude(pk=exclude_pk)
             .select_related("org").first())
    if clash is None:
        return
    if allows(acting_user, VIEW, clash.org):
        raise ValidationError({"id_number": f"该公民身份号码已登记为党员“{clash.name}”（{clash.org.name}）"})
    masked = mask_id_number(id_number)
    raise AuditedRefusal({"id_number": ID_TAKEN_ELSEWHERE}, actor=acting_user, audit={
        "action": "member_id_elsewhere", "object_type": "members.member", "object_repr": masked,
        "after": {"id_number": masked},
        "note": f"登记或修改党员时填写的公民身份号码 {masked} 已属于管辖范围外的党员，已拒绝"})


def _refuse_flow(changes: dict, current: Member | None) -> None:
    """A 流动 value that differs from the member's (a new member has none) is refused, naming the
    field; sending back the value it already has (a client echoing what it read) is fine."""
    errors = {f: f"“{Member._meta.get_field(f).verbose_name}”{FLOW_READ_ONLY}" for f in FLOW_FIELDS
              if (changes.get(f) or "") != (getattr(current, f) if current is not None else "")}
    if errors:
        raise ValidationError(errors)


@audited_transaction()
def member_create(*, acting_user, org, id_number: str, phone: str = "", **fields) -> Member:
    require(acting_user, CHANGE, org, message="无权在该党组织登记党员")
    _refuse_flow(fields, None)
    member = Member(org=org, **{k: v for k, v in fields.items() if k in PLAIN_FIELDS})
    id_number = normalise(id_number)
    _validate(member, id_number=id_number, phone=phone)
    member.set_id_number(id_number)
    member.set_phone(phone)
    _ensure_unique_id(acting_user, id_number, None)
    member.save()
    record_change(actor=acting_user, action="member_create", obj=member, after=member_snapshot(member))
    return member


def _effective_on(value: dt.date | None) -> dt.date:
    today = timezone.localdate()
    if value is not None and value > today:
        raise ValidationError({"status_effective_on": f"党籍状态变更生效日期 {value:%Y-%m-%d} 晚于今天"})
    return value or today


@audited_transaction()
def member_update(*, acting_user, member: Member, expected_version: int | None = None,
                  status_effective_on: dt.date | None = None, **changes) -> Member:
    """Apply ``changes``; ``expected_version`` is the version the user loaded. A different current
    version means someone else saved in between: raise a conflict rather than overwrite. A change
    of status is dated ``status_effective_on`` (today when not given)."""
    locked = Member.objects.select_for_update().select_related("org").get(pk=member.pk)
    require(acting_user, CHANGE, locked.org, message="无权修改该党员")
    if expected_version is not None and locked.version != expected_version:
        raise VersionConflict(
            "该党员信息已被他人修改，请核对后重新提交",
            current=member_snapshot(locked),
            submitted={k: _plain(v) for k, v in changes.items()},
        )
    _refuse_flow({f: changes.get(f, getattr(locked, f)) for f in FLOW_FIELDS}, locked)
    before = member_snapshot(locked)
    for key in PLAIN_FIELDS:
        if key in changes:
            setattr(locked, key, changes[key])
    id_number = normalise(changes["id_number"]) if changes.get("id_number") else locked.reveal_id_number()
    phone = changes["phone"] if "phone" in changes else locked.reveal_phone()
    _validate(locked, id_number=id_number, phone=phone or "")
    if changes.get("id_number"):
        locked.set_id_number(id_number)
        _ensure_unique_id(acting_user, id_number, locked.pk)
    if "phone" in changes:
        locked.set_phone(phone or "")
    old, new = diff(before, member_snapshot(locked))
    if not new:
        return locked
    locked.version += 1
    locked.save()
    if "status" in new:
        since = _effective_on(status_effective_on)
        StatusChange.objects.create(member=locked, status_from=old["status"], status_to=new["status"],
                                    effective_on=since)
        new["status_effective_on"] = since.isoformat()
    record_change(actor=acting_user, action="member_update", obj=locked, before=old, after=new)
    if "status" in new:
        membership_changed.send(sender=Member, member=locked, since=since)
    return locked


@audited_transaction()
def member_transfer(*, acting_user, member: Member, to_org, transferred_on: dt.date, reason: str = "") -> Transfer:
    """组织关系转接. Both ends must lie in the acting user's scope: a move between two branches is
    made by someone who holds both (the common superior), so no one moves a record out of reach."""
    locked = Member.objects.select_for_update().select_related("org").get(pk=member.pk)
    require(acting_user, CHANGE, locked.org, message="无权转出该党员")
    require(acting_user, CHANGE, to_org, message="无权转入该党组织")
    if to_org.pk == locked.org_id:
        raise ValidationError({"to_org": "转入党组织与当前党组织相同"})
    transfer = Transfer.objects.create(
        member=locked, from_org=locked.org, to_org=to_org, transferred_on=transferred_on, reason=reason
    )
    before = {"org": locked.org.code}
    locked.org = to_org
    locked.version += 1
    locked.save(update_fields=["org", "version", "updated_at"])
    record_change(
        actor=acting_user, action="member_transfer", obj=locked, before=before,
        after={"org": to_org.code, "transferred_on": transferred_on.isoformat()}, note=reason,
    )
    membership_changed.send(sender=Member, member=locked, since=transferred_on)
    return transfer
