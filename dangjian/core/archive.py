"""Archiving old audit records (``dangjian audit-archive``): kept at least 180 days, then moved, in
chain order, to a compressed file under ``var/audit-archive/`` — never simply deleted.

Each archive is ``audit-<first id>-<last id>.jsonl.gz`` (one record per line, every column) and a
manifest beside it: row count, first and last id, the chain hash before the first row and after the
last, and the SHA-256 of the file. The rows leave the table only after the file written to disk has
been read back and re-chained to the same end hash, and only in a transaction that also writes an
``AuditAnchor`` (where ``verify`` continues from) and an "audit_archive" record to the log. On
PostgreSQL that transaction is the one place the append-only trigger lets a DELETE through
(``SET LOCAL dangjian.audit_archiving = 'on'``, and only for rows older than 180 days).
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from . import audit
from .actors import SYSTEM
from .backup import sha256_of

FIELDS = ("id", "at", "actor", "actor_name", "action", "object_type", "object_id", "object_repr", "before",
          "after", "note", "address", "request_id", "prev_hash", "hash")
BATCH = 5000


class ArchiveError(RuntimeError):
    pass


@dataclass(frozen=True)
class Archive:
    path: Path
    manifest: Path
    rows: int
    first_id: int
    last_id: int
    start_hash: str
    end_hash: str
    sha256: str


def archive_dir() -> Path:
    return Path(settings.VAR_DIR) / "audit-archive"


def retention_days() -> int:
    days = int(getattr(settings, "AUDIT_RETENTION_DAYS", audit.MIN_RETENTION_DAYS))
    if days < audit.MIN_RETENTION_DAYS:
        raise ArchiveError(f"审计日志保存期限不得少于 {audit.MIN_RETENTION_DAYS} 天（当前设置为 {days} 天）")
    return days


def latest_cutoff(now: dt.datetime | None = None) -> dt.datetime:
    """Records before this moment may be archived; later ones are within the retention period."""
    return (now or timezone.now()) - dt.timedelta(days=retention_days())


def cutoff_for(before: dt.date | None, now: dt.datetime | None = None) -> dt.datetime:
    latest = latest_cutoff(now)
    if before is None:
        return latest
    cutoff = timezone.make_aware(dt.datetime.combine(before, dt.time.min))
    if cutoff > latest:
        raise ArchiveError(
            f"只能归档 {retention_days()} 天以前的审计记录：--before 不得晚于 "
            f"{timezone.localtime(latest).date():%Y-%m-%d}")
    return cutoff


def archive(*, before: dt.date | None = None, now: dt.datetime | None = None, directory: Path | None = None
            ) -> Archive | None:
    """Archive the oldest records (a prefix of the chain) written before ``before`` (default: the
    retention limit). None when there is nothing to archive."""
    from .models import ChangeRecord

    cutoff = cutoff_for(before, now)
    start_id, start_hash = audit.start_of_table()
    rows = ChangeRecord.objects.filter(id__gt=start_id)
    first_young = rows.filter(at__gte=cutoff).order_by("id").values_list("id", flat=True).first()
    if first_young is not None:
        rows = rows.filter(id__lt=first_young)
    last_id = rows.order_by("-id").values_list("id", flat=True).first()
    if last_id is None:
        return None
    directory = directory or archive_dir()
    directory.mkdir(parents=True, exist_ok=True)
    written = _write(rows, start_hash, directory)
    _check_written(written)
    _remove_archived(written, start_id)
    return written


def _write(rows, start_hash: str, directory: Path) -> Archive:
    """Stream the rows to a gzip file, checking the chain as it goes: a broken chain is never
    archived (that would hide the tampering)."""
    first = rows.order_by("id").values_list("id", flat=True).first()
    last = rows.order_by("-id").values_list("id", flat=True).first()
    path = directory / f"audit-{first:012d}-{last:012d}.jsonl.gz"
    try:
        count, prev = _stream(rows, start_hash, path)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    archived = Archive(path=path, manifest=manifest_path(path), rows=count, first_id=first, last_id=last,
                       start_hash=start_hash, end_hash=prev, sha256=sha256_of(path))
    archived.manifest.write_text(json.dumps({
        "format": 1, "file": path.name, "rows": count, "first_id": first, "last_id": last,
        "start_hash": start_hash, "end_hash": prev, "sha256": archived.sha256,
        "created_at": timezone.now().isoformat(),
    }, ensure_ascii=False, indent=1))
    return archived


def _stream(rows, start_hash: str, path: Path) -> tuple[int, str]:
    prev, count, after = start_hash, 0, 0
    with path.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as out:
        while True:
            batch = list(rows.filter(id__gt=after).order_by("id")[:BATCH])
            if not batch:
                break
            for row in batch:
                if row.prev_hash != prev or row.hash != audit.link(prev, row):
                    raise ArchiveError(f"第 {row.id} 条记录未通过摘要链校验，拒绝归档；请先运行 dangjian audit-verify")
                out.write(json.dumps(row_dict(row), ensure_ascii=False, separators=(",", ":")).encode() + b"\n")
                prev, after, count = row.hash, row.id, count + 1
    return count, prev


def _check_written(archived: Archive) -> None:
    """Read the file back from disk: it must re-chain to the same end hash before anything goes."""
    rows, problem = verify_archive(archived.path)
    if problem or rows != archived.rows:
        raise ArchiveError(f"归档文件回读校验失败，未删除任何记录：{problem or '记录数不符'}")


def _remove_archived(archived: Archive, start_id: int) -> None:
    from .history import record_change
    from .models import AuditAnchor

    with transaction.atomic():
        audit.lock_chain()
        if audit.start_of_table()[0] != start_id:
            raise ArchiveError("另一个归档任务刚刚完成，请重新运行")
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL dangjian.audit_archiving = 'on'")
            cursor.execute("DELETE FROM core_changerecord WHERE id > %s AND id <= %s", [start_id, archived.last_id])
            deleted = cursor.rowcount
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL dangjian.audit_archiving = 'off'")
        if deleted != archived.rows:
            raise ArchiveError(f"待删除 {archived.rows} 条，实际 {deleted} 条，已撤销")
        anchor = AuditAnchor.objects.create(
            first_id=archived.first_id, last_id=archived.last_id, row_count=archived.rows,
            start_hash=archived.start_hash, end_hash=archived.end_hash, file_name=archived.path.name,
            file_sha256=archived.sha256,
        )
        record_change(actor=SYSTEM, action="audit_archive", obj=anchor,
                      after={"rows": archived.rows, "first_id": archived.first_id, "last_id": archived.last_id,
                             "file": archived.path.name, "sha256": archived.sha256},
                      note=f"归档审计记录 {archived.rows} 条（第 {archived.first_id}–{archived.last_id} 条）")


def row_dict(row) -> dict:
    out = {name: getattr(row, name) for name in FIELDS if name not in ("at", "actor")}
    out["at"] = row.at.isoformat()
    out["actor"] = row.actor_id
    return out


def manifest_path(path: Path) -> Path:
    name = path.name.removesuffix(".manifest.json").removesuffix(".jsonl.gz")
    return path.with_name(f"{name}.manifest.json")


def data_path(path: Path) -> Path:
    name = path.name.removesuffix(".manifest.json").removesuffix(".jsonl.gz")
    return path.with_name(f"{name}.jsonl.gz")


def verify_archive(path: Path | str) -> tuple[int, str | None]:
    """(rows, None) when the archive file matches its manifest and re-chains to its end hash."""
    path = Path(path)
    data, manifest_file = data_path(path), manifest_path(path)
    if not data.exists() or not manifest_file.exists():
        return 0, f"找不到归档文件或其清单：{data.name} / {manifest_file.name}"
    try:
        manifest = json.loads(manifest_file.read_text())
        if sha256_of(data) != manifest["sha256"]:
            return 0, "归档文件的 SHA-256 与清单不符：文件已被改动"
        return _rechain(data, manifest)
    except (OSError, EOFError, ValueError, KeyError, TypeError) as exc:
        return 0, f"归档文件或清单无法读取：{exc}"


def _rechain(data: Path, manifest: dict) -> tuple[int, str | None]:
    prev, count, first, last = manifest["start_hash"], 0, None, None
    with gzip.open(data, "rb") as lines:
        for line in lines:
            row = stored_record(json.loads(line))
            if row.prev_hash != prev:
                return count, f"归档中第 {row.id} 条记录的前序摘要不符"
            if row.hash != audit.link(prev, row):
                return count, f"归档中第 {row.id} 条记录的内容与摘要不符"
            prev, count, last = row.hash, count + 1, row.id
            first = row.id if first is None else first
    expected = (manifest["rows"], manifest["first_id"], manifest["last_id"], manifest["end_hash"])
    if (count, first, last, prev) != expected:
        return count, "归档文件的记录数、首末编号或末条摘要与清单不符"
    return count, _against_anchor(manifest)


def _against_anchor(manifest: dict) -> str | None:
    from .models import AuditAnchor

    anchor = AuditAnchor.objects.filter(last_id=manifest["last_id"]).first()
    if anchor and (anchor.end_hash, anchor.file_sha256) != (manifest["end_hash"], manifest["sha256"]):
        return "归档文件与数据库中的归档记录（AuditAnchor）不符"
    return None


def stored_record(data: dict) -> SimpleNamespace:
    """A record read back from an archive, with the attributes ``audit.canonical`` reads."""
    fields = dict(data)
    fields["at"] = dt.datetime.fromisoformat(fields["at"])
    fields["actor_id"] = fields.pop("actor")
    return SimpleNamespace(**fields)
