"""What the organisation tree puts in people's 待办: a committee term that has ended or ends within
six months (换届 is prepared months ahead), for the staff of that organisation. Closes when a new
term is recorded."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from dangjian.inbox import actions as inbox
from dangjian.inbox.registry import feed

from .models import Term
from .rules import TERM_REMINDER_MONTHS, _months_later

TERMS = "orgs.term"


@feed(TERMS)
def terms_ending(today: dt.date, org_ids) -> list[inbox.Notice]:
    horizon = _months_later(today, TERM_REMINDER_MONTHS)
    terms = Term.objects.filter(is_current=True, ends_on__lte=horizon).values_list("pk", "org_id", "ends_on")
    if org_ids is not None:
        terms = terms.filter(org_id__in=org_ids)
    wanted = []
    for pk, org_id, ends_on in terms.iterator(chunk_size=2000):
        title = (f"任期已于 {ends_on:%Y-%m-%d} 届满，请尽快换届" if ends_on < today
                 else f"任期将于 {ends_on:%Y-%m-%d} 届满，请做好换届准备")
        wanted.append(inbox.Notice(key=f"{TERMS}:{pk}", org_id=org_id, title=title, due_on=ends_on,
                                   url=reverse("orgs:detail", args=[org_id])))
    return wanted


def terms_replaced(term_ids) -> None:
    """换届 done: the reminders about the terms it replaced are closed at once, not tomorrow."""
    for pk in term_ids:
        inbox.resolve(key=f"{TERMS}:{pk}", note="已换届")
