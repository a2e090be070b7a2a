"""Against the real hot standby of ``make replica`` (PostgreSQL streaming replication on
127.0.0.1:5433, docs/scaling.md): writes on the primary, reports read on the standby through the
router, writes refused there, and a session that wrote reads the primary until the standby has
replayed its write. Skipped, with the reason, where no such standby answers."""

import datetime as dt
import time

import psycopg
import pytest
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections, router
from django.test.utils import CaptureQueriesContext

from dangjian.core.idnumbers import make_id_number
from dangjian.core.replicas import LSN_COOKIE, primary_lsn, reading
from dangjian.core.standby import streaming
from dangjian.jobs.actions import job_start
from dangjian.jobs.testing import run_jobs
from dangjian.members.jobs import ROSTER
from dangjian.orgs.models import Organization
from dangjian.orgs.stats import subtree_statistics
from dangjian.testing import replica_alias, small_tree

REPLICA_PORT = 5433
pytestmark = pytest.mark.django_db(transaction=True)


def _standby_dsn(dbname: str) -> str:
    info = connection.settings_dict
    return (f"host={info['HOST'] or '127.0.0.1'} port={REPLICA_PORT} user={info['USER'] or 'postgres'} "
            f"dbname={dbname} connect_timeout=2")


def _system_id(cursor) -> int:
    cursor.execute("SELECT system_identifier FROM pg_control_system()")
    return cursor.fetchone()[0]


def _wait_for_replay(lsn: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    with psycopg.connect(_standby_dsn("postgres"), autocommit=True) as standby:
        while not standby.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn]).fetchone()[0]:
            assert time.monotonic() < deadline, f"备用库 {seconds} 秒内没有回放到 {lsn}"
            time.sleep(0.05)


@pytest.fixture
def standby(settings):
    if connection.vendor != "postgresql":
        pytest.skip("流复制只在 PostgreSQL 上有：SQLite 没有只读副本，路由不起作用（见 test_replicas.py）")
    try:
        with psycopg.connect(_standby_dsn("postgres"), autocommit=True) as probe:
            in_recovery = probe.execute("SELECT pg_is_in_recovery()").fetchone()[0]
            theirs = _system_id(probe.cursor())
    except psycopg.OperationalError:
        pytest.skip(f"127.0.0.1:{REPLICA_PORT} 上没有备用库：先运行 make replica"
                    "（主库须允许复制连接，见 docs/scaling.md）")
    with connection.cursor() as cursor:
        ours = _system_id(cursor)
    if not in_recovery or theirs != ours:
        pytest.skip(f"127.0.0.1:{REPLICA_PORT} 上的服务器不是本主库的备用库")
    if not streaming(f"postgres://{connection.settings_dict['USER'] or 'postgres'}@127.0.0.1:{REPLICA_PORT}/postgres"):
        pytest.skip(f"127.0.0.1:{REPLICA_PORT} 上的备用库没有在接收主库的 WAL：重新运行 make replica")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        _wait_for_replay(cursor.fetchone()[0])  # the test database itself, created by this run
    with replica_alias(settings, PORT=REPLICA_PORT) as alias:
        yield alias


def _on(alias: str, sql: str):
    with connections[alias].cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def test_reports_read_on_the_standby_and_a_session_that_wrote_reads_its_write(standby, client):
    tree = small_tree()
    _wait_for_replay(primary_lsn())

    # a report through the router runs on the standby, and sees what the primary committed
    with reading() as chosen, CaptureQueriesContext(connections[standby]) as on_standby:
        assert chosen == standby == router.db_for_read(Organization)
        assert _on(router.db_for_read(Organization), "SELECT pg_is_in_recovery()") is True
        stats = subtree_statistics(tree.county)
    assert stats.total == 9
    assert len(on_standby) >= 2
    assert _on(DEFAULT_DB_ALIAS, "SELECT pg_is_in_recovery()") is False

    # the standby refuses writes
    with pytest.raises(DatabaseError, match="read-only"):
        Organization.objects.using(standby).filter(pk=tree.a.pk).update(name="改不了")

    # with replay paused, a session that just wrote reads the primary; another session the standby
    writer, other = client, type(client)()
    writer.force_login(tree.county_admin)
    other.force_login(tree.county_admin)
    _on(standby, "SELECT pg_wal_replay_pause()")
    try:
        response = writer.post("/api/members/", {
            "org": tree.a.pk, "name": "马晓燕", "id_number": make_id_number("110101", dt.date(1992, 4, 3), 777, "F"),
            "phone": "13700001234", "joined_on": "2016-06-30", "confirmed_on": "2017-06-30",
            "education": "university"}, content_type="application/json")
        assert response.status_code == 201, response.content
        assert LSN_COOKIE in writer.cookies
        page = f"/orgs/{tree.a.pk}/"
        with CaptureQueriesContext(connections[standby]) as on_standby:
            own = writer.get(page)
        assert own.context["stats"].total == 5  # its own new member, from the primary
        assert all("pg_last_wal_replay_lsn" in q["sql"] for q in on_standby)  # only the replay check
        with CaptureQueriesContext(connections[standby]) as on_standby:
            theirs = other.get(page)
        assert theirs.context["stats"].total == 4  # the standby, not yet replayed
        assert len(on_standby) > 0
    finally:
        _on(standby, "SELECT pg_wal_replay_resume()")

    # once the standby has replayed the write, the writing session reads there too
    _wait_for_replay(writer.cookies[LSN_COOKIE].value)
    with CaptureQueriesContext(connections[standby]) as on_standby:
        again = writer.get(page)
    assert again.context["stats"].total == 5
    assert any("pg_last_wal_replay_lsn" not in q["sql"] for q in on_standby)


def test_an_export_job_reads_on_the_standby_what_was_committed_before_it_started(standby):
    tree = small_tree()  # committed just now: the job waits for the standby to replay it
    job = job_start(acting_user=tree.county_admin, kind=ROSTER, title="党员名册", params={"filters": {}})
    with CaptureQueriesContext(connections[standby]) as on_standby:
        run_jobs()
    job.refresh_from_db()
    assert (job.state, job.result_rows) == ("done", 9)
    assert any("members_member" in q["sql"] for q in on_standby)
