"""``dangjian demo-data --scale county|city [--seed N] [--if-empty | --replace]``."""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import time

from django.apps import apps
from django.core.management import BaseCommand, CommandError
from django.db import connection, transaction

from dangjian.core.demo.generate import LoadResult, load_demo
from dangjian.core.demo.scales import ANCHOR, DEFAULT_SEED, PUBLIC_SCALES, SCALES
from dangjian.core.demo.store import WipeRefused, wipe_party_data
from dangjian.orgs.choices import OrgKind
from dangjian.orgs.models import Organization


def iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期“{text}”格式应为 YYYY-MM-DD")


def demo_modules():
    """(app config, its ``demo`` module) for every platform app that has one, in INSTALLED_APPS order.
    A ``demo`` module has ``generate(*, seed, today, stdout)`` and may have ``wipe()``."""
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("dangjian.") or config.name == "dangjian.core":
            continue
        try:
            found.append((config, importlib.import_module(f"{config.name}.demo")))
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.demo":
                raise
    return found


class Command(BaseCommand):
    help = (
        "生成演示数据：县级（county，约 400 个党支部、1.2 万名党员）或市级（city，约 4,000 个党支部、12 万名党员）。"
        "同一种子、同一参照日期生成的数据完全相同。数据均为虚构，仅用于演示和测试。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", default="county", help="规模：county（县级，默认）或 city（市级）")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"随机种子（默认 {DEFAULT_SEED}）")
        parser.add_argument(
            "--anchor", type=iso_date, default=None,
            help="参照日期 YYYY-MM-DD（默认今天）：年龄、党龄、任期、一年的组织生活都相对此日期生成。"
                 f"同一种子和同一参照日期生成的数据完全相同（测试使用固定日期 {ANCHOR:%Y-%m-%d}）",
        )
        once = parser.add_mutually_exclusive_group()
        once.add_argument("--if-empty", action="store_true", help="已有党组织时不做任何事（可重复运行 make demo）")
        once.add_argument("--replace", action="store_true", help="先清除现有的党组织、党员、届次、委员和岗位，再生成")

    def handle(self, *args, **options):
        # Default: today, so a demo made on any day shows a current year of work (a fixed date would
        # make every branch look silent a month later). Determinism holds for a given --anchor.
        scale, anchor = options["scale"], options["anchor"] or dt.date.today()
        if scale not in SCALES:
            raise CommandError(f"未知的规模“{scale}”：可选 {' 或 '.join(PUBLIC_SCALES)}")
        if anchor > dt.date.today():
            raise CommandError(f"参照日期 {anchor:%Y-%m-%d} 晚于今天，会生成未来的日期")
        existing = Organization.objects.count()
        if existing and options["if_empty"]:
            self.stdout.write(f"已有 {existing:,} 个党组织，跳过生成演示数据（--if-empty）。")
            return
        if existing and not options["replace"]:
            raise CommandError(
                f"数据库中已有 {existing:,} 个党组织。如需清除后重新生成演示数据，请加 --replace；"
                "如只想在空库时生成，请加 --if-empty。"
            )
        say = self.stdout.write if options["verbosity"] >= 1 else None
        with transaction.atomic():
            if existing:
                self._wipe(say)
            result = load_demo(scale, seed=options["seed"], anchor=anchor, progress=say)
        self.stdout.write(self.summary(result, SCALES[scale].label, options["seed"], anchor))
        self._extend(seed=options["seed"], anchor=anchor)
        # Fresh planner statistics: right after a bulk load PostgreSQL still believes the tables are
        # empty and picks nested loops that turn a 40 ms list into 20 s. VACUUM also sets the
        # visibility map, so counts over a subtree can use index-only scans.
        with connection.cursor() as cursor:
            vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block  # not in a test
            cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")

    def _extend(self, *, seed: int, anchor: dt.date) -> None:
        """Each app with a ``demo`` module adds its own demo records (organisational life, work
        items…) on top of the tree and members, in its own transaction."""
        for config, module in demo_modules():
            started = time.perf_counter()
            with transaction.atomic():
                module.generate(seed=seed, today=anchor, stdout=self.stdout)
            self.stdout.write(f"  {config.verbose_name}演示数据：{time.perf_counter() - started:.1f} 秒")

    def _wipe(self, say) -> None:
        if say:
            say("正在清除现有的党组织和党员数据…")
        try:
            # The apps built on the tree first (their rows point at organisations and members).
            for _, module in reversed(demo_modules()):
                if hasattr(module, "wipe"):
                    module.wipe()
            wipe_party_data()
        except WipeRefused as exc:
            raise CommandError(str(exc)) from exc

    @staticmethod
    def summary(result: LoadResult, label: str, seed: int, anchor: dt.date) -> str:
        lines = [f"演示数据已生成（{label}规模，种子 {seed}，参照日期 {anchor:%Y-%m-%d}）："]
        for kind in OrgKind:
            if result.orgs_by_kind[kind]:
                lines.append(f"  {kind.label}：{result.orgs_by_kind[kind]:,} 个")
        lines.append(f"  党组织合计 {result.orgs_by_kind.total():,} 个；党员 {result.members:,} 名；"
                     f"届次 {result.terms:,} 个；委员 {result.posts:,} 人次")
        lines.append(f"  用时 {result.seconds:.1f} 秒")
        return "\n".join(lines)
