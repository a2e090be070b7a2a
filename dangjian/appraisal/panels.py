"""On the home page (工作台): points claims waiting for the branch and 组织处置 not yet done. For a
large subtree the counts come from the shared summary cache (dangjian/core/summaries.py) with their
time: counting a city's pending claims hashed every organisation of the city on each visit."""

import datetime as dt

from django.db.models import Count, Q
from django.utils import timezone

from dangjian.core.registry import register_panel
from dangjian.core.summaries import register_summary, subtree_size, summary_of

from .choices import EntryState
from .models import DisposalRecord, PointsEntry


def _today() -> list[str]:
    return [timezone.localdate().isoformat()]


def waiting_counts(org, day: str) -> dict:
    claims = PointsEntry.objects.filter(org__path__startswith=org.path, state=EntryState.PENDING).count()
    disposals = (DisposalRecord.objects.filter(person__appraisal__org__path__startswith=org.path, done_on=None)
                 .aggregate(open=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=dt.date.fromisoformat(day)))))
    return {"claims": claims, "disposals": disposals["open"], "overdue": disposals["overdue"]}


register_summary("appraisal.waiting", waiting_counts, variants=_today)


def waiting(request, scope) -> dict | None:
    org = scope["org"]
    size = scope.get("size")  # set by the organisation panel when it ran first
    summary = summary_of("appraisal.waiting", org, _today()[0], size=size if size is not None else subtree_size(org))
    if not summary.value["claims"] and not summary.value["disposals"]:
        return None
    return {"org": org, **summary.value, "summary": summary}


register_panel("appraisal.waiting", "appraisal/_home_waiting.html", waiting, order=40)
