"""``dangjian demo-accounts``: the demo logins, created or with their passwords reset."""

from __future__ import annotations

from django.core.management import BaseCommand, CommandError

from dangjian.home.demo_accounts import DEMO_PASSWORD, SITE_URL, NoDemoData, banner, ensure_demo_accounts


class Command(BaseCommand):
    help = (
        "创建（或重置密码）演示账号 county、town、secretary、viewer 与三员 sysadmin、secadmin、auditadmin"
        f"（市级数据另有 city），"
        f"密码均为 {DEMO_PASSWORD}，并打印登录信息。这些账号仅用于演示，切勿在正式环境中使用。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--url", default=SITE_URL,
                            help=f"打印的访问地址（make demo 按 HOST、PORT 传入；默认 {SITE_URL}）")

    def handle(self, *args, **options):
        try:
            logins = ensure_demo_accounts()
        except NoDemoData as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(banner(logins, options["url"]))
