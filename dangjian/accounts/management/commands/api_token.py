"""``dangjian api-token USERNAME [--name N]``: issue an API token. The token is printed once and
stored only as a digest, so it cannot be shown again; issue a new one if it is lost."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management import BaseCommand, CommandError

from dangjian.accounts.actions import api_token_issue
from dangjian.core.actors import SYSTEM


class Command(BaseCommand):
    help = "为用户生成接口令牌（只显示一次）"

    def add_arguments(self, parser):
        parser.add_argument("username", help="用户名")
        parser.add_argument("--name", default="命令行生成", help="令牌名称，便于日后识别和吊销")

    def handle(self, *args, username: str, name: str, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"用户 {username} 不存在")
        if not user.is_active:
            raise CommandError(f"用户 {username} 已停用，不能生成令牌")
        token = api_token_issue(acting_user=SYSTEM, user=user, name=name)
        self.stderr.write(f"已为用户 {username} 生成令牌“{name}”。令牌只显示这一次，请妥善保存：")
        self.stdout.write(token)
