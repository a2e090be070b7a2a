"""The audit chain: each ChangeRecord carries SM3(previous hash | its own canonical content).

Appends take a lock first (an advisory lock on PostgreSQL; SQLite has one writer at a time), so
the chain follows the order of the ids. ``verify`` walks the chain and names the first row whose
content or link does not match: an edited row breaks its own hash, a removed one its successor's.

Two small tables close the ends of the chain. ``AuditHead`` (one row) holds the last record's id and
hash and moves in the same transaction as each append — one UPDATE per append or per batch — so
removing the newest records, which breaks no link, is found as well. ``AuditAnchor`` has one row per
archive written by ``dangjian audit-archive`` (core.archive): the hash at the archive's end, from
which ``verify`` continues with the records still in the table.

What this proves: an edit or removal made around the application (through SQL) is detected. What it
cannot prove on its own: a database superuser who rewrites the whole chain consistently (SM3 has no
key). ``dangjian audit-verify`` prints the head hash; an operator who keeps it off the server turns
that into a check as well.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from cryptography.hazmat.primitives import hashes
from django.db import connection

GENESIS = "0" * 64
# The legal minimum (等保三级): records younger than this are never archived, whatever the settings;
# the PostgreSQL trigger (core migration 0003) holds the same number.
MIN_RETENTION_DAYS = 180
CHAIN_LOCK = 7_420_001  # arbitrary, constant advisory-lock key for the audit chain


def sm3_hex(data: bytes) -> str:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize().hex()


def canonical(record) -> bytes:
    """The hashed content of one record, independent of the database's JSON formatting."""
    body = {
        "at": record.at.isoformat(), "actor": record.actor_id, "actor_name": record.actor_name,
        "action": record.action, "object_type": record.object_type, "object_id": record.object_id,
        "object_repr": record.object_repr, "before": record.before, "after": record.after, "note": record.note,
        "address": record.address, "request_id": record.request_id,
    }
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str).encode()


def link(prev_hash: str, record) -> str:
    return sm3_hex(prev_hash.encode() + b"|" + canonical(record))


def lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])


def last_hash() -> str:
    """The hash the next record links to: the chain head's (so a record appended after the newest
    ones were removed keeps the gap visible), or — before the head exists — the last row's."""
    from .models import AuditHead, ChangeRecord

    return (AuditHead.objects.filter(pk=1).values_list("hash", flat=True).first()
            or ChangeRecord.objects.order_by("-id").values_list("hash", flat=True).first() or GENESIS)


def chain(records: Iterable, prev_hash: str) -> str:
    for record in records:
        record.prev_hash = prev_hash
        record.hash = prev_hash = link(prev_hash, record)
    return prev_hash


def move_head(last_id: int, last: str) -> None:
    """Inside the append's transaction, after the insert: one UPDATE (an INSERT the first time)."""
    from .models import AuditHead

    if not AuditHead.objects.filter(pk=1).update(last_id=last_id, hash=last):
        AuditHead.objects.create(pk=1, last_id=last_id, hash=last)


def start_of_table():
    """Where the records in the table continue from: (last archived id, its hash), or the genesis."""
    from .models import AuditAnchor

    anchor = AuditAnchor.objects.order_by("-last_id").values_list("last_id", "end_hash").first()
    return anchor or (0, GENESIS)


def verify(model=None, batch: int = 5000) -> tuple[int, str | None]:
    """(rows checked, None) when the chain holds; otherwise the first problem, in Chinese."""
    from .models import AuditHead, ChangeRecord

    model = model or ChangeRecord
    last_id, prev = start_of_table()
    checked = 0
    while True:
        rows = list(model.objects.filter(id__gt=last_id).order_by("id")[:batch])
        if not rows:
            break
        for row in rows:
            if row.prev_hash != prev:
                return checked, f"第 {row.id} 条记录的前序摘要不符：其前一条记录已被删除或改动"
            if row.hash != link(prev, row):
                return checked, f"第 {row.id} 条记录的内容与摘要不符：该记录已被改动"
            prev, last_id, checked = row.hash, row.id, checked + 1
    head = AuditHead.objects.filter(pk=1).values_list("last_id", "hash").first()
    if head is None:
        if checked:
            return checked, "审计链头记录缺失：链头已被删除"
    elif head != (last_id, prev):
        if head[0] > last_id:
            return checked, f"审计日志末尾的记录已被删除：链头指向第 {head[0]} 条，表中最后一条为第 {last_id} 条"
        return checked, f"审计链头与第 {last_id} 条记录不符：链头或末尾记录已被改动"
    return checked, None


def head() -> tuple[int, str] | None:
    from .models import AuditHead

    return AuditHead.objects.filter(pk=1).values_list("last_id", "hash").first()
