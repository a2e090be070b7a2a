"""The replica router's decisions (core/replicas.py), on either database. The alias here is a second
connection to the test database itself: these tests check where reads are sent, not what a standby
returns — test_replica_streaming.py does that against the real standby of ``make replica``."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS, connection, router, transaction
from django.http import HttpResponse

from dangjian.core.replicas import LSN_COOKIE, ReplicaPinMiddleware, reading
from dangjian.core.standby import StandbyError, find_bin_dir
from dangjian.core.standby import main as standby_main
from dangjian.orgs.models import Organization
from dangjian.testing import replica_alias

# In a test's own transaction every read would rightly stay on the primary (an open transaction):
# these tests commit, as requests do.
pytestmark = pytest.mark.django_db(transaction=True)


def test_without_a_replica_the_router_leaves_everything_to_django(tree, client):
    with reading() as chosen:
        assert chosen is None
        assert router.db_for_read(Organization) == DEFAULT_DB_ALIAS
    assert router.db_for_write(Organization) == DEFAULT_DB_ALIAS
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "orgs") is True
    client.force_login(tree.county_admin)
    response = client.post(f"/orgs/{tree.a.pk}/edit/", {})
    assert LSN_COOKIE not in response.cookies


def test_inside_reading_business_tables_go_to_the_replica_and_accounts_stay_on_the_primary(settings):
    with replica_alias(settings) as alias:
        assert router.db_for_read(Organization) == DEFAULT_DB_ALIAS  # outside reading(): the primary
        with reading() as chosen:
            assert chosen == alias
            assert router.db_for_read(Organization) == alias
            assert router.db_for_read(get_user_model()) == DEFAULT_DB_ALIAS
        assert router.db_for_read(Organization) == DEFAULT_DB_ALIAS
        # writes go to the primary, even for an object read on the replica; no migrations there
        assert router.db_for_write(Organization) == DEFAULT_DB_ALIAS
        assert router.allow_migrate(alias, "orgs") is False
        assert router.allow_migrate(DEFAULT_DB_ALIAS, "orgs") is True


def test_inside_a_write_transaction_reads_stay_on_the_primary(settings):
    with replica_alias(settings) as alias:
        with reading():
            assert router.db_for_read(Organization) == alias
            with transaction.atomic():
                assert router.db_for_read(Organization) == DEFAULT_DB_ALIAS
        with transaction.atomic(), reading() as chosen:
            assert chosen is None
            assert router.db_for_read(Organization) == DEFAULT_DB_ALIAS


def test_a_report_page_reads_on_the_replica(settings, tree, client, monkeypatch):
    """The organisation page's statistics run inside reading(): the router's answer while they run."""
    from dangjian.orgs import views

    seen, real = [], views.subtree_statistics
    monkeypatch.setattr(views, "subtree_statistics", lambda org: seen.append(router.db_for_read(Organization))
                        or real(org))
    client.force_login(tree.county_admin)
    with replica_alias(settings) as alias:
        assert client.get(f"/orgs/{tree.a.pk}/").status_code == 200
    assert seen == [alias]


def test_a_request_that_can_write_reads_from_the_primary_and_pins_its_session(settings, rf):
    seen = []

    def view(request):
        with reading() as chosen:
            seen.append(chosen)
        return HttpResponse()

    with replica_alias(settings) as alias:
        middleware = ReplicaPinMiddleware(view)
        middleware(rf.get("/"))
        response = middleware(rf.post("/"))
    assert seen == [alias, None]
    if connection.vendor == "postgresql":  # the primary's WAL position, for the pin's lifetime
        assert re.fullmatch(r"[0-9A-F]+/[0-9A-F]+", response.cookies[LSN_COOKIE].value)
        assert response.cookies[LSN_COOKIE]["max-age"] == settings.REPLICA_PIN_SECONDS
    else:
        assert LSN_COOKIE not in response.cookies


def test_replica_settings_make_aliases_and_refuse_sqlite():
    code = ("import json; from dangjian import settings as s; print(json.dumps([s.REPLICA_ALIASES, "
            "s.DATABASES['replica2']['PORT'], s.DATABASES['replica']['TEST'], "
            "s.DATABASES['default']['DISABLE_SERVER_SIDE_CURSORS']]))")
    env = {**os.environ, "DATABASE_URL": "postgres://u@127.0.0.1:5432/d", "DANGJIAN_PGBOUNCER": "1",
           "DANGJIAN_REPLICA_URL": "postgres://u@127.0.0.1:5433/d, postgres://u@10.0.0.2:6432/d"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == [["replica", "replica2"], 6432, {"MIRROR": "default"}, True]
    env["DATABASE_URL"] = "sqlite:////tmp/x.sqlite3"
    refused = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert refused.returncode != 0
    assert "只读副本）只用于 PostgreSQL" in refused.stderr


def test_make_replica_names_what_is_missing_in_chinese(tmp_path, capsys):
    with pytest.raises(StandbyError, match="找不到 pg_basebackup"):
        find_bin_dir("15", str(tmp_path))
    # nothing listens on this port: status says so and fails; stop without a data directory is a no-op
    assert standby_main(["status", "--port", "1", "--dir", str(tmp_path / "none")]) == 1
    assert standby_main(["stop", "--port", "1", "--dir", str(tmp_path / "none")]) == 0
    out = capsys.readouterr().out
    assert "127.0.0.1:1 上没有备用库" in out
    assert "无需停止" in out


def test_no_statement_outlives_its_transaction_behind_pgbouncer():
    """pgbouncer in transaction mode (DANGJIAN_PGBOUNCER) hands a server connection to another client
    after each transaction: a session-level SET, session advisory lock or LISTEN would leak there."""
    leaking = re.compile(r"""execute\(\s*f?["']\s*(SET\s+(?!LOCAL\b)|LISTEN\b|SELECT\s+pg_(try_)?advisory_lock)""",
                         re.IGNORECASE)
    package = Path(__file__).resolve().parents[2]
    found = [f"{path.relative_to(package)}:{n}" for path in package.rglob("*.py")
             if "tests" not in path.parts and "migrations" not in path.parts
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if leaking.search(line)]
    assert found == []
    assert leaking.search('cursor.execute("SET statement_timeout = 0")')  # what it would catch
    assert not leaking.search("cursor.execute(\"SET LOCAL dangjian.audit_archiving = 'on'\")")
