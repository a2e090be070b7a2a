"""``dangjian orglife-scan [--org CODE] [--year YYYY]``: recompute the integrity flags. Without
arguments: every top-level organisation, the years ``rules.years_to_rescan`` names — what the
worker's nightly task (``orglife.tasks.nightly_rescan``) does by itself."""

from __future__ import annotations

import time

from django.core.management import BaseCommand, CommandError
from django.utils import timezone

from dangjian.core.actors import SYSTEM
from dangjian.orglife import actions
from dangjian.orglife.rules import years_to_rescan
from dangjian.orgs.models import Organization


class Command(BaseCommand):
    help = "重新核查组织生活记录（补录、集中录入、雷同、时间重叠、人数、已离开的党员等），已核实的结论保留"

    def add_arguments(self, parser):
        parser.add_argument("--org", help="组织代码：只核查该组织及其下级；不填为全部")
        parser.add_argument("--year", type=int, help="年度；不填为今年（1 月份同时核查上一年）")

    def handle(self, *args, **opts):
        roots = self._roots(opts["org"])
        years = [opts["year"]] if opts["year"] else years_to_rescan(timezone.localdate())
        for root in roots:
            for year in years:
                started = time.perf_counter()
                found = actions.flags_rescan(acting_user=SYSTEM, root=root, year=year)
                self.stdout.write(f"{root.name} {year} 年：当前核查提示 {found} 条"
                                  f"（{time.perf_counter() - started:.1f} 秒）")

    @staticmethod
    def _roots(code: str | None) -> list[Organization]:
        if code:
            org = Organization.objects.filter(code=code).first()
            if org is None:
                raise CommandError(f"没有组织代码为“{code}”的党组织")
            return [org]
        roots = list(Organization.objects.filter(depth=1).order_by("path"))
        if not roots:
            raise CommandError("数据库中还没有党组织")
        return roots
