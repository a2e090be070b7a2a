"""``dangjian restore FOLDER --yes``: check the manifest, restore, and prove every table matches."""

from django.core.management import BaseCommand, CommandError

from dangjian.core.backup import BackupError, restore


class Command(BaseCommand):
    help = "从备份恢复数据库（会覆盖当前数据），恢复后逐表核对行数和内容校验值"

    def add_arguments(self, parser):
        parser.add_argument("folder")
        parser.add_argument("--yes", action="store_true", help="确认覆盖当前数据库")
        parser.add_argument("--accept-unsigned", action="store_true",
                            help="接受没有签名的旧备份清单（确认备份来源可靠时使用）")

    def handle(self, *args, **options):
        if not options["yes"]:
            raise CommandError("恢复会覆盖当前数据库中的全部数据；确认请加 --yes")
        try:
            differences = restore(options["folder"], accept_unsigned=options["accept_unsigned"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if differences:
            raise CommandError(f"恢复后有 {len(differences)} 张表与备份清单不一致：{', '.join(sorted(differences))}")
        self.stdout.write("恢复完成，所有表的行数和内容校验值与备份清单一致")
