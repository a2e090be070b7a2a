"""Reads of 通知公告: the notices a user sent (in scope) or received (a recipient in scope)."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from dangjian.core.scoping import VIEW

from .models import Notice, Recipient


def notices_for(user, action: str = VIEW) -> QuerySet[Notice]:
    received = Recipient.objects.restrict(user, action).values("notice_id")
    sent = Notice.objects.restrict(user, action).values("pk")
    return Notice.objects.filter(Q(pk__in=sent) | Q(pk__in=received)).select_related("org")


def with_receipts(qs: QuerySet[Notice]) -> QuerySet[Notice]:
    return qs.annotate(n_recipients=Count("recipients"),
                       n_confirmed=Count("recipients", filter=Q(recipients__confirmed_at__isnull=False)))


def my_recipients(user, notice: Notice) -> QuerySet[Recipient]:
    """The recipient rows of ``notice`` the user may answer for (their organisations in scope)."""
    from dangjian.core.scoping import CHANGE

    return Recipient.objects.restrict(user, CHANGE).filter(notice=notice).select_related("org")
