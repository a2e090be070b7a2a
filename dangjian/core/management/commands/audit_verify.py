"""``dangjian audit-verify [--expect-head ID:HASH] [--archive FILE]``: walk the SM3 chain of the
audit log from its genesis record (or the last archive's end hash) to its sealed head; exit 1 at the
first problem. It prints the head as ``ID:HASH``: kept somewhere off the server and given back later
with ``--expect-head``, it proves that nothing up to that record was rewritten or removed, even by
someone holding the database and the data key. With ``--archive``, check archive files instead."""

from django.core.management import BaseCommand, CommandError

from dangjian.core.archive import verify_archive
from dangjian.core.audit import head, parse_expected_head, start_of_table, verify


class Command(BaseCommand):
    help = "校验审计日志的 SM3 摘要链，发现被改动、删除或重新开始的记录；--archive 校验归档文件"

    def add_arguments(self, parser):
        parser.add_argument("--archive", action="append", default=[], metavar="FILE",
                            help="校验归档文件（.jsonl.gz 或其 .manifest.json），可重复")
        parser.add_argument("--expect-head", metavar="ID:HASH",
                            help="以前由本命令打印、另行保存在服务器之外的链头；日志必须仍经过这一条且摘要相同")

    def handle(self, *args, **options):
        if options["archive"]:
            for path in options["archive"]:
                rows, problem = verify_archive(path)
                if problem:
                    raise CommandError(f"归档文件 {path} 校验失败：{problem}")
                self.stdout.write(f"归档文件 {path} 完整：{rows} 条记录，摘要链无断裂")
            return
        expect = options.get("expect_head")
        if expect:
            try:
                parse_expected_head(expect)
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
        checked, problem = verify(expect=expect)
        if problem:
            raise CommandError(f"审计日志校验失败（已核对 {checked} 条）：{problem}")
        archived_to, _ = start_of_table()
        since = f"（第 {archived_to} 条及以前已归档）" if archived_to else ""
        self.stdout.write(f"审计日志完整：{checked} 条记录{since}，摘要链无断裂，链头签名有效")
        if expect:
            self.stdout.write(f"与另行保存的链头 {expect.split(':')[0]} 一致")
        end = head()
        if end:
            self.stdout.write(f"链头（共 {end[2]} 条，请抄录到服务器之外，日后用 --expect-head 核对）：")
            self.stdout.write(f"{end[0]}:{end[1]}")
