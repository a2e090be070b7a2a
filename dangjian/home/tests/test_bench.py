"""``dangjian bench`` start to finish at the tiny scale, so a step broken by a change elsewhere (a
page that now redirects, a renamed query) fails the suite instead of the next ``make bench``.

The ``import``, ``worker`` and ``roster_job`` steps start other processes (``dangjian import-members``,
gunicorn, ``dangjian worker``), which cannot see the test database; what they run has tests of its own."""

import io

import pytest
from django.core.management import CommandError, call_command

from dangjian.core.registry import bench_steps, with_prerequisites

pytestmark = pytest.mark.django_db

IN_ANOTHER_PROCESS = ["import", "worker", "roster_job"]


def test_bench_runs_every_step_at_a_tiny_scale(tmp_path):
    output = tmp_path / "benchmarks.md"
    call_command("bench", scale="tiny", requests=4, items=60, skip=IN_ANOTHER_PROCESS, output=str(output),
                 stdout=io.StringIO())
    table = output.read_text(encoding="utf-8")
    for label in ("demo-data --scale tiny", "党员列表页 p95", "根组织统计", "分解 10,000 字讲话", "三单列表页 p95",
                  "组织生活落实情况", "查询次数"):
        assert label in table, label
    assert "个党组织" in table and "查询条件不出现在网址中" in table


def test_only_runs_a_step_with_the_steps_it_needs():
    names = [s.name for s in with_prerequisites(bench_steps(), ["list"])]
    assert names == ["data", "list"]


def test_an_unknown_step_is_refused():
    with pytest.raises(CommandError, match="没有测量项"):
        call_command("bench", only=["nonesuch"])
