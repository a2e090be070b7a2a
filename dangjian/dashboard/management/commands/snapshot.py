"""``dangjian snapshot --year 2025`` (year end) or ``--month 2026-03`` (month end): take a snapshot
of every organisation's figures as the system; ``--due`` takes whatever the scheduled job would."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from dangjian.core.actors import SYSTEM
from dangjian.dashboard.actions import snapshot_take
from dangjian.dashboard.choices import SnapshotKind
from dangjian.dashboard.jobs import take_due


class Command(BaseCommand):
    help = "生成统计快照（年末或月末），冻结每个党组织的各项数字"

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--year", type=int, help="年末快照的年份，如 2025")
        group.add_argument("--month", help="月末快照的月份，如 2026-03")
        group.add_argument("--due", action="store_true", help="补齐应有而未生成的上年末、上月末快照")

    def handle(self, *args, year=None, month=None, due=False, **options):
        try:
            if due:
                taken = take_due()
                self.stdout.write("、".join(taken) if taken else "没有需要补生成的快照")
                return
            if year:
                kind, period_end = SnapshotKind.YEAR_END, dt.date(year, 12, 31)
            else:
                try:
                    first = dt.date.fromisoformat(f"{month}-01")
                except ValueError as exc:
                    raise CommandError("月份格式应为 年-月，如 2026-03") from exc
                nxt = (first + dt.timedelta(days=32)).replace(day=1)
                kind, period_end = SnapshotKind.MONTH_END, nxt - dt.timedelta(days=1)
            snapshot = snapshot_take(acting_user=SYSTEM, kind=kind, period_end=period_end)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        self.stdout.write(f"已生成{snapshot}，共 {snapshot.org_count} 个党组织")
