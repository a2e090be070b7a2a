"""``dangjian grant-duty USERNAME system|security|audit [--create]``: appoint the first 三员
administrators from the server (afterwards the security administrator does it on its page). The
same rules as the page: one duty per user, no positions; recorded in the audit log as the system."""

from django.core.management import BaseCommand, CommandError

from dangjian.accounts.choices import Duty
from dangjian.administration.actions import duty_grant_by_operator
from dangjian.core.errors import ActionDenied


class Command(BaseCommand):
    help = "在服务器上授予三员职责（系统管理员 system / 安全管理员 security / 审计管理员 audit）"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("duty", choices=Duty.values)
        parser.add_argument("--create", action="store_true", help="账号不存在时新建（随机临时密码只显示一次）")

    def handle(self, *args, **opts):
        try:
            user, password = duty_grant_by_operator(username=opts["username"], duty=opts["duty"],
                                                    create=opts["create"])
        except ActionDenied as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"已授予 {user.username} {Duty(opts['duty']).label}职责")
        if password:
            self.stdout.write(f"临时密码（只显示这一次，首次登录须修改）：{password}")
