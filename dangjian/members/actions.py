"""Writes to members: keyword-only, atomic, taking ``acting_user``; each writes its history."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from dangjian.core import crypto
from dangjian.core.errors import VersionConflict
from dangjian.core.history import diff, record_change
from dangjian.core.idnumbers import normalise
from dangjian.core.scoping import CHANGE, require

from .models import Member, Transfer
from .rules import member_errors

# Fields a form or the API may set directly; id_number and phone go through the setters.
PLAIN_FIELDS = [
    "name", "gender", "ethnicity", "birth_date", "education", "category", "work_unit", "job_title",
    "joined_on", "confirmed_on", "membership_type", "status", "address", "lost_contact",
    "lost_contact_since", "flow_status", "flow_place", "hardship", "retired", "report_community",
]
SENSITIVE_FIELDS = ["id_number", "phone"]


def member_snapshot(member: Member) -> dict:
    """Plain, JSON-ready values for history and conflict pages; sensitive values masked."""
    data = {f: _plain(getattr(member, f)) for f in PLAIN_FIELDS}
    data["id_number"] = member.id_number_masked
    data["phone"] = member.phone_masked
    data["org"] = member.org.code if member.org_id else None
    return data


def _plain(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _validate(member: Member, *, id_number: str, phone: str) -> None:
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


def _ensure_unique_id(id_number: str, exclude_pk: int | None) -> None:
    # under every key of the ring, as the search does: during a key rotation the other member's row
    # may still be sealed by the old key
    clash = Member.objects.filter(id_number_index__in=crypto.blind_indexes(id_number)).exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError({"id_number": "该公民身份号码已登记为其他党员"})


@transaction.atomic
def member_create(*, acting_user, org, id_number: str, phone: str = "", **fields) -> Member:
    require(acting_user, CHANGE, org, message="无权在该党组织登记党员")
    member = Member(org=org, **{k: v for k, v in fields.items() if k in PLAIN_FIELDS})
    id_number = normalise(id_number)
    _validate(member, id_number=id_number, phone=phone)
    member.set_id_number(id_number)
    member.set_phone(phone)
    _ensure_unique_id(id_number, None)
    member.save()
    record_change(actor=acting_user, action="member_create", obj=member, after=member_snapshot(member))
    return member


@transaction.atomic
def member_update(*, acting_user, member: Member, expected_version: int | None = None, **changes) -> Member:
    """Apply ``changes``; ``expected_version`` is the version the user loaded. A different current
    version means someone else saved in between: raise a conflict rather than overwrite."""
    locked = Member.objects.select_for_update().select_related("org").get(pk=member.pk)
    require(acting_user, CHANGE, locked.org, message="无权修改该党员")
    if expected_version is not None and locked.version != expected_version:
        raise VersionConflict(
            "该党员信息已被他人修改，请核对后重新提交",
            current=member_snapshot(locked),
            submitted={k: _plain(v) for k, v in changes.items()},
        )
    before = member_snapshot(locked)
    for key in PLAIN_FIELDS:
        if key in changes:
            setattr(locked, key, changes[key])
    id_number = normalise(changes["id_number"]) if changes.get("id_number") else locked.reveal_id_number()
    phone = changes["phone"] if "phone" in changes else locked.reveal_phone()
    _validate(locked, id_number=id_number, phone=phone or "")
    if changes.get("id_number"):
        locked.set_id_number(id_number)
        _ensure_unique_id(id_number, locked.pk)
    if "phone" in changes:
        locked.set_phone(phone or "")
    old, new = diff(before, member_snapshot(locked))
    if not new:
        return locked
    locked.version += 1
    locked.save()
    record_change(actor=acting_user, action="member_update", obj=locked, before=old, after=new)
    return locked


@transaction.atomic
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
    return transfer
