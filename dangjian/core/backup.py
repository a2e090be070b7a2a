"""Backups with a checksum manifest, and their restore (等保三级: 数据备份与恢复).

SQLite: the online backup API copies a consistent snapshot while the site keeps running.
PostgreSQL: ``pg_dump --format=custom`` and ``pg_restore --clean``. Each backup is a folder with
the dump and ``manifest.json``: the SHA-256 of the dump, and every table's row count and content
hash, so a restore can be proven to give back exactly what was saved.

The data key is deliberately not in the backup: encrypted columns stay encrypted in the dump, and
the key is kept apart (README: 配置参考), so a stolen backup does not reveal ID numbers.

Every backup folder is 0700 and every file in it 0600 (the owner only), and the manifest is signed
with an HMAC-SM3 under a key derived from the data key: someone who can write to the backup folder
but does not hold the key cannot swap in another dump with a matching checksum.
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
MANIFEST_SEAL = "backup-manifest"
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
    folder.mkdir(parents=True, mode=0o700)
    folder.chmod(0o700)  # mkdir's mode is filtered by the umask
    previous_umask = os.umask(0o077)  # the dump is created by sqlite3 or pg_dump: owner-only from the start
    try:
        dump = _dump(folder)
    finally:
        os.umask(previous_umask)
    manifest = {
        "created_at": dt.datetime.now(dt.UTC).isoformat(), "vendor": connection.vendor, "file": dump.name,
        "sha256": sha256_of(dump), "tables": table_fingerprints(),
    }
    manifest["signature"] = manifest_signature(manifest)
    _write_private(folder / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2))
    dump.chmod(0o600)
    return folder


def manifest_signature(manifest: dict, master: str | None = None) -> str:
    from .crypto import seal

    return seal(MANIFEST_SEAL, _manifest_body(manifest), master)


def _manifest_body(manifest: dict) -> bytes:
    body = {k: v for k, v in manifest.items() if k != "signature"}
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def _write_private(path: Path, text: str) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        out.write(text)


def _dump(folder: Path) -> Path:
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
    return dump


def read_manifest(folder: Path, *, accept_unsigned: bool = False) -> dict:
    from .crypto import seal_matches

    path = Path(folder) / MANIFEST
    if not path.exists():
        raise BackupError(f"{folder} 中没有 {MANIFEST}，不是有效的备份")
    manifest = json.loads(path.read_text(encoding="utf-8"))
    signature = manifest.get("signature")
    if signature is None and not accept_unsigned:
        raise BackupError("备份清单没有签名（早于签名功能的备份）；确认来源可靠后可加 --accept-unsigned 恢复")
    if signature is not None and not seal_matches(MANIFEST_SEAL, _manifest_body(manifest), signature):
        raise BackupError("备份清单的签名不符：清单被改动，或备份不是用当前数据密钥制作的（轮换后请在 "
                          "DANGJIAN_DATA_KEYS_EXTRA 中保留旧密钥），拒绝恢复")
    dump = Path(folder) / manifest["file"]
    if not dump.exists() or sha256_of(dump) != manifest["sha256"]:
        raise BackupError("备份文件缺失或校验值不符，可能已损坏或被改动，拒绝恢复")
    if manifest["vendor"] != connection.vendor:
        raise BackupError(f"备份来自 {manifest['vendor']}，当前数据库为 {connection.vendor}")
    return manifest


def restore(folder: Path, *, accept_unsigned: bool = False) -> dict:
    """Restore ``folder`` over the current database; returns the manifest's tables that differ
    afterwards (empty when the restore is exact)."""
    manifest = read_manifest(folder, accept_unsigned=accept_unsigned)
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
