"""Reads of the inbox. ``addressed_to(user)``: items to the person, and to the staff of every
organisation where the person holds a working position (one that may change records there; a
read-only seat sees the records but is not asked to act)."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from dangjian.core.scoping import CHANGE

from .models import InboxItem, InboxRead


def staff_org_ids(user) -> QuerySet:
    from dangjian.accounts.choices import roles_granting
    from dangjian.accounts.models import Position

    return Position.objects.filter(user=user, role__in=roles_granting(CHANGE)).values("org_id")


def addressed_to(user) -> QuerySet[InboxItem]:
    if user is None or not user.is_authenticated:
        return InboxItem.objects.none()
    return InboxItem.objects.filter(Q(user=user) | Q(org_id__in=staff_org_ids(user)))


def open_items(user) -> QuerySet[InboxItem]:
    return addressed_to(user).filter(done_at__isnull=True)


def with_read(qs: QuerySet[InboxItem], user) -> QuerySet[InboxItem]:
    return qs.annotate(read=Exists(InboxRead.objects.filter(item=OuterRef("pk"), user=user)))


def counts(user) -> dict[str, int]:
    """Open and unread-open items, in one query: shown in the navigation bar of every page."""
    unread = ~Exists(InboxRead.objects.filter(item=OuterRef("pk"), user=user))
    return open_items(user).order_by().aggregate(open=Count("pk"), unread=Count("pk", filter=unread))


def staff_users(org_id: int):
    from django.contrib.auth import get_user_model

    from dangjian.accounts.choices import roles_granting
    from dangjian.accounts.models import Position

    holders = Position.objects.filter(org_id=org_id, role__in=roles_granting(CHANGE)).values("user_id")
    return get_user_model().objects.filter(pk__in=holders, is_active=True)
