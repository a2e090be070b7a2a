"""Retention and archive of the audit log, and the chain head: archived rows leave the table only
into a verified file, the rest still verifies from the archive's end hash, and every edit or
removal — including of the newest row — is still found."""

import datetime as dt
import gzip
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from dangjian.core import archive as archiving
from dangjian.core.audit import start_chain, verify
from dangjian.core.history import change_record, record_changes
from dangjian.core.models import AuditAnchor, AuditHead, ChangeRecord
from dangjian.testing import make_user

pytestmark = pytest.mark.django_db
OLD_DAYS = 200


def _edit_by_hand(sql, params):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # a superuser going around the triggers
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = origin")


@pytest.fixture(autouse=True)
def installed_long_ago(db):
    """The installation (its genesis record) is older than the records these tests back-date: the
    chain is restarted, by hand, as it would have begun then."""
    _edit_by_hand("DELETE FROM core_audithead", [])
    _edit_by_hand("DELETE FROM core_changerecord", [])
    start_chain(at=timezone.now() - dt.timedelta(days=OLD_DAYS + 30))
    return ChangeRecord.objects.get()


def _write(n, *, days_ago, actor=None, note="旧记录"):
    actor = actor or make_user(f"u{ChangeRecord.objects.count()}-{days_ago}")
    records = []
    for i in range(n):
        record = change_record(actor=actor, action="member_update", obj=actor, before={"n": i}, after={"n": i + 1},
                               note=f"{note}{i}")
        record.at = timezone.now() - dt.timedelta(days=days_ago, minutes=n - i)
        records.append(record)
    record_changes(records)
    return records


@pytest.fixture
def old_then_young(db):
    """Five records from 200 days ago, then the small tree's records (today)."""
    old = _write(5, days_ago=OLD_DAYS)
    from dangjian.testing import small_tree

    small_tree()
    return old


def _archive(tmp_path, **kwargs):
    return archiving.archive(directory=tmp_path, **kwargs)


def test_archive_moves_old_rows_to_a_verified_file_and_the_rest_still_verifies(
        old_then_young, installed_long_ago, tmp_path, capsys):
    genesis = installed_long_ago
    total = ChangeRecord.objects.count()
    call_command("audit_archive", "--dir", str(tmp_path))
    assert "已归档 6 条" in capsys.readouterr().out  # the genesis record and the five old ones
    assert not ChangeRecord.objects.filter(id__lte=old_then_young[-1].id).exists()
    assert ChangeRecord.objects.count() == total - 6 + 1  # the archive itself is a record
    anchor = AuditAnchor.objects.get()
    assert (anchor.first_id, anchor.last_id, anchor.row_count) == (genesis.id, old_then_young[-1].id, 6)
    assert anchor.end_hash == old_then_young[-1].hash
    assert ChangeRecord.objects.filter(action="audit_archive", object_id=anchor.pk).exists()
    assert verify() == (total - 6 + 1, None)
    call_command("audit_verify")
    data = tmp_path / anchor.file_name
    with gzip.open(data) as stored:
        lines = [json.loads(line) for line in stored]
    assert [row["id"] for row in lines] == [genesis.id, *(r.id for r in old_then_young)]
    assert [row["note"] for row in lines[1:]] == [f"旧记录{i}" for i in range(5)]
    manifest = json.loads(archiving.manifest_path(data).read_text())
    assert manifest["rows"] == 6 and manifest["end_hash"] == anchor.end_hash
    assert manifest["sha256"] == anchor.file_sha256
    call_command("audit_verify", "--archive", str(data))
    assert "完整：6 条" in capsys.readouterr().out
    assert _archive(tmp_path) is None  # nothing left old enough


def test_a_second_archive_continues_the_chain(installed_long_ago, tmp_path):
    first = _write(3, days_ago=OLD_DAYS + 10)
    second = _write(2, days_ago=OLD_DAYS)
    _write(2, days_ago=1)
    done = _archive(tmp_path, before=(timezone.localdate() - dt.timedelta(days=OLD_DAYS + 5)))
    assert (done.first_id, done.last_id) == (installed_long_ago.id, first[-1].id)
    again = _archive(tmp_path)
    assert (again.first_id, again.last_id, again.start_hash) == (second[0].id, second[-1].id, first[-1].hash)
    assert verify()[1] is None
    for path in (done.path, again.manifest):
        assert archiving.verify_archive(path)[1] is None


@pytest.mark.parametrize("tamper", ["edit", "delete_first", "delete_last"])
def test_after_archiving_edits_and_removals_of_remaining_rows_are_found(old_then_young, tmp_path, tamper):
    _archive(tmp_path)
    remaining = list(ChangeRecord.objects.order_by("id"))
    if tamper == "edit":
        _edit_by_hand("UPDATE core_changerecord SET note = %s WHERE id = %s", ["篡改", remaining[3].id])
    elif tamper == "delete_first":
        _edit_by_hand("DELETE FROM core_changerecord WHERE id = %s", [remaining[0].id])
    else:
        _edit_by_hand("DELETE FROM core_changerecord WHERE id = %s", [remaining[-1].id])
    problem = verify()[1]
    assert problem is not None
    with pytest.raises(CommandError, match="校验失败"):
        call_command("audit_verify")


def test_removing_the_newest_rows_is_found_by_the_chain_head(tree):
    newest = list(ChangeRecord.objects.order_by("-id")[:2])
    assert AuditHead.objects.get().last_id == newest[0].id
    _edit_by_hand("DELETE FROM core_changerecord WHERE id >= %s", [newest[1].id])
    checked, problem = verify()
    assert "末尾的记录已被删除" in problem
    # the next append links to the head, so the gap stays visible
    _write(1, days_ago=0)
    assert verify()[1] is not None


def test_the_head_moves_once_per_append_and_per_batch(tree):
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        _write(50, days_ago=0, actor=tree.secretary_a)
    sql = [q["sql"] for q in queries.captured_queries]
    assert len([s for s in sql if s.startswith("UPDATE") and "core_audithead" in s]) == 1
    assert len([s for s in sql if s.startswith("SELECT") and "core_audithead" in s]) == 1
    # the head replaces a read of the records; taking their ids (core.bulk: nextval, or SQLite's counter) reads none
    ids = ("nextval(pg_get_serial_sequence", "FROM sqlite_sequence")
    assert not [s for s in sql if s.startswith("SELECT") and "core_changerecord" in s and not any(i in s for i in ids)]
    assert AuditHead.objects.get().last_id == ChangeRecord.objects.order_by("-id").first().id


def test_archive_refuses_rows_younger_than_the_retention(old_then_young, tmp_path):
    too_recent = timezone.localdate() - dt.timedelta(days=179)
    with pytest.raises(CommandError, match="只能归档 180 天以前"):
        call_command("audit_archive", "--before", too_recent.isoformat(), "--dir", str(tmp_path))
    assert ChangeRecord.objects.filter(id=old_then_young[0].id).exists()
    assert not list(tmp_path.iterdir())


def test_archive_takes_only_the_old_prefix_of_the_chain(installed_long_ago, tmp_path):
    old = _write(2, days_ago=OLD_DAYS)
    _write(1, days_ago=1)
    later_but_old = _write(2, days_ago=OLD_DAYS)  # old by its time, but after a young record in the chain
    done = _archive(tmp_path)
    assert (done.first_id, done.last_id, done.rows) == (installed_long_ago.id, old[-1].id, 3)
    assert ChangeRecord.objects.filter(id=later_but_old[0].id).exists()
    assert verify()[1] is None


def test_retention_below_the_legal_minimum_is_refused(old_then_young, tmp_path, settings):
    settings.AUDIT_RETENTION_DAYS = 30
    with pytest.raises(archiving.ArchiveError, match="不得少于 180 天"):
        _archive(tmp_path)
    settings.AUDIT_RETENTION_DAYS = 365
    assert _archive(tmp_path) is None  # 200 days old is within a 365-day retention


def test_a_broken_chain_is_never_archived(old_then_young, tmp_path):
    _edit_by_hand("UPDATE core_changerecord SET note = %s WHERE id = %s", ["篡改", old_then_young[1].id])
    with pytest.raises(archiving.ArchiveError, match="拒绝归档"):
        _archive(tmp_path)
    assert ChangeRecord.objects.filter(id=old_then_young[0].id).exists()
    assert not AuditAnchor.objects.exists() and not list(tmp_path.iterdir())


def test_a_tampered_archive_file_is_found(old_then_young, tmp_path):
    done = _archive(tmp_path)
    with gzip.open(done.path) as stored:
        lines = stored.read().decode().splitlines()
    row = json.loads(lines[2])
    row["note"] = "改过的"
    lines[2] = json.dumps(row, ensure_ascii=False)
    with gzip.open(done.path, "wb") as out:
        out.write(("\n".join(lines) + "\n").encode())
    with pytest.raises(CommandError, match="SHA-256"):
        call_command("audit_verify", "--archive", str(done.path))
    manifest = json.loads(done.manifest.read_text())
    manifest["sha256"] = archiving.sha256_of(done.path)  # the forger updates the manifest too
    done.manifest.write_text(json.dumps(manifest))
    rows, problem = archiving.verify_archive(done.path)
    assert "内容与摘要不符" in problem


pg_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="the append-only triggers are PostgreSQL's")


@pg_only
def test_postgresql_still_refuses_every_other_update_and_delete(old_then_young):
    old, young = old_then_young[0], ChangeRecord.objects.order_by("-id").first()
    statements = [
        ("UPDATE core_changerecord SET note = 'x' WHERE id = %s", old.id, False),
        ("DELETE FROM core_changerecord WHERE id = %s", old.id, False),  # old, but no archiving flag
        ("UPDATE core_changerecord SET note = 'x' WHERE id = %s", old.id, True),  # flag allows DELETE only
        ("DELETE FROM core_changerecord WHERE id = %s", young.id, True),  # flag, but too young
    ]
    for sql, row_id, flagged in statements:
        with pytest.raises(DatabaseError, match="只能追加"), transaction.atomic(), connection.cursor() as cursor:
            if flagged:
                cursor.execute("SET LOCAL dangjian.audit_archiving = 'on'")
            cursor.execute(sql, [row_id])
    assert ChangeRecord.objects.filter(id__in=[old.id, young.id]).count() == 2


@pg_only
def test_postgresql_keeps_the_head_moving_forward_and_anchors_append_only(old_then_young, tmp_path):
    _archive(tmp_path)
    for sql, message in [("UPDATE core_audithead SET last_id = last_id - 1", "链头只能"),
                         ("DELETE FROM core_audithead", "链头只能"),
                         ("UPDATE core_auditanchor SET end_hash = 'x'", "只能追加"),
                         ("DELETE FROM core_auditanchor", "只能追加")]:
        with pytest.raises(DatabaseError, match=message), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert verify()[1] is None
