"""``dangjian purge-sessions``: delete expired sessions (and the search filters they held) and the
bookkeeping of ended logins. The worker does it every hour by itself (``accounts.tasks``); Django
does not clear the session table on its own (accounts.sessions.purge_expired_sessions)."""

from django.core.management import BaseCommand

from dangjian.accounts.sessions import purge_expired_sessions


class Command(BaseCommand):
    help = "清除已过期的会话（连同其中保存的查询条件）和已结束登录的记录；后台任务处理进程每小时自动执行一次"

    def handle(self, *args, **options):
        sessions, tracked = purge_expired_sessions()
        self.stdout.write(f"已清除过期会话 {sessions} 个、登录记录 {tracked} 条")
