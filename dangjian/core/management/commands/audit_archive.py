"""``dangjian audit-archive [--before YYYY-MM-DD]``: move audit records older than the retention
period (DANGJIAN_AUDIT_RETENTION_DAYS, at least 180 days) to a verified archive file (core.archive)."""

import datetime as dt

from django.core.management import BaseCommand, CommandError

from dangjian.core.archive import ArchiveError, archive, archive_dir


class Command(BaseCommand):
    help = "将超过保存期限的审计记录归档到压缩文件（按摘要链顺序，回读校验后才从数据库移除）"

    def add_arguments(self, parser):
        parser.add_argument("--before", type=dt.date.fromisoformat,
                            help="归档此日期（YYYY-MM-DD）以前的记录；默认为保存期限以前，且不得更晚")
        parser.add_argument("--dir", help=f"归档目录（默认 {archive_dir()}）")

    def handle(self, *args, **opts):
        from pathlib import Path

        try:
            done = archive(before=opts["before"], directory=Path(opts["dir"]) if opts["dir"] else None)
        except ArchiveError as exc:
            raise CommandError(str(exc)) from exc
        if done is None:
            self.stdout.write("没有需要归档的审计记录")
            return
        self.stdout.write(
            f"已归档 {done.rows} 条审计记录（第 {done.first_id}–{done.last_id} 条）到 {done.path}\n"
            f"清单：{done.manifest}\n末条摘要：{done.end_hash}\n文件 SHA-256：{done.sha256}"
        )
