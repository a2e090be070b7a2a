"""Building ChangeRecord rows. Actions call these inside their transaction."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from contextlib import contextmanager

from django.db import transaction

from . import audit
from .actors import SYSTEM, actor_name
from .context import current_request
from .models import ChangeRecord

ID_OR_PHONE = re.compile(r"\+?\d{7,}[\dXx]?")  # an ID number, a phone number, or a long run of digits


@contextmanager
def audited_transaction():
    """The transaction of a write that is audited: atomic, and the audit chain locked first.

    One lock order everywhere (docs/architecture.md「审计」): the chain lock, then row locks. A write
    that locked a row first and then waited for the chain deadlocked on PostgreSQL with a write that
    held the chain and then needed that row — an insert's deferred foreign-key check at commit
    (``FOR KEY SHARE`` on the organisation) against an edit holding the organisation ``FOR UPDATE``.
    Taking the chain when the transaction opens means no one waits for it while holding a row lock.
    The cost: audited writes run one at a time, as their appends already did. Used as a decorator
    (``@audited_transaction()``) on actions and as a ``with`` block; nested uses take the lock again,
    which PostgreSQL grants at once to the transaction that holds it."""
    with transaction.atomic():
        audit.lock_chain()
        yield


def diff(before: Mapping[str, object], after: Mapping[str, object]) -> tuple[dict, dict]:
    """Only the keys whose values differ, as two dicts ready to store."""
    keys = [k for k in dict.fromkeys([*before.keys(), *after.keys()]) if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}


def save_edit(current, fields: Mapping[str, object], *, snapshot, acting_user, action: str, note: str = "") -> bool:
    """Apply ``fields`` to the locked, versioned row ``current``; when its ``snapshot`` changed, bump
    the version, save and record the change. True when something changed. The caller checks the
    version the user saw first."""
    before = snapshot(current)
    for key, value in fields.items():
        setattr(current, key, value)
    old, new = diff(before, snapshot(current))
    if new:
        current.version += 1
        current.save()
        record_change(actor=acting_user, action=action, obj=current, before=old, after=new, note=note)
    return bool(new)


def change_record(*, actor, action: str, obj, before=None, after=None, note: str = "") -> ChangeRecord:
    """An unsaved record; ``record_changes`` saves many at once."""
    return ChangeRecord(
        actor=_actor_user(actor),
        actor_name=actor_name(actor),
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
        record.client_request_id = record.client_request_id or context.client_request_id
    with transaction.atomic():
        audit.lock_chain()
        audit.append(records)


def record_refusal(refusal) -> ChangeRecord:
    """The audit record of an ``AuditedRefusal``, written after the refused action rolled back."""
    audit, actor = refusal.audit, refusal.actor
    record = ChangeRecord(
        actor=_actor_user(actor), actor_name=actor_name(actor), action=audit["action"][:40],
        object_type=audit.get("object_type", "")[:40], object_id=audit.get("object_id", 0),
        object_repr=audit.get("object_repr", "")[:200], after=audit.get("after", {}), note=audit.get("note", "")[:500],
    )
    record_changes([record])
    return record


def record_export(*, actor, what: str, model: str, rows: int, filters=None, action: str = "export",
                  object_id: int = 0) -> ChangeRecord:
    """One audit record for data handed out (an export, a report, a download) or taken in (an
    import, ``action="import"``): what, with which filters, how many rows — never the data itself.
    ``model`` is the label of what was exported ("members.member"); ``object_id`` 0 when a list."""
    kept = safe_filters(filters or {})
    verb = "导入" if action == "import" else "导出"
    record = ChangeRecord(
        actor=_actor_user(actor), actor_name=actor_name(actor),
        action=action, object_type=model[:40], object_id=object_id, object_repr=what[:200],
        after={"rows": rows, "filters": kept}, note=f"{verb}{what}，共 {rows} 行"[:500],
    )
    record_changes([record])
    return record


def record_import(*, actor, what: str, model: str, created: int = 0, updated: int = 0, unchanged: int = 0,
                  errors: int = 0) -> ChangeRecord:
    """One audit record per import, written in the import's own transaction when it succeeds (the
    rows' own member_create/org_create records follow it), or alone when it was refused."""
    counts = {"created": created, "updated": updated, "unchanged": unchanged, "errors": errors}
    outcome = f"未写入任何数据（{errors} 处错误）" if errors else f"新增 {created}，更新 {updated}，未变化 {unchanged}"
    record = ChangeRecord(
        actor=_actor_user(actor), actor_name=actor_name(actor),
        action="import", object_type=model[:40], object_id=0, object_repr=what[:200],
        after={"rows": created + updated + unchanged, **counts}, note=f"导入{what}：{outcome}"[:500],
    )
    record_changes([record])
    return record


def safe_filters(filters) -> dict:
    """The non-empty filters as text, with anything that looks like an ID or phone number masked:
    the audit log holds masked values only."""
    from .idnumbers import mask_id_number

    out = {}
    for key, value in dict(filters).items():
        if isinstance(value, list | tuple):
            value = ",".join(str(v) for v in value)
        if value in (None, "", []) or key in ("page", "csrfmiddlewaretoken"):
            continue
        text = str(value)[:100]
        if ID_OR_PHONE.fullmatch(re.sub(r"[\s-]", "", text)):
            text = mask_id_number(text)
        out[str(key)[:40]] = text
    return out


def history_of(obj):
    return ChangeRecord.objects.filter(object_type=obj._meta.label_lower, object_id=obj.pk).select_related("actor")


def _actor_user(actor):
    """The user row to link, or none: the system and anonymous visitors are no user."""
    return actor if actor is not None and actor is not SYSTEM and actor.pk else None

