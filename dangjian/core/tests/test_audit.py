"""The audit chain: every write links to the one before; an edited or removed row is found."""

from importlib import import_module

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.urls import reverse

from dangjian.core.audit import GENESIS, verify
from dangjian.core.models import ChangeRecord
from dangjian.members.actions import member_update
from dangjian.testing import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db


def test_every_write_extends_an_unbroken_chain(tree):
    member = tree.members["a"][0]
    member_update(acting_user=tree.secretary_a, member=member, address="新地址")
    rows = list(ChangeRecord.objects.order_by("id"))
    assert rows[0].prev_hash == GENESIS
    assert all(b.prev_hash == a.hash for a, b in zip(rows, rows[1:], strict=False))
    assert verify() == (len(rows), None)
    call_command("audit_verify")


def test_login_failure_success_and_logout_are_recorded_with_address_and_request_id(tree, client):
    client.post(reverse("accounts:login"), {"username": "secretary_a", "password": "wrong-Pass-1"})
    response = client.post(reverse("accounts:login"), {"username": "secretary_a", "password": DEFAULT_PASSWORD},
                           HTTP_X_REQUEST_ID="req-42")
    client.post(reverse("accounts:logout"))
    actions = list(ChangeRecord.objects.order_by("id").values_list("action", flat=True))[-3:]
    assert actions == ["login_failed", "login", "logout"]
    login = ChangeRecord.objects.get(action="login")
    assert login.address == "127.0.0.1" and login.actor == tree.secretary_a
    # the server's own id, answered to the client; the client's kept beside it
    assert login.request_id == response["X-Request-ID"] and len(login.request_id) == 32
    assert login.client_request_id == "req-42"
    assert verify()[1] is None


def _edit_by_hand(sql, params):
    """A database owner going around the triggers (on SQLite: dropping the head's and putting it back)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS core_audithead_forward_only")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = origin")
        else:
            cursor.execute(import_module("dangjian.core.migrations.0004_audit_anchored").SQLITE_HEAD)


def test_a_row_edited_by_hand_breaks_the_chain(tree):
    target = ChangeRecord.objects.order_by("id")[2]
    _edit_by_hand("UPDATE core_changerecord SET object_repr = %s WHERE id = %s", ["篡改", target.id])
    checked, problem = verify()
    assert checked == 2 and "已被改动" in problem
    with pytest.raises(CommandError, match="校验失败"):
        call_command("audit_verify")


def test_a_row_deleted_by_hand_breaks_the_chain(tree):
    target = ChangeRecord.objects.order_by("id")[3]
    _edit_by_hand("DELETE FROM core_changerecord WHERE id = %s", [target.id])
    assert "删除或改动" in verify()[1]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the append-only trigger is PostgreSQL's")
def test_postgresql_refuses_updates_and_deletes(tree):
    from django.db import DatabaseError

    row = ChangeRecord.objects.order_by("id").first()
    for statement in ("UPDATE core_changerecord SET note = 'x' WHERE id = %s",
                      "DELETE FROM core_changerecord WHERE id = %s"):
        with pytest.raises(DatabaseError, match="只能追加"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [row.id])


# -- the chain anchored at both ends (issue 12 item 1) --------------------------------------------

def _erase_by_hand(*tables):
    """What a database owner can do on SQLite, or on PostgreSQL with the triggers switched off."""
    for table in tables:
        _edit_by_hand(f"DELETE FROM {table}", [])  # noqa: S608 - fixed table names


def test_a_new_log_starts_with_a_sealed_genesis_record(db):
    from dangjian.core.audit import GENESIS_ACTION, head

    genesis = ChangeRecord.objects.order_by("id").first()
    assert genesis.action == GENESIS_ACTION and genesis.prev_hash == GENESIS
    assert verify() == (ChangeRecord.objects.count(), None)
    assert head()[2] == ChangeRecord.objects.count()


def test_an_erased_log_is_found_and_no_fresh_chain_is_started(tree):
    from dangjian.core.audit import AuditChainBroken
    from dangjian.core.history import record_change

    _erase_by_hand("core_changerecord", "core_audithead")
    checked, problem = verify()
    assert checked == 0 and "日志已被整体删除" in problem
    with pytest.raises(CommandError, match="整体删除"):
        call_command("audit_verify")
    with pytest.raises(AuditChainBroken, match="链头缺失"):
        record_change(actor=tree.secretary_a, action="member_update", obj=tree.members["a"][0])
    assert not ChangeRecord.objects.exists()


def test_erasing_the_records_but_keeping_the_head_is_found(tree):
    _erase_by_hand("core_changerecord")
    assert "删除" in verify()[1]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE and its trigger are PostgreSQL's")
def test_postgresql_refuses_to_truncate_the_audit_tables(tree):
    from django.db import DatabaseError

    count = ChangeRecord.objects.count()
    for table in ("core_changerecord", "core_audithead", "core_auditanchor"):
        with pytest.raises(DatabaseError, match="不能清空"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {table} CASCADE")
    assert ChangeRecord.objects.count() == count and verify()[1] is None


def test_the_head_cannot_be_moved_past_the_log(tree):
    from django.db import DatabaseError

    from dangjian.core.models import AuditHead

    before = AuditHead.objects.get()
    for statement in ("UPDATE core_audithead SET last_id = last_id + 5",
                      "UPDATE core_audithead SET last_id = last_id - 1",
                      "UPDATE core_audithead SET length = length + 1"):
        with pytest.raises(DatabaseError, match="链头只能"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    assert AuditHead.objects.get().last_id == before.last_id
    member_update(acting_user=tree.secretary_a, member=tree.members["a"][0], address="仍可写入")
    assert verify()[1] is None


def test_a_head_moved_back_over_removed_records_without_the_key_is_found(tree):
    newest, previous = ChangeRecord.objects.order_by("-id")[:2]
    _edit_by_hand("DELETE FROM core_changerecord WHERE id = %s", [newest.id])
    _edit_by_hand("UPDATE core_audithead SET last_id = %s, hash = %s, length = length - 1",
                  [previous.id, previous.hash])
    assert "签名不符" in verify()[1]


def test_a_restarted_chain_is_found_by_the_head_kept_off_the_server(tree, capsys):
    from dangjian.core.audit import start_chain

    call_command("audit_verify")
    kept = capsys.readouterr().out.strip().splitlines()[-1]
    call_command("audit_verify", "--expect-head", kept)
    member_update(acting_user=tree.secretary_a, member=tree.members["a"][0], address="之后的修改")
    call_command("audit_verify", "--expect-head", kept)  # the log goes on past the kept head
    # someone holding the database and the data key erases the log and starts it again
    _erase_by_hand("core_changerecord", "core_audithead")
    start_chain()
    member_update(acting_user=tree.secretary_a, member=tree.members["a"][0], address="重新开始")
    assert verify()[1] is None  # sealed with the right key: only the kept head can tell
    with pytest.raises(CommandError, match="不在日志中"):
        call_command("audit_verify", "--expect-head", kept)
    with pytest.raises(CommandError, match="编号:摘要"):
        call_command("audit_verify", "--expect-head", "nonsense")
