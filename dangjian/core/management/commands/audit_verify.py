"""``dangjian audit-verify [--archive FILE]``: walk the SM3 chain of the audit log (from the last
archive's end hash to the chain head); exit 1 at the first broken link. With ``--archive``, check
an archive file against its manifest instead."""

from django.core.management import BaseCommand, CommandError

from dangjian.core.archive import verify_archive
from dangjian.core.audit import head, start_of_table, verify


class Command(BaseCommand):
    help = "校验审计日志的 SM3 摘要链，发现被改动或删除的记录；--archive 校验归档文件"

    def add_arguments(self, parser):
        parser.add_argument("--archive", action="append", default=[], metavar="FILE",
                            help="校验归档文件（.jsonl.gz 或其 .manifest.json），可重复")

    def handle(self, *args, **options):
        if options["archive"]:
            for path in options["archive"]:
                rows, problem = verify_archive(path)
                if problem:
                    raise CommandError(f"归档文件 {path} 校验失败：{problem}")
                self.stdout.write(f"归档文件 {path} 完整：{rows} 条记录，摘要链无断裂")
            return
        checked, problem = verify()
        if problem:
            raise CommandError(f"审计日志校验失败（已核对 {checked} 条）：{problem}")
        archived_to, _ = start_of_table()
        since = f"（第 {archived_to} 条及以前已归档）" if archived_to else ""
        self.stdout.write(f"审计日志完整：{checked} 条记录{since}，摘要链无断裂")
        end = head()
        if end:
            self.stdout.write(f"链头：第 {end[0]} 条，摘要 {end[1]}（可另行保存，用于日后核对）")
