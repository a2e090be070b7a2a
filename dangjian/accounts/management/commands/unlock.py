"""``dangjian unlock USERNAME --reason TEXT``: the documented recovery path when an account —
an administrator's included — is locked out by failed logins from the address its owner uses
(for instance every user behind one proxy that is not listed in DANGJIAN_TRUSTED_PROXIES). Only
someone with a shell on the server can run it; it is audited."""

from __future__ import annotations

from django.core.management import BaseCommand, CommandError

from dangjian.accounts.actions import login_unlock


class Command(BaseCommand):
    help = "解除账号的登录锁定（服务器上运行，记入审计日志）"

    def add_arguments(self, parser):
        parser.add_argument("username", help="用户名")
        parser.add_argument("--reason", required=True, help="解除锁定的原因，记入审计日志")

    def handle(self, *args, username: str, reason: str, **options):
        from django.contrib.auth import get_user_model

        from dangjian.accounts.usernames import normalised_username

        names = {username, normalised_username(username)}
        if not get_user_model().objects.filter(username__in=names).exists():
            raise CommandError(f"用户 {username} 不存在")
        if not reason.strip():
            raise CommandError("请用 --reason 写明解除锁定的原因")
        cleared = login_unlock(username=username, reason=reason.strip())
        self.stdout.write(f"已解除用户 {username} 的登录锁定（清除近期失败 {cleared} 次），已记入审计日志")
