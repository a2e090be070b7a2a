"""``dangjian audit-verify``: walk the SM3 chain of the audit log; exit 1 at the first broken link."""

from django.core.management import BaseCommand, CommandError

from dangjian.core.audit import verify


class Command(BaseCommand):
    help = "校验审计日志的 SM3 摘要链，发现被改动或删除的记录"

    def handle(self, *args, **options):
        checked, problem = verify()
        if problem:
            raise CommandError(f"审计日志校验失败（已核对 {checked} 条）：{problem}")
        self.stdout.write(f"审计日志完整：{checked} 条记录，摘要链无断裂")
