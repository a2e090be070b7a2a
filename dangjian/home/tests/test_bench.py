"""``dangjian bench`` start to finish at the tiny scale, so a step broken by a change elsewhere (a
page that now redirects, a renamed query) fails the suite instead of the next ``make bench``.

The ``import``, ``server``, ``worker``, ``roster_job`` and ``orglife_export`` steps start other processes
(``dangjian import-members``, gunicorn, ``dangjian worker``, ``dangjian orglife-report``), which cannot
see the test database; the commands that ``import`` and ``orglife_export`` run have tests of their own,
and the pieces those steps are made of (a child's own peak memory, the calamine limit, a gunicorn
and its throughput) are tested here."""

import io
import re

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from dangjian.core.benchmarking import fetch, gunicorn, run_measured, throughput, versus
from dangjian.core.registry import bench_steps, with_prerequisites
from dangjian.members.bench import calamine_read
from dangjian.members.io.exporting import sample_member_rows, write_member_workbook

pytestmark = pytest.mark.django_db

IN_ANOTHER_PROCESS = ["import", "server", "worker", "roster_job", "orglife_export"]
# rows every measuring step may add: the audit log is append-only, a session is a login
GROWING = {"core.changerecord", "core.chainhead", "sessions.session", "accounts.usersession"}


def test_bench_runs_every_step_at_a_tiny_scale(tmp_path):
    output = tmp_path / "benchmarks.md"
    call_command("bench", scale="tiny", requests=4, items=60, skip=IN_ANOTHER_PROCESS, output=str(output),
                 stdout=io.StringIO())
    table = output.read_text(encoding="utf-8")
    for label in ("demo-data --scale tiny", "党员列表页 p95", "根组织统计", "分解 10,000 字讲话", "三单列表页 p95",
                  "组织生活落实情况", "查询次数", "全部自动指标", "根组织数据看板", "党内统计表（从快照填报",
                  "督查通报页", "分层随机抽取", "根组织党费对账", "分解核对页", "选择器查找 p95"):
        assert label in table, label
    assert "个党组织" in table and "查询条件不出现在网址中" in table
    # the limits measured in the same run, and our figures as ratios beside them
    for limit in ("极限：子树党员的一次 GROUP BY", "极限：子树全年会议的一次 GROUP BY"):
        assert limit in table, limit
    stats_row = next(line for line in table.splitlines() if "subtree_statistics" in line)
    assert re.search(r"\| \d+\.\d×（GROUP BY \d+ ms） \|", stats_row), stats_row
    database_row = next(line for line in table.splitlines() if "数据库部分" in line)
    assert "×（GROUP BY" in database_row


def _row_counts() -> dict[str, int]:
    return {m._meta.label_lower: m._base_manager.count() for m in apps.get_models() if m._meta.managed}


def test_every_step_leaves_the_data_as_it_found_it():
    """No step may depend on what an earlier one left: each measuring step removes what it wrote."""
    out = io.StringIO()
    call_command("bench", scale="tiny", only=["data"], output="/dev/null", stdout=out)
    for step in bench_steps():
        if step.name in ("data", *IN_ANOTHER_PROCESS):
            continue
        before = _row_counts()
        call_command("bench", scale="tiny", reuse=True, requests=2, items=30, only=[step.name],
                     output="/dev/null", stdout=out)
        changed = {k: (before[k], n) for k, n in _row_counts().items() if n != before[k] and k not in GROWING}
        assert not changed, (step.name, changed)


def test_only_runs_a_step_with_the_steps_it_needs():
    names = [s.name for s in with_prerequisites(bench_steps(), ["list"])]
    assert names == ["data", "list"]


def test_an_unknown_step_is_refused():
    with pytest.raises(CommandError, match="没有测量项"):
        call_command("bench", only=["nonesuch"])


def test_a_child_reports_its_own_peak_memory_not_its_parents():
    """wait4 would report at least the parent's resident memory at fork; the child's own VmHWM
    after exec is that of a small interpreter."""
    ballast = bytearray(150 * 2**20)
    ballast[:: 4096] = b"x" * len(ballast[:: 4096])  # touch every page: resident, not just reserved
    code, output, peak_mb = run_measured("platform", [])
    assert code == 0 and "Linux" in output
    assert 3 < peak_mb < 100, peak_mb
    del ballast


def test_the_import_limit_reads_every_row_of_the_file(tmp_path):
    path = tmp_path / "members.xlsx"
    write_member_workbook(path, sample_member_rows(30, org_codes=["X1"]))
    calamine_read(path)  # reads without error; the bench times it
    from python_calamine import CalamineWorkbook
    assert CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).height >= 31


def test_ratio_beside_the_limit():
    assert versus(0.3, 0.1, "GROUP BY") == "3.0×（GROUP BY 100 ms）"
    assert versus(50, 500, "登录页", unit="次/秒", higher_is_better=True) == "0.10×（登录页 500.0 次/秒）"


def test_a_static_file_and_the_login_page_through_gunicorn():
    """The server limits of the bench, through a real gunicorn: a static file and the login page
    answer 200 and give a throughput."""
    call_command("collectstatic", interactive=False, verbosity=0)
    with gunicorn(workers=1) as (port, _):
        assert fetch(port, "/static/css/site.css")[0] == 200
        assert fetch(port, "/")[0] == 302  # a redirect to the login page is measured as such, never followed
        rps, one = throughput(port, "/accounts/login/", clients=2, seconds=0.5)
    assert rps > 0 and one > 0


def test_the_bench_session_is_a_logged_in_one(tree, client):
    """The bench's pages are measured with this cookie: an anonymous session would measure the
    redirect to the login page (as it did while the cookie named a backend not configured)."""
    from dangjian.home.bench import session_cookie

    name, key = session_cookie(tree.county_admin).split("=", 1)
    client.cookies[name] = key
    assert client.get("/").status_code == 200
    assert client.get("/api/members/?limit=5").status_code == 200
