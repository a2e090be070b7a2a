"""On the home page (工作台): points claims waiting for the branch and 组织处置 not yet done."""

from django.utils import timezone

from dangjian.core.registry import register_panel

from .choices import EntryState
from .models import DisposalRecord, PointsEntry


def waiting(request, scope) -> dict | None:
    org = scope["org"]
    claims = PointsEntry.objects.filter(org__path__startswith=org.path, state=EntryState.PENDING).count()
    disposals = DisposalRecord.objects.filter(person__appraisal__org__path__startswith=org.path, done_on=None)
    open_count = disposals.count()
    if not claims and not open_count:
        return None
    overdue = disposals.filter(due_on__lt=timezone.localdate()).count()
    return {"org": org, "claims": claims, "disposals": open_count, "overdue": overdue}


register_panel("appraisal.waiting", "appraisal/_home_waiting.html", waiting, order=40)
