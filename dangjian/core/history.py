"""Building ChangeRecord rows. Actions call these inside their transaction."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.db import transaction

from . import audit
from .context import current_request
from .models import ChangeRecord


def diff(before: Mapping[str, object], after: Mapping[str, object]) -> tuple[dict, dict]:
    """Only the keys whose values differ, as two dicts ready to store."""
    keys = [k for k in dict.fromkeys([*before.keys(), *after.keys()]) if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}


def change_record(*, actor, action: str, obj, before=None, after=None, note: str = "") -> ChangeRecord:
    """An unsaved record; ``record_changes`` saves many at once."""
    return ChangeRecord(
        actor=actor if actor is not None and actor.pk else None,
        actor_name=_actor_name(actor),
        action=action,
        object_type=obj._meta.label_lower,
        object_id=obj.pk,
        object_repr=str(obj)[:200],
        before=before or {},
        after=after or {},
        note=note[:500],
    )


def record_change(**kwargs) -> ChangeRecord:
    record = change_record(**kwargs)
    record_changes([record])
    return record


def record_changes(records: Iterable[ChangeRecord]) -> None:
    """Append to the audit chain: lock it, link each record to the one before, insert in order.
    Called inside the action's transaction, so the lock is held until the change commits."""
    records = list(records)
    if not records:
        return
    context = current_request()
    for record in records:
        record.address = record.address or context.address
        record.request_id = record.request_id or context.request_id
    with transaction.atomic():
        audit.lock_chain()
        audit.chain(records, audit.last_hash())
        ChangeRecord.objects.bulk_create(records, batch_size=2000)


def history_of(obj):
    return ChangeRecord.objects.filter(object_type=obj._meta.label_lower, object_id=obj.pk).select_related("actor")


def _actor_name(actor) -> str:
    if actor is None:
        return "系统"
    return actor.get_full_name() or actor.get_username()
