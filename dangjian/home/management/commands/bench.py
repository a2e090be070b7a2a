"""``dangjian bench``: every figure the apps register (their ``bench.py``), measured and written to
docs/benchmarks.md.

Meant for PostgreSQL (``make bench`` points DATABASE_URL at a scratch database). Benchmarks are
separate from the tests: they print figures and never fail on a time. Each app measures its own
figures in its ``bench.py`` (``register_bench`` in dangjian/core/registry.py); this command only
runs them in the order their declared dependencies give and writes the table.

Before every step the database is settled (``benchmarking.settle``: VACUUM ANALYZE on PostgreSQL),
so a step measures the same state whichever steps ran before it. A row may carry a fourth column:
the figure as a multiple of its limit on this machine, measured in the same run.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
from pathlib import Path
from types import SimpleNamespace

from django.conf import settings
from django.core.management import BaseCommand, CommandError
from django.db import connection

from dangjian.core.benchmarking import settle
from dangjian.core.registry import bench_steps, with_prerequisites


class Command(BaseCommand):
    help = "测量性能指标（建议在 PostgreSQL 上运行），结果打印并写入 docs/benchmarks.md"

    def add_arguments(self, parser):
        parser.add_argument("--scale", default="city", choices=["tiny", "county", "city"])
        parser.add_argument("--reuse", action="store_true", help="已有数据时不重新生成")
        parser.add_argument("--requests", type=int, default=100, help="列表页请求次数")
        parser.add_argument("--import-rows", type=int, default=100_000)
        parser.add_argument("--items", type=int, default=50_000, help="三单列表测量写入的事项数")
        parser.add_argument("--output", default=str(Path(settings.BASE_DIR) / "docs" / "benchmarks.md"))
        parser.add_argument("--only", nargs="*", help="只运行指定的测量项（及其依赖的步骤）")
        parser.add_argument("--skip", nargs="*", default=[], help="不运行的测量项")

    def handle(self, *args, **opts):
        steps = bench_steps()
        names = [s.name for s in steps]
        unknown = [n for n in [*(opts["only"] or []), *opts["skip"]] if n not in names]
        if unknown:
            raise CommandError(f"没有测量项“{'、'.join(unknown)}”：可选 {'、'.join(names)}")
        if opts["only"]:
            steps = with_prerequisites(steps, opts["only"])
        steps = [s for s in steps if s.name not in opts["skip"]]
        self.rows: list[tuple[str, str, str, str]] = []
        ctx = SimpleNamespace(
            scale=opts["scale"], reuse=opts["reuse"], requests=opts["requests"], import_rows=opts["import_rows"],
            items=opts["items"], root=None, user=None, dataset="", say=self.stdout.write, warn=self.stderr.write,
        )
        for step in steps:
            settle()
            for row in step.measure(ctx):
                self._add(*row)
        self._report(opts["output"], ctx, [s.notes for s in steps if s.notes])

    def _add(self, what: str, value: str, target: str, ratio: str = "") -> None:
        self.rows.append((what, value, ratio, target))
        self.stdout.write(f"{what}: {value}{'  ' + ratio if ratio else ''}"
                          f"{('（目标 ' + target + '）') if target else ''}")

    def _report(self, output: str, ctx, notes: list[str]) -> None:
        head = (
            f"# 性能测量\n\n由 `make bench`（`dangjian bench`）生成于 {dt.date.today():%Y-%m-%d}。"
            f"数据库：{connection.vendor} {connection.pg_version if connection.vendor == 'postgresql' else ''}；"
            f"{os.cpu_count()} 核；Python {platform.python_version()}；"
            f"数据：{ctx.dataset}。\n\n"
            "“对照”一列是测得值与同一次运行中测得的本机极限之比（括号内为极限本身），标为“极限”的行就是这些极限。\n\n"
            "| 项目 | 测得 | 对照（同一次运行的极限） | 目标 |\n| --- | --- | --- | --- |\n"
        )
        table = "".join(f"| {a} | {b} | {c} | {d} |\n" for a, b, c, d in self.rows)
        load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
        table += f"\n测量结束时的系统负载（1/5/15 分钟）：{load}。\n\n说明：\n\n" + "".join(f"- {n}\n" for n in notes)
        Path(output).parent.mkdir(parents=True, exist_ok=True)
        Path(output).write_text(head + table, encoding="utf-8")
        self.stdout.write(self.style.SUCCESS(f"已写入 {output}"))
