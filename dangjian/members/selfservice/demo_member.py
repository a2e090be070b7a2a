"""The demo's plain member: a login linked to one member of the secretary's branch, with one pending
correction request so the secretary has something to decide."""

from __future__ import annotations

from dangjian.core.actors import SYSTEM

from ..choices import CorrectionStatus, Education, PartyStatus
from ..models import Member
from .actions import correction_submit
from .member_accounts import member_account_link


def demo_member(branch) -> Member | None:
    """A member of ``branch`` holding no committee post (first by id, so reruns pick the same one)."""
    return (Member.objects.filter(org=branch, status=PartyStatus.NORMAL, committee_posts__isnull=True)
            .order_by("id").first())


def link_demo_member(user, member: Member) -> None:
    Member.objects.filter(user=user).exclude(pk=member.pk).update(user=None)
    if member.user_id != user.pk:
        Member.objects.filter(pk=member.pk).update(user=None)
        member_account_link(acting_user=SYSTEM, member=member, username=user.get_username())
    if not member.corrections.filter(status=CorrectionStatus.PENDING).exists():
        wanted = Education.UNIVERSITY if member.education != Education.UNIVERSITY else Education.POSTGRADUATE
        correction_submit(acting_user=user, field="education", proposed=wanted,
                          reason="已取得更高学历（函授），毕业证书可交支部核验")
