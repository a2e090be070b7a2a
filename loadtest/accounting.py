"""Every write accounted for: what locust counted as successful, per kind of write, against what
the database holds afterwards — the rows the writes create and the audit records they leave.

``snapshot`` runs before the load (the highest ids, the members' versions); ``account`` after it.
Runs inside the driver after ``django.setup()``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Max, Sum

from dangjian.accounts.models import LoginAttempt
from dangjian.core.models import ChangeRecord
from dangjian.members.models import Member
from dangjian.orglife.models import Meeting
from dangjian.worklists.models import ProgressUpdate, WorkItem


@dataclass(frozen=True)
class WriteKind:
    label: str
    requests: tuple[str, ...]  # locust requests, "METHOD name"
    action: str  # the ChangeRecord action each such write leaves


WRITE_KINDS = (
    WriteKind("登录", ("POST /accounts/login/",), "login"),
    WriteKind("登记会议（API）", ("POST /api/orglife/meetings",), "meeting_record"),
    WriteKind("修改党员（表单 + API，带版本号）",
              ("POST /members/[id]/edit/", "PATCH /api/members/[id]"), "member_update"),
    WriteKind("新建清单事项（API）", ("POST /api/worklists/items",), "worklist_create"),
    WriteKind("报告进展（API）", ("POST /api/worklists/items/[id]/progress",), "worklist_progress"),
)


@dataclass
class Snapshot:
    user_ids: list[int]
    member_ids: list[int]
    max_ids: dict[str, int]
    member_versions: int


def _max_id(model) -> int:
    return model.objects.aggregate(m=Max("id"))["m"] or 0


def _versions(member_ids: list[int]) -> int:
    return Member.objects.filter(pk__in=member_ids).aggregate(v=Sum("version"))["v"] or 0


def snapshot(usernames: list[str], member_ids: list[int]) -> Snapshot:
    users = list(get_user_model().objects.filter(username__in=usernames).values_list("pk", flat=True))
    models = {"change": ChangeRecord, "login": LoginAttempt, "meeting": Meeting, "item": WorkItem,
              "progress": ProgressUpdate}
    return Snapshot(users, member_ids, {k: _max_id(m) for k, m in models.items()}, _versions(member_ids))


def _rows(snap: Snapshot, usernames: list[str]) -> dict[str, int]:
    """Rows written during the run by the load users, per write kind: the table each write fills."""
    since, users = snap.max_ids, snap.user_ids
    return {
        "login": LoginAttempt.objects.filter(id__gt=since["login"], username__in=usernames, success=True).count(),
        "meeting_record": Meeting.objects.filter(id__gt=since["meeting"], created_by__in=users).count(),
        # Each successful edit raises the member's version by one; only the load users edit these members.
        "member_update": _versions(snap.member_ids) - snap.member_versions,
        "worklist_create": WorkItem.objects.filter(id__gt=since["item"], created_by__in=users).count(),
        "worklist_progress": ProgressUpdate.objects.filter(id__gt=since["progress"], author__in=users).count(),
    }


def _audit(snap: Snapshot) -> dict[str, int]:
    records = ChangeRecord.objects.filter(id__gt=snap.max_ids["change"], actor_id__in=snap.user_ids)
    return {kind.action: records.filter(action=kind.action).count() for kind in WRITE_KINDS}


@dataclass
class Line:
    label: str
    reported: int  # successful according to locust
    rows: int  # rows in the table the write fills
    audit: int  # audit records of the action

    @property
    def ok(self) -> bool:
        return self.reported == self.rows == self.audit


def account(snap: Snapshot, usernames: list[str], successes: dict[str, int]) -> list[Line]:
    """One line per kind of write; ``successes`` maps a locust request name to its successful count."""
    rows, audit = _rows(snap, usernames), _audit(snap)
    return [
        Line(kind.label, sum(successes.get(name, 0) for name in kind.requests), rows[kind.action], audit[kind.action])
        for kind in WRITE_KINDS
    ]
