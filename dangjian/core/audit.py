"""The audit chain: each ChangeRecord carries SM3(previous hash | its own canonical content).

Appends take a lock first (an advisory lock on PostgreSQL; SQLite has one writer at a time), so
the chain follows the order of the ids. ``verify`` walks the chain and names the first row whose
content or link does not match: an edited row breaks its own hash, a removed one its successor's.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from cryptography.hazmat.primitives import hashes
from django.db import connection

GENESIS = "0" * 64
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
    from .models import ChangeRecord

    return ChangeRecord.objects.order_by("-id").values_list("hash", flat=True).first() or GENESIS


def chain(records: Iterable, prev_hash: str) -> str:
    for record in records:
        record.prev_hash = prev_hash
        record.hash = prev_hash = link(prev_hash, record)
    return prev_hash


def verify(model=None, batch: int = 5000) -> tuple[int, str | None]:
    """(rows checked, None) when the chain holds; otherwise the first problem, in Chinese."""
    from .models import ChangeRecord

    model = model or ChangeRecord
    prev, checked, last_id = GENESIS, 0, 0
    while True:
        rows = list(model.objects.filter(id__gt=last_id).order_by("id")[:batch])
        if not rows:
            return checked, None
        for row in rows:
            if row.prev_hash != prev:
                return checked, f"第 {row.id} 条记录的前序摘要不符：其前一条记录已被删除或改动"
            if row.hash != link(prev, row):
                return checked, f"第 {row.id} 条记录的内容与摘要不符：该记录已被改动"
            prev, last_id, checked = row.hash, row.id, checked + 1
