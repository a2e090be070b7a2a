"""Benchmarks of the 两新 registry for ``dangjian bench``: coverage rates of the root over a
registry the size of the scale (a city has about 30,000 两新 organisations), and the import of a
市场监管-layout workbook of the same size. Measurement data is written in bulk and removed after."""

from __future__ import annotations

import random
import statistics
import tempfile
import time

from openpyxl import Workbook

from dangjian.core.actors import SYSTEM
from dangjian.core.benchmarking import ms
from dangjian.core.registry import register_bench

from . import queries, rules
from .choices import Coverage, EntityKind
from .demo import towns_of
from .importing import import_entities
from .models import Entity, Field

SIZES = {"tiny": 200, "county": 3_000, "city": 30_000}
COVERAGES = [Coverage.SEPARATE, Coverage.JOINT, Coverage.JOINT, Coverage.INSTRUCTOR, Coverage.NONE]


def bench_code(serial: int) -> str:
    body = f"91990000{serial:09d}"
    return body + rules.credit_check_character(body)


def _size(ctx) -> int:
    return SIZES.get(getattr(ctx, "scale", "city"), SIZES["city"])


def coverage_step(ctx) -> list[tuple[str, str, str]]:
    count = _size(ctx)
    rng = random.Random(3)
    towns = towns_of(ctx.root) or [ctx.root]
    fields = list(Field.objects.all())
    rows = [Entity(org=rng.choice(towns), name=f"性能测试企业{i}", credit_code=bench_code(i),
                   kind=EntityKind.ENTERPRISE, field=rng.choice(fields), employees=rng.randint(1, 300),
                   coverage=rng.choice(COVERAGES)) for i in range(count)]
    try:
        Entity.objects.bulk_create(rows, batch_size=5000)
        queries.coverage_by_org(ctx.user, ctx.root)
        runs = []
        for _ in range(5):
            started = time.perf_counter()
            queries.coverage_by_org(ctx.user, ctx.root)
            queries.coverage_by_field(ctx.user, ctx.root)
            runs.append(time.perf_counter() - started)
    finally:
        Entity.objects.filter(credit_code__startswith="9199").delete()
    return [(f"根组织两新组织覆盖率（{count:,} 个两新组织，按党组织和按领域；5 次中位数 / 最大）",
             f"{ms(statistics.median(runs))} / {ms(max(runs))}", "≤ 500 ms（城市 30,000 个）")]


def import_step(ctx) -> list[tuple[str, str, str]]:
    count = _size(ctx)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("两新组织")
    sheet.append(["企业名称", "统一社会信用代码", "住所", "法定代表人", "从业人数"])
    for i in range(count):
        sheet.append([f"性能测试企业{i}", bench_code(i), f"测试路{i}号", "张三", 10 + i % 200])
    rows = []
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as handle:
        book.save(handle.name)
        try:
            started = time.perf_counter()
            result = import_entities(acting_user=SYSTEM, source=handle.name, default_org=ctx.root)
            first = time.perf_counter() - started
            assert result.ok and result.created == count, result.errors[:3]
            started = time.perf_counter()
            again = import_entities(acting_user=SYSTEM, source=handle.name, default_org=ctx.root)
            second = time.perf_counter() - started
            assert again.unchanged == count
        finally:
            Entity.objects.filter(credit_code__startswith="9199").delete()
    rows.append((f"两新组织导入（{count:,} 行，新增）", f"{first:.1f} s", "≤ 30 s（城市 30,000 行）"))
    rows.append((f"两新组织重复导入（{count:,} 行，无变化）", f"{second:.1f} s", ""))
    return rows


register_bench("twonew_coverage", coverage_step, after=("data",),
               notes="两新组织覆盖率：按规模写入两新组织（县 3,000、市 30,000），预热一次后测 5 次 `coverage_by_org` + "
                     "`coverage_by_field`，测后删除。")
register_bench("twonew_import", import_step, after=("data",),
               notes="两新组织导入：按规模生成市场监管导出格式的 .xlsx，在本进程中导入两次（新增、无变化），测后删除。")
