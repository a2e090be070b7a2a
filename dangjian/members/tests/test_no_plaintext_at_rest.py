"""No searched ID or phone number at rest (issue 12 item 3): after searching the roster by them,
neither any table — the session table decoded as an attacker would — nor a backup holds them in
clear; expired sessions are purged by ``dangjian purge-sessions``."""

import datetime as dt
import sqlite3

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from dangjian.accounts.models import UserSession
from dangjian.members.models import Member
from dangjian.testing import make_member

PHONE = "13912345678"


def _private_values() -> set[str]:
    values = set()
    for member in Member.objects.all():
        values |= {member.reveal_id_number(), member.reveal_phone()}
    return {v for v in values if v}


def _texts_of(rows, session_column: int | None = None):
    """Every value of every row as text; a session's data decoded, as anyone reading the table could."""
    for row in rows:
        for i, value in enumerate(row):
            text = bytes(value).decode("latin-1") if isinstance(value, (bytes, memoryview)) else str(value)
            yield text
            if i == session_column:
                yield repr(SessionStore().decode(text))


def _database_texts(cursor, tables):
    for table in tables:
        cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - names from introspection
        column = [d[0] for d in cursor.description].index("session_data") if table == "django_session" else None
        yield from _texts_of(cursor.fetchall(), column)


def _search(client, terms):
    for term in terms:
        posted = client.post(reverse("members:list"), {"q": term})
        assert posted.status_code == 303
        assert client.get(posted["Location"]).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_no_searched_id_or_phone_number_in_any_table_or_backup(tree, login, tmp_path):
    make_member(tree.a, name="有手机", phone=PHONE)
    client = login(tree.secretary_a)
    member = tree.members["a"][1]
    _search(client, [member.reveal_id_number(), PHONE, member.reveal_id_number().lower()])
    private = _private_values()
    assert member.reveal_id_number() in private and PHONE in private
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        found = [t for t in _database_texts(cursor, tables) if any(v in t or v.lower() in t for v in private)]
    assert found == []
    if connection.vendor == "sqlite":  # the backup file itself (PostgreSQL's dump holds the same tables)
        call_command("backup", output=str(tmp_path))
        (folder,) = tmp_path.iterdir()
        with sqlite3.connect(folder / "db.sqlite3") as copy:
            names = [r[0] for r in copy.execute("SELECT name FROM sqlite_master WHERE type='table'")]
            found = [t for t in _database_texts(copy.cursor(), names) if any(v in t for v in private)]
        assert found == []
        raw = (folder / "db.sqlite3").read_bytes().decode("latin-1")
        assert not any(v in raw for v in private)


@pytest.mark.django_db
def test_expired_sessions_and_their_filters_are_purged(tree, login):
    client = login(tree.secretary_a)
    _search(client, [tree.members["a"][1].reveal_id_number()])
    live_key = client.session.session_key
    stale = SessionStore()
    stale["saved_filters"] = {"abc": {"sealed": "x", "at": 0}}
    stale.create()
    Session.objects.filter(session_key=stale.session_key).update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    UserSession.objects.create(user=tree.secretary_b, session_key=stale.session_key)
    call_command("purge_sessions")
    assert not Session.objects.filter(session_key=stale.session_key).exists()
    assert not UserSession.objects.filter(session_key=stale.session_key).exists()
    assert Session.objects.filter(session_key=live_key).exists()
    assert client.get(reverse("members:list")).status_code == 200  # the live session goes on
