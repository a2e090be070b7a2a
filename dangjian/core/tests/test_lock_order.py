"""One lock order for every audited write: the audit chain first, then row locks
(``history.audited_transaction``). Before it, an edit that held an organisation row ``FOR UPDATE``
waited for the chain while a create that held the chain waited — at commit, for its deferred
foreign-key check — for that organisation row: PostgreSQL broke the cycle with "deadlock detected"
and the API answered 500. A database race that still happens is answered 503 in Chinese."""

import ast
import threading
from pathlib import Path

import pytest
from django.db import OperationalError, connection, connections
from django.test import Client

from dangjian.accounts.actions import api_token_issue
from dangjian.core.actors import SYSTEM
from dangjian.core.errors import BUSY_MESSAGE
from dangjian.members.models import Member
from dangjian.worklists.models import WorkItem

PACKAGE = Path(__file__).resolve().parents[2]
AUDIT_WRITERS = ("record_change", "record_changes", "record_import", "record_export")
JOIN_TIMEOUT = 120


def _audit_writing_modules():
    for path in PACKAGE.rglob("*.py"):
        if "tests" in path.parts or path.name == "history.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                    and (node.module or "").endswith("history") for alias in node.names}
        if imported & set(AUDIT_WRITERS):
            yield path, tree


def test_every_audited_write_opens_its_transaction_with_the_chain_lock():
    """A plain ``@transaction.atomic`` on a function of a module that writes the audit log would let
    that function lock rows before the chain again."""
    offenders = []
    for path, tree in _audit_writing_modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef):
                for decorator in node.decorator_list:
                    if ast.unparse(decorator) in ("transaction.atomic", "transaction.atomic()", "atomic"):
                        offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {node.name}")
    assert not offenders, "use @audited_transaction() instead: " + ", ".join(offenders)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="needs concurrent transactions on separate connections (PostgreSQL); "
                           "SQLite serialises writers on one file lock")
def test_concurrent_member_edits_and_new_items_never_deadlock(tree):
    """Three clients edit members of a branch while three create work items for it, through the
    API. Every write succeeds: no deadlock, no 500, no 503."""
    token = api_token_issue(acting_user=SYSTEM, user=tree.secretary_a, name="concurrency")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    rounds = 8
    statuses, failures = [], []
    start = threading.Barrier(6)

    def edit(member_pk):
        client = Client()
        try:
            start.wait(timeout=JOIN_TIMEOUT)
            for i in range(rounds):
                version = Member.objects.get(pk=member_pk).version
                response = client.patch(f"/api/members/{member_pk}", {"version": version, "work_unit": f"单位{i}"},
                                        content_type="application/json", **auth)
                statuses.append(response.status_code)
                if response.status_code != 200:
                    failures.append(response.content[:300])
        finally:
            connections.close_all()

    def create(n):
        client = Client()
        try:
            start.wait(timeout=JOIN_TIMEOUT)
            for i in range(rounds):
                body = {"org": tree.a.pk, "kind": "task", "title": f"并发事项{n}-{i}", "measures": ["按月报告"]}
                response = client.post("/api/worklists/items", body, content_type="application/json", **auth)
                statuses.append(response.status_code)
                if response.status_code != 201:
                    failures.append(response.content[:300])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=edit, args=(m.pk,)) for m in tree.members["a"][:3]]
    threads += [threading.Thread(target=create, args=(n,)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(JOIN_TIMEOUT)
    assert not any(t.is_alive() for t in threads), "a thread is stuck (a lock never released)"
    assert not failures, failures[:3]
    assert len(statuses) == 6 * rounds
    assert WorkItem.objects.filter(org=tree.a, title__startswith="并发事项").count() == 3 * rounds
    assert all(Member.objects.get(pk=m.pk).work_unit == f"单位{rounds - 1}" for m in tree.members["a"][:3])


def _lose_a_race(*args, **kwargs):
    # What the driver raises when PostgreSQL breaks a deadlock or SQLite's write lock times out.
    raise OperationalError("database is locked")


@pytest.mark.django_db
def test_a_lost_database_race_is_a_503_in_chinese_on_the_api(client, tree, monkeypatch):
    from dangjian.members import actions

    monkeypatch.setattr(actions, "member_update", _lose_a_race)
    token = api_token_issue(acting_user=SYSTEM, user=tree.secretary_a, name="busy")
    member = tree.members["a"][0]
    response = client.patch(f"/api/members/{member.pk}", {"version": member.version, "work_unit": "新单位"},
                            content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 503, response.content.decode()
    assert response.json() == {"detail": BUSY_MESSAGE}
    assert response["Retry-After"] == "1"
    assert Member.objects.get(pk=member.pk).work_unit != "新单位"


@pytest.mark.django_db
def test_a_lost_database_race_is_a_503_page_in_chinese(login, tree, monkeypatch):
    monkeypatch.setattr("dangjian.members.actions.member_update", _lose_a_race)
    client = login(tree.secretary_a)
    client.raise_request_exception = False
    member = tree.members["a"][0]
    form = {"name": "改名", "gender": "M", "ethnicity": "汉族", "birth_date": member.birth_date.isoformat(),
            "id_number": "", "phone": "", "org": tree.a.pk, "joined_on": member.joined_on.isoformat(),
            "confirmed_on": member.confirmed_on.isoformat(), "membership_type": "full", "status": "normal",
            "version": member.version}
    response = client.post(f"/members/{member.pk}/edit/", form)
    assert response.status_code == 503, response.content.decode()
    assert BUSY_MESSAGE in response.content.decode()
    assert response["Retry-After"] == "1"


@pytest.mark.django_db
def test_any_other_database_fault_is_not_disguised_as_busy(client, tree, monkeypatch):
    def broken(*args, **kwargs):
        raise OperationalError("no such column: members_member.nothing")

    monkeypatch.setattr("dangjian.members.actions.member_update", broken)
    client.raise_request_exception = False
    token = api_token_issue(acting_user=SYSTEM, user=tree.secretary_a, name="fault")
    member = tree.members["a"][0]
    response = client.patch(f"/api/members/{member.pk}", {"version": member.version, "work_unit": "新单位"},
                            content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 500
