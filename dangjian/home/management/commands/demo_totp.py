"""``dangjian demo-totp USERNAME``: the current two-step code of a demo account. For the demo only,
so that someone who just ran ``make demo`` can log in as sysadmin, secadmin or auditadmin without a
phone. It refuses every account that is not a demo account holding the published demo secret, so
on a real deployment it reveals nothing that is not already printed in the README."""

from __future__ import annotations

from django.core.management import BaseCommand, CommandError

from dangjian.accounts.totp import code_at, confirmed_device, hex_key
from dangjian.home.demo_accounts import DEMO_TOTP_SECRET, DEMO_USERNAMES


class Command(BaseCommand):
    help = "（仅用于演示）显示演示账号当前的两步验证码；非演示账号一律拒绝"

    def add_arguments(self, parser):
        parser.add_argument("username", help="演示账号用户名，如 sysadmin")

    def handle(self, *args, username: str, **options):
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.filter(username=username).first() if username in DEMO_USERNAMES else None
        device = confirmed_device(user) if user is not None else None
        if device is None or device.key != hex_key(DEMO_TOTP_SECRET):
            raise CommandError(f"{username} 不是使用演示密钥的演示账号：本命令只用于演示账号"
                               "（先运行 dangjian demo-accounts）")
        self.stderr.write(f"演示账号 {username} 当前的两步验证码（30 秒内有效，每个验证码只能使用一次）：")
        self.stdout.write(code_at(device))
