"""The audit chain: every write links to the one before; an edited or removed row is found."""

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
    client.post(reverse("accounts:login"), {"username": "secretary_a", "password": DEFAULT_PASSWORD},
                HTTP_X_REQUEST_ID="req-42")
    client.post(reverse("accounts:logout"))
    actions = list(ChangeRecord.objects.order_by("id").values_list("action", flat=True))[-3:]
    assert actions == ["login_failed", "login", "logout"]
    login = ChangeRecord.objects.get(action="login")
    assert login.address == "127.0.0.1" and login.request_id == "req-42" and login.actor == tree.secretary_a
    assert verify()[1] is None


def _edit_by_hand(sql, params):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # a superuser going around the append-only trigger
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)


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
