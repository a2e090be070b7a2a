"""Keeping stored flags in step with what the checks find, without losing anyone's judgement.

A flag is identified by its meeting, kind and related meeting. Within the scope a caller names
(the flags its checks recompute), ``sync`` creates the flags newly found, refreshes the wording of
those found again (their state, explanation and reviewer stay), and handles those no longer found:
an open one is removed; one a reviewer has already judged stays, marked ``cleared_at``, so the
decision remains on record. A flag found again after being cleared is current once more."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from .choices import FlagState
from .models import IntegrityFlag


@dataclass(frozen=True)
class SyncResult:
    created: int = 0
    kept: int = 0
    removed: int = 0
    cleared: int = 0


def sync(found, scope: Q) -> SyncResult:
    """``found``: findings (with ``key``, ``message``, ``score``); ``scope``: the stored flags those
    checks cover. Every finding must fall within the scope."""
    wanted: dict[tuple, object] = {}
    for f in found:
        wanted.setdefault(f.key, f)
    existing = {}
    for pk, meeting_id, kind, related_id, state, message, score, cleared_at in (
            IntegrityFlag.objects.filter(scope).values_list("id", "meeting_id", "kind", "related_id", "state",
                                                             "message", "score", "cleared_at").iterator(5000)):
        existing[(meeting_id, kind, related_id)] = (pk, state, message, score, cleared_at)
    now = timezone.now()
    create, refresh, remove, clear = [], [], [], []
    for key, f in wanted.items():
        row = existing.get(key)
        message = f.message[:500]
        if row is None:
            create.append(IntegrityFlag(meeting_id=f.meeting_id, kind=f.kind, message=message,
                                        related_id=f.related_id, score=f.score))
        elif row[2] != message or row[3] != f.score or row[4] is not None:
            refresh.append(IntegrityFlag(pk=row[0], message=message, score=f.score, cleared_at=None))
    for key, (pk, state, _, _, cleared_at) in existing.items():
        if key in wanted:
            continue
        if state == FlagState.OPEN:
            remove.append(pk)
        elif cleared_at is None:
            clear.append(pk)
    IntegrityFlag.objects.bulk_create(create, batch_size=2000)
    IntegrityFlag.objects.bulk_update(refresh, ["message", "score", "cleared_at"], batch_size=2000)
    for i in range(0, len(remove), 2000):
        IntegrityFlag.objects.filter(pk__in=remove[i:i + 2000]).delete()
    for i in range(0, len(clear), 2000):
        IntegrityFlag.objects.filter(pk__in=clear[i:i + 2000]).update(cleared_at=now)
    return SyncResult(len(create), len(wanted) - len(create), len(remove), len(clear))
