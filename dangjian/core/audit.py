"""The audit chain: each ChangeRecord carries SM3(previous hash | its own canonical content).

Appends take a lock first (an advisory lock on PostgreSQL; SQLite has one writer at a time), so
the chain follows the order of the ids. ``verify`` walks the chain and names the first row whose
content or link does not match: an edited row breaks its own hash, a removed one its successor's.

Both ends of the chain are anchored:

- The start. A new installation writes a genesis record (``start_chain``, run after ``migrate``)
  that links to the all-zero hash; ``AuditAnchor`` rows (one per archive, core.archive) carry the
  hash from which the records still in the table continue. An empty log without an archive is
  therefore an erased log, and a log whose first row does not link to the genesis (or to the last
  archive) lost its beginning.
- The end. ``AuditHead`` (one row) holds the length of the chain since the genesis (archived
  records included), the last record's id and hash, and a seal: an HMAC-SM3 of those three under a
  key derived from the data key, which is never in the database. It moves in the same transaction
  as each append; a trigger (PostgreSQL and SQLite) lets it move only forward onto a record that
  exists, by exactly the number of records appended. Removing the newest records, or the head, or
  everything and starting again, is found — and appends refuse to continue a chain whose head is
  missing rather than quietly start a new one.

What this cannot prove on its own: someone who holds both the database and the data key (the
server itself) can rewrite the whole chain and re-seal it. ``dangjian audit-verify`` prints the
head (``<id>:<hash>``); kept off the server, ``audit-verify --expect-head`` turns it into a check
that no record up to that point was changed or removed, whoever holds the key.
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
    client_id = getattr(record, "client_request_id", "")
    if client_id:
        body["client_request_id"] = client_id
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str).encode()


def link(prev_hash: str, record) -> str:
    return sm3_hex(prev_hash.encode() + b"|" + canonical(record))


def lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])


class AuditChainBroken(RuntimeError):
    """The chain cannot be continued (its head is gone): nothing is written until it is examined."""


HEAD_SEAL = "audit-head"
GENESIS_ACTION = "audit_genesis"


def head_message(length: int, last_id: int, last: str) -> bytes:
    return f"{length}|{last_id}|{last}".encode()


def seal_head(length: int, last_id: int, last: str) -> str:
    from .crypto import seal

    return seal(HEAD_SEAL, head_message(length, last_id, last))


def head_sealed(length: int, last_id: int, last: str, signature: str) -> bool:
    from .crypto import seal_matches

    return seal_matches(HEAD_SEAL, head_message(length, last_id, last), signature)


def current_head() -> tuple[int, str, int]:
    """(last id, hash, length) of the chain's end, read under the chain lock. A missing head means
    the log was tampered with (or never started): refuse rather than start a chain that verifies."""
    from .models import AuditHead

    row = AuditHead.objects.filter(pk=1).values_list("last_id", "hash", "length").first()
    if row is None:
        raise AuditChainBroken("审计链头缺失：审计日志可能已被删除或篡改，系统拒绝写入新的审计记录。"
                               "请运维人员运行 dangjian audit-verify 核查，并从备份恢复")
    return row


def last_hash() -> str:
    """The hash the next record links to: the chain head's, so a record appended after the newest
    ones were removed keeps the gap visible."""
    return current_head()[1]


def append(records: list) -> None:
    """Link ``records`` to the chain's end, insert them in order and move the head. The caller holds
    the chain lock inside its transaction (core.history.record_changes). The records go in through
    the shared fast writer (COPY on PostgreSQL): an import appends one per row."""
    from .bulk import insert_objects

    _, prev, length = current_head()
    end = chain(records, prev)
    insert_objects(records)
    move_head(records[-1].id, end, length + len(records))


def start_chain(*, at=None) -> bool:
    """Write the genesis record and the head of a new, empty log (after ``migrate``). Does nothing
    when the log has a head, records or archives: a chain is started once, never restarted."""
    import secrets

    from django.db import transaction
    from django.utils import timezone

    from .models import AuditAnchor, AuditHead, ChangeRecord

    with transaction.atomic():
        lock_chain()
        if AuditHead.objects.exists() or ChangeRecord.objects.exists() or AuditAnchor.objects.exists():
            return False
        genesis = ChangeRecord(
            at=at or timezone.now(), actor_name="系统", action=GENESIS_ACTION, object_type="core.audithead",
            object_id=1, object_repr="审计日志起点", after={"nonce": secrets.token_hex(16)},
            note="审计日志起点（创世记录）：此后每条记录都链接到前一条",
        )
        genesis.prev_hash = GENESIS
        genesis.hash = link(GENESIS, genesis)
        genesis.save()
        AuditHead.objects.create(pk=1, last_id=genesis.id, hash=genesis.hash, length=1,
                                 signature=seal_head(1, genesis.id, genesis.hash))
    return True


def chain(records: Iterable, prev_hash: str) -> str:
    for record in records:
        record.prev_hash = prev_hash
        record.hash = prev_hash = link(prev_hash, record)
    return prev_hash


def move_head(last_id: int, last: str, length: int) -> None:
    """Inside the append's transaction, after the insert: one UPDATE, sealed."""
    from .models import AuditHead

    AuditHead.objects.filter(pk=1).update(last_id=last_id, hash=last, length=length,
                                          signature=seal_head(length, last_id, last))


def start_of_table():
    """Where the records in the table continue from: (last archived id, its hash), or the genesis."""
    from .models import AuditAnchor

    anchor = AuditAnchor.objects.order_by("-last_id").values_list("last_id", "end_hash").first()
    return anchor or (0, GENESIS)


def archived_count() -> int:
    from django.db.models import Sum

    from .models import AuditAnchor

    return AuditAnchor.objects.aggregate(n=Sum("row_count"))["n"] or 0


def verify(model=None, batch: int = 5000, expect: str | None = None) -> tuple[int, str | None]:
    """(rows checked, None) when the chain holds from its start to its sealed head (and passes
    through ``expect``, a head kept off the server as ``<id>:<hash>``); otherwise the first problem,
    in Chinese."""
    from .models import ChangeRecord

    model = model or ChangeRecord
    expected = parse_expected_head(expect) if expect else None
    last_id, prev = start_of_table()
    archived_to, checked, seen_expected = last_id, 0, False
    while True:
        rows = list(model.objects.filter(id__gt=last_id).order_by("id")[:batch])
        if not rows:
            break
        for row in rows:
            if row.prev_hash != prev:
                return checked, f"第 {row.id} 条记录的前序摘要不符：其前一条记录已被删除或改动"
            if row.hash != link(prev, row):
                return checked, f"第 {row.id} 条记录的内容与摘要不符：该记录已被改动"
            if expected and row.id == expected[0]:
                if row.hash != expected[1]:
                    return checked, f"第 {row.id} 条记录的摘要与另行保存的链头不符：日志已被改写"
                seen_expected = True
            prev, last_id, checked = row.hash, row.id, checked + 1
    problem = _check_start(checked, archived_to) or _check_head(checked, last_id, prev)
    if problem is None and expected and not seen_expected:
        problem = _expected_missing(expected, archived_to)
    return checked, problem


def _check_start(checked: int, archived_to: int) -> str | None:
    if checked == 0 and archived_to == 0:
        return "审计日志为空：连创世记录也没有，日志已被整体删除"
    return None


def _check_head(checked: int, last_id: int, last: str) -> str | None:
    from .models import AuditHead

    head_row = AuditHead.objects.filter(pk=1).first()
    if head_row is None:
        return "审计链头记录缺失：链头已被删除"
    if (head_row.last_id, head_row.hash) != (last_id, last):
        if head_row.last_id > last_id:
            return (f"审计日志末尾的记录已被删除：链头指向第 {head_row.last_id} 条，"
                    f"表中最后一条为第 {last_id} 条")
        return f"审计链头与第 {last_id} 条记录不符：链头或末尾记录已被改动"
    if head_row.length != archived_count() + checked:
        return f"审计链头记录的条数（{head_row.length}）与日志（{archived_count() + checked}）不符：有记录被删除或插入"
    if not head_sealed(head_row.length, head_row.last_id, head_row.hash, head_row.signature):
        return "审计链头的签名不符：链头不是由本系统写入的（或数据密钥已更换且未保留旧密钥）"
    return None


def _expected_missing(expected: tuple[int, str], archived_to: int) -> str | None:
    from .models import AuditAnchor

    expected_id, expected_hash = expected
    if expected_id <= archived_to:
        anchor = AuditAnchor.objects.filter(last_id=expected_id).first()
        if anchor is not None:
            return None if anchor.end_hash == expected_hash else (
                f"第 {expected_id} 条记录（已归档）的摘要与另行保存的链头不符：日志已被改写")
        return None  # inside an archive: ``audit-verify --archive`` checks that file
    return f"另行保存的链头（第 {expected_id} 条）不在日志中：日志已被删除、截断或重新开始"


def parse_expected_head(text: str) -> tuple[int, str]:
    """``<id>:<hash>`` as printed by ``audit-verify``."""
    number, _, digest = text.strip().partition(":")
    if not number.isdigit() or len(digest) != 64:
        raise ValueError("链头格式应为“编号:摘要”，即 audit-verify 打印的那一行，如 1234:9f3a…（64 位十六进制）")
    return int(number), digest.lower()


def head() -> tuple[int, str, int] | None:
    """(last id, hash, length) of the chain's end, or None."""
    from .models import AuditHead

    return AuditHead.objects.filter(pk=1).values_list("last_id", "hash", "length").first()
