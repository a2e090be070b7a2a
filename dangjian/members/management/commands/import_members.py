"""``dangjian import-members FILE --user USERNAME [--orgs]``: the page's import, from the shell.

For an operator loading a county's roster on the server, and for the benchmark. The same checks,
scope and all-or-nothing write as the page; the error report is printed row by row."""

from __future__ import annotations

import time

from django.contrib.auth import get_user_model
from django.core.management import BaseCommand, CommandError

from dangjian.members.io.importing import import_members
from dangjian.orgs.importing import import_orgs


class Command(BaseCommand):
    help = "从 Excel 导入党员（或用 --orgs 导入党组织），按指定用户的权限范围检查"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--user", required=True, help="以该用户的身份和权限范围导入")
        parser.add_argument("--orgs", action="store_true", help="导入党组织而不是党员")

    def handle(self, *args, **options):
        user = get_user_model().objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"用户 {options['user']} 不存在或已停用")
        started = time.perf_counter()
        with open(options["file"], "rb") as source:
            run = import_orgs if options["orgs"] else import_members
            result = run(acting_user=user, source=source)
        elapsed = time.perf_counter() - started
        if not result.ok:
            for error in result.errors:
                where = f"第{error.row}行" if error.row else "文件"
                self.stderr.write(f"{where} {error.column}：{error.message}")
            raise CommandError(f"共 {result.error_count} 处错误，未写入任何数据")
        self.stdout.write(
            f"导入完成：新增 {result.created}，更新 {result.updated}，未变化 {result.unchanged}（{elapsed:.1f} 秒）"
        )
        for note in result.notes:
            self.stdout.write(note)
