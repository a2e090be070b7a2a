"""``dangjian appraisal_points [--from DATE] [--to DATE] [--org CODE]``: points for attendance at the
meetings held in the period (default: this year up to today), under every top organisation or one.
Set-based and idempotent: running it again adds nothing."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from dangjian.appraisal import actions
from dangjian.core.actors import SYSTEM
from dangjian.orgs.models import Organization


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"日期格式应为 YYYY-MM-DD：{text}") from None


class Command(BaseCommand):
    help = "按会议出席记录生成党员积分（参加组织生活类规则；重复运行不会重复生成）"

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", help="开始日期 YYYY-MM-DD，默认今年 1 月 1 日")
        parser.add_argument("--to", dest="end", help="结束日期 YYYY-MM-DD，默认今天")
        parser.add_argument("--org", help="只生成该党组织（组织代码）及其下级的积分")

    def handle(self, *args, **options):
        today = timezone.localdate()
        start = _date(options["start"]) if options["start"] else dt.date(today.year, 1, 1)
        end = _date(options["end"]) if options["end"] else today
        if options["org"]:
            roots = list(Organization.objects.filter(code=options["org"]))
            if not roots:
                raise CommandError(f"没有组织代码为“{options['org']}”的党组织")
        else:
            roots = list(Organization.objects.filter(parent__isnull=True))
        created = sum(actions.points_generate(acting_user=SYSTEM, root=root, start=start, end=end) for root in roots)
        self.stdout.write(f"已生成 {created:,} 条积分记录（{start:%Y-%m-%d} 至 {end:%Y-%m-%d}）")
