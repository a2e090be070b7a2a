from django.core.management.base import BaseCommand

from dangjian.jobs.worker import run_forever


class Command(BaseCommand):
    help = "后台任务处理进程：执行排队的后台任务和到期的定时任务（如每日提醒）。与 Web 服务一同运行。"

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=2.0, help="没有任务时两次检查之间的秒数")
        parser.add_argument("--once", action="store_true", help="执行完当前排队的任务后退出")
        parser.add_argument("--no-schedule", action="store_true",
                            help="与 --once 一起使用：只执行已排队的任务，不排入到期的定时任务（性能测量用）")

    def handle(self, *args, interval: float, once: bool, no_schedule: bool, **options):
        if once:
            from dangjian.jobs.worker import run_pending

            run_pending(schedule=not no_schedule)
            return
        self.stdout.write(f"后台任务处理进程已启动（检查间隔 {interval} 秒）")
        run_forever(interval=interval, stdout=self.stdout)
