"""``dangjian backup [--output DIR]``: a consistent backup with a checksum manifest."""

from django.conf import settings
from django.core.management import BaseCommand, CommandError

from dangjian.core.backup import BackupError, backup


class Command(BaseCommand):
    help = "备份数据库（SQLite 在线备份或 pg_dump），生成含校验值的清单"

    def add_arguments(self, parser):
        parser.add_argument("--output", default=str(settings.VAR_DIR / "backups"), help="备份存放目录")

    def handle(self, *args, **options):
        try:
            folder = backup(options["output"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"备份完成：{folder}")
