"""Backups with a checksum manifest, and their restore (等保三级: 数据备份与恢复).

SQLite: the online backup API copies a consistent snapshot while the site keeps running.
PostgreSQL: ``pg_dump --format=custom`` and ``pg_restore --clean``. Each backup is a folder with
the dump and ``manifest.json``: the SHA-256 of the dump, and every table's row count and content
hash, so a restore can be proven to give back exactly what was saved.

The data key is deliberately not in the backup: encrypted columns stay encrypted in the dump, and
the key is kept apart (README: 配置参考), so a stolen backup does not reveal ID numbers.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sqlite3
import subprocess
from pathlib import Path

from django.db import connection

MANIFEST = "manifest.json"
SQLITE_FILE = "db.sqlite3"
PG_FILE = "db.dump"


class BackupError(RuntimeError):
    pass


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def table_fingerprints() -> dict[str, dict]:
    """Every table: its row count and a hash of its rows in primary-key order."""
    out = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT * FROM {quoted} ORDER BY 1")  # noqa: S608 - names from introspection
            digest, count = hashlib.sha256(), 0
            for row in cursor.fetchall():
                digest.update(repr(tuple(_plain(v) for v in row)).encode())
                count += 1
            out[table] = {"rows": count, "sha256": digest.hexdigest()}
    return out


def _plain(value):
    if isinstance(value, memoryview):
        return bytes(value)
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat() if value.tzinfo else value.isoformat()
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    if isinstance(value, str) and value[:1] in "{[":
        try:  # JSON stored as text on SQLite, as jsonb on PostgreSQL: compare the values
            return json.dumps(json.loads(value), sort_keys=True, ensure_ascii=False)
        except ValueError:
            return value
    return value


def backup(target_dir: Path) -> Path:
    """Write a backup into a new folder under ``target_dir``; returns the folder."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    folder = Path(target_dir) / f"dangjian-{stamp}"
    folder.mkdir(parents=True)
    if connection.vendor == "sqlite":
        dump = folder / SQLITE_FILE
        connection.ensure_connection()
        with sqlite3.connect(dump) as destination:
            connection.connection.backup(destination)
    elif connection.vendor == "postgresql":
        dump = folder / PG_FILE
        _run(["pg_dump", "--format=custom", "--no-owner", f"--file={dump}", "--dbname", _pg_url()])
    else:
        raise BackupError(f"不支持的数据库：{connection.vendor}")
    manifest = {
        "created_at": dt.datetime.now(dt.UTC).isoformat(), "vendor": connection.vendor, "file": dump.name,
        "sha256": sha256_of(dump), "tables": table_fingerprints(),
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return folder


def read_manifest(folder: Path) -> dict:
    path = Path(folder) / MANIFEST
    if not path.exists():
        raise BackupError(f"{folder} 中没有 {MANIFEST}，不是有效的备份")
    manifest = json.loads(path.read_text(encoding="utf-8"))
    dump = Path(folder) / manifest["file"]
    if not dump.exists() or sha256_of(dump) != manifest["sha256"]:
        raise BackupError("备份文件缺失或校验值不符，可能已损坏或被改动，拒绝恢复")
    if manifest["vendor"] != connection.vendor:
        raise BackupError(f"备份来自 {manifest['vendor']}，当前数据库为 {connection.vendor}")
    return manifest


def restore(folder: Path) -> dict:
    """Restore ``folder`` over the current database; returns the manifest's tables that differ
    afterwards (empty when the restore is exact)."""
    manifest = read_manifest(folder)
    dump = Path(folder) / manifest["file"]
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(dump) as source:
            source.backup(connection.connection)
    else:
        connection.close()
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
              "--dbname", _pg_url(), str(dump)])
    now = table_fingerprints()
    return {t: (v, now.get(t)) for t, v in manifest["tables"].items() if now.get(t) != v}


def _pg_url() -> str:
    s = connection.settings_dict
    user = s.get("USER") or ""
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    return f"postgresql://{auth}{s.get('HOST') or 'localhost'}:{s.get('PORT') or 5432}/{s['NAME']}"


def _run(argv: list[str]) -> None:
    result = subprocess.run(argv, capture_output=True, text=True, env={**os.environ})
    if result.returncode != 0:
        raise BackupError(f"{argv[0]} 失败：{result.stderr.strip()[-500:]}")
