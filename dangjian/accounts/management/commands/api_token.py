"""``dangjian api-token USERNAME [--name N] [--days D]``: issue an API token (printed once, stored
only as a digest, expiring after D days — 90 by default). ``--list`` shows the user's tokens;
``--revoke ID`` revokes one. Issuing and revoking are audited."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import BaseCommand, CommandError
from django.utils import timezone

from dangjian.accounts.actions import api_token_issue, api_token_revoke
from dangjian.accounts.queries import tokens_of
from dangjian.core.actors import SYSTEM
from dangjian.core.errors import ActionDenied


class Command(BaseCommand):
    help = "为用户生成接口令牌（只显示一次）；--list 列出其令牌，--revoke 编号 吊销一个"

    def add_arguments(self, parser):
        parser.add_argument("username", help="用户名")
        parser.add_argument("--name", default="命令行生成", help="令牌名称，便于日后识别和吊销")
        parser.add_argument("--days", type=int, default=None,
                            help="有效天数（默认且最多为 DANGJIAN_API_TOKEN_DAYS，90 天）")
        parser.add_argument("--list", action="store_true", help="列出该用户的令牌")
        parser.add_argument("--revoke", type=int, metavar="ID", help="吊销该用户编号为 ID 的令牌")

    def handle(self, *args, username: str, name: str, days, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"用户 {username} 不存在")
        if options["list"]:
            now = timezone.now()
            for t in tokens_of(user):
                expires = f"{timezone.localtime(t.expires_at):%Y-%m-%d %H:%M}" if t.expires_at else "—"
                self.stdout.write(f"{t.pk}\t{t.name}\t过期 {expires}\t{t.status(now)}")
            return
        if options["revoke"] is not None:
            token = tokens_of(user).filter(pk=options["revoke"]).first()
            if token is None:
                raise CommandError(f"用户 {username} 没有编号为 {options['revoke']} 的令牌")
            done = api_token_revoke(acting_user=SYSTEM, token=token, reason="服务器命令行吊销")
            self.stdout.write(f"已吊销令牌 {token.pk}“{token.name}”" if done else "该令牌此前已吊销")
            return
        try:
            token = api_token_issue(acting_user=SYSTEM, user=user, name=name, days=days)
        except (ValidationError, ActionDenied) as exc:
            raise CommandError("；".join(getattr(exc, "messages", None) or [str(exc)])) from exc
        self.stderr.write(f"已为用户 {username} 生成令牌“{name}”。令牌只显示这一次，请妥善保存：")
        self.stdout.write(token)
