"""A member's own record: the reveal of their own numbers and their correction requests (PIPL 查阅、
更正权). Keyword-only, atomic, taking ``acting_user``; each writes its audit record."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone

from dangjian.core.actors import check_actor, user_or_none
from dangjian.core.errors import ActionDenied
from dangjian.core.history import audited_transaction, record_change
from dangjian.core.idnumbers import birth_date_of, gender_of
from dangjian.core.scoping import CHANGE, require

from .. import feeds
from ..actions import member_update
from ..choices import CorrectionStatus
from ..models import CorrectionRequest, Member
from ..queries import member_of
from . import corrections


def _locked_member(member: Member) -> Member:
    return Member.objects.select_for_update().select_related("org").get(pk=member.pk)


def own_member(user) -> Member:
    check_actor(user)
    member = member_of(user)
    if member is None:
        raise ActionDenied("您的账号未关联党员信息")
    return member


def member_self_reveal(*, acting_user) -> dict:
    """The member's own full ID number and phone; logged like any reveal."""
    member = own_member(acting_user)
    record_change(actor=acting_user, action="member_reveal", obj=member,
                  note="本人查看自己的完整公民身份号码和手机号码")
    return {"id_number": member.reveal_id_number(), "phone": member.reveal_phone()}


def current_text(member: Member, spec: corrections.FieldSpec) -> str:
    if spec.kind == corrections.ID_NUMBER:
        return member.reveal_id_number()
    if spec.kind == corrections.PHONE:
        return member.reveal_phone()
    return corrections.canonical(spec, getattr(member, spec.name))


def current_display(member: Member, spec: corrections.FieldSpec) -> str:
    if spec.kind == corrections.ID_NUMBER:
        return member.id_number_masked
    if spec.kind == corrections.PHONE:
        return member.phone_masked or "（空）"
    return corrections.display(spec, current_text(member, spec))


@audited_transaction()
def correction_submit(*, acting_user, field: str, proposed, reason: str) -> CorrectionRequest:
    """File a request to correct one item of the acting user's own record. One pending request per
    item: a second waits until the first is decided."""
    member = _locked_member(own_member(acting_user))
    spec = corrections.FIELDS.get(field)
    if spec is None:
        raise ValidationError({"field": "该项目不能申请更正"})
    text = corrections.canonical(spec, proposed)
    problem = corrections.proposal_error(spec, text, current=current_text(member, spec),
                                         today=timezone.localdate())
    if problem:
        raise ValidationError({"proposed": problem})
    if not reason.strip():
        raise ValidationError({"reason": "请说明更正理由"})
    if member.corrections.filter(field=field, status=CorrectionStatus.PENDING).exists():
        raise ValidationError({"field": f"{spec.label}已有待处理的更正申请，请等待处理结果"})
    request = CorrectionRequest(member=member, field=field, current_display=current_display(member, spec),
                                reason=reason.strip()[:500], requested_by=acting_user)
    request.set_proposed(text, sensitive=spec.sensitive, display=corrections.display(spec, text))
    request.save()
    record_change(actor=acting_user, action="correction_request", obj=request, after={
        "member": member.pk, "field": field, "current": request.current_display,
        "proposed": request.proposed_display}, note=request.reason)
    feeds.correction_filed(request)
    return request


@audited_transaction()
def correction_withdraw(*, acting_user, request: CorrectionRequest) -> CorrectionRequest:
    """The member takes back their own pending request (a mistyped value, say) to file it anew."""
    locked = CorrectionRequest.objects.select_for_update().select_related("member").get(pk=request.pk)
    check_actor(acting_user)
    if locked.member.user_id is None or locked.member.user_id != acting_user.pk:
        raise ActionDenied("只能撤回本人的更正申请")
    if locked.status != CorrectionStatus.PENDING:
        raise ValidationError("该申请已处理，不能撤回")
    _decide(locked, acting_user, CorrectionStatus.WITHDRAWN, "")
    return locked


def _locked_pending(request: CorrectionRequest, acting_user) -> CorrectionRequest:
    locked = CorrectionRequest.objects.select_for_update().get(pk=request.pk)
    member = Member.objects.select_related("org").get(pk=locked.member_id)
    locked.member = member
    require(acting_user, CHANGE, member.org, message="无权处理该党员的更正申请")
    if member.user_id is not None and member.user_id == acting_user.pk:
        raise ActionDenied("不能处理本人提出的更正申请")
    if locked.status != CorrectionStatus.PENDING:
        raise ValidationError("该申请已处理，不能重复处理")
    return locked


def _decide(locked: CorrectionRequest, acting_user, status: str, note: str) -> None:
    locked.status = status
    locked.decided_by = user_or_none(acting_user)
    locked.decided_at = timezone.now()
    locked.decision_note = note.strip()[:500]
    locked.proposed_encrypted = ""  # decided: the proposed number has no further purpose
    locked.save()
    record_change(actor=acting_user, action=f"correction_{status}", obj=locked,
                  before={"status": CorrectionStatus.PENDING},
                  after={"status": status, "field": locked.field, "proposed": locked.proposed_display},
                  note=locked.decision_note)
    feeds.correction_decided(locked)


@audited_transaction()
def correction_accept(*, acting_user, request: CorrectionRequest, expected_version: int | None = None,
                      note: str = "") -> CorrectionRequest:
    """Apply the proposed value through the member edit action (same checks, version and history).
    A corrected ID number brings the birth date and gender it encodes: the number is authoritative."""
    locked = _locked_pending(request, acting_user)
    spec = corrections.FIELDS[locked.field]
    text = locked.reveal_proposed()
    changes = {spec.name: corrections.to_python(spec, text)}
    if spec.kind == corrections.ID_NUMBER:
        changes.update(birth_date=birth_date_of(text), gender=gender_of(text))
    member_update(acting_user=acting_user, member=locked.member, expected_version=expected_version, **changes)
    _decide(locked, acting_user, CorrectionStatus.ACCEPTED, note)
    return locked


@audited_transaction()
def correction_reject(*, acting_user, request: CorrectionRequest, note: str) -> CorrectionRequest:
    locked = _locked_pending(request, acting_user)
    if not note.strip():
        raise ValidationError({"note": "请填写不予更正的理由"})
    _decide(locked, acting_user, CorrectionStatus.REJECTED, note)
    return locked
