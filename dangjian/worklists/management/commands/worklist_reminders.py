"""``dangjian worklist-reminders [--date YYYY-MM-DD] [--org CODE]``: the daily reminders of the lists,
printed per organisation (items due within 7 days, overdue, lower levels' overdue, 回头看 due)."""

from __future__ import annotations

import datetime as dt

from django.core.management import BaseCommand, CommandError
from django.utils import timezone

from dangjian.orgs.models import Organization
from dangjian.worklists.reminders import daily_report


class Command(BaseCommand):
    help = "按党组织列出三单事项提醒：7日内到期、超期（含下级超期督办）、回头看到期"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="按哪一天计算，默认今天（YYYY-MM-DD）")
        parser.add_argument("--org", help="只列该党组织（组织代码）及其下级")

    def handle(self, *args, **opts):
        try:
            today = dt.date.fromisoformat(opts["date"]) if opts["date"] else timezone.localdate()
        except ValueError:
            raise CommandError("日期格式应为 YYYY-MM-DD")
        root = None
        if opts["org"]:
            root = Organization.objects.filter(code=opts["org"]).first()
            if root is None:
                raise CommandError(f"没有组织代码为 {opts['org']} 的党组织")
        lines = daily_report(today=today, root=root)
        self.stdout.write(f"三单事项提醒（{today:%Y-%m-%d}）")
        if not lines:
            self.stdout.write("今日没有需要提醒的事项。")
        for line in lines:
            self.stdout.write(line)
