"""On the home page (工作台): points claims waiting for the branch and 组织处置 not yet done. For a
large subtree the counts come from the shared summary cache (dangjian/core/summaries.py) with their
time: counting a city's pending claims hashed every organisation of the city on each visit."""

import datetime as dt

from django.db.models import Count, Q

from dangjian.core.registry import register_panel
from dangjian.core.summaries import register_summary, scope_summary, today_variant

from .choices import EntryState
from .models import DisposalRecord, PointsEntry


def waiting_counts(org, day: str) -> dict:
    claims = PointsEntry.objects.filter(org__path__startswith=org.path, state=EntryState.PENDING).count()
    disposals = (DisposalRecord.objects.filter(person__appraisal__org__path__startswith=org.path, done_on=None)
                 .aggregate(open=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=dt.date.fromisoformat(day)))))
    return {"claims": claims, "disposals": disposals["open"], "overdue": disposals["overdue"]}


register_summary("appraisal.waiting", waiting_counts, variants=today_variant)


def waiting(request, scope) -> dict | None:
    summary = scope_summary("appraisal.waiting", scope)
    if not summary.value["claims"] and not summary.value["disposals"]:
        return None
    return {"org": scope["org"], **summary.value, "summary": summary}


register_panel("appraisal.waiting", "appraisal/_home_waiting.html", waiting, order=40)
