"""On the home page (工作台): points claims waiting for the branch and 组织处置 not yet done."""

from django.db.models import Count, Q
from django.utils import timezone

from dangjian.core.registry import register_panel

from .choices import EntryState
from .models import DisposalRecord, PointsEntry


def waiting(request, scope) -> dict | None:
    org = scope["org"]
    claims = PointsEntry.objects.filter(org__path__startswith=org.path, state=EntryState.PENDING).count()
    disposals = (DisposalRecord.objects.filter(person__appraisal__org__path__startswith=org.path, done_on=None)
                 .aggregate(open=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=timezone.localdate()))))
    if not claims and not disposals["open"]:
        return None
    return {"org": org, "claims": claims, "disposals": disposals["open"], "overdue": disposals["overdue"]}


register_panel("appraisal.waiting", "appraisal/_home_waiting.html", waiting, order=40)
