"""``dangjian orglife-evaluate [--scale tiny|county] [--per-kind N] [--seed N] [--keep]``."""

from __future__ import annotations

import io
import json
import time

from django.core.management import BaseCommand, CommandError, call_command
from django.db import transaction

from dangjian.orglife import evaluation
from dangjian.orgs.models import Organization


class _RolledBack(Exception):
    pass


class Command(BaseCommand):
    help = ("评估组织生活核查：在全新的演示数据上通过接口登记真实记录和补记录、凑次数的记录，"
            "打印各类补记录的召回率和真实记录的误报率。须在空数据库上运行；默认全部在一个事务中完成后回滚。")

    def add_arguments(self, parser):
        parser.add_argument("--scale", default="tiny", choices=["tiny", "county"], help="演示数据规模（默认 tiny）")
        parser.add_argument("--per-kind", type=int, default=5, help="每类记录的条数（默认 5；正常记录加倍）")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--json", action="store_true", help="以 JSON 输出结果")
        parser.add_argument("--keep", action="store_true", help="保留生成的数据（不回滚），便于在页面上查看")

    def handle(self, *args, **opts):
        if Organization.objects.exists():
            raise CommandError("数据库中已有党组织：评估须在空数据库上运行（它会生成演示数据），"
                               "例如 DANGJIAN_VAR_DIR=/tmp/dangjian-eval dangjian migrate 后再运行")
        started = time.perf_counter()
        scores = None
        try:
            with transaction.atomic():
                call_command("demo_data", scale=opts["scale"], seed=opts["seed"], stdout=io.StringIO())
                user = evaluation.evaluator(Organization.objects.get(depth=1))
                scores = evaluation.evaluate(user, seed=opts["seed"], per_kind=opts["per_kind"])
                if not opts["keep"]:
                    raise _RolledBack
        except _RolledBack:
            pass
        seconds = time.perf_counter() - started
        if opts["json"]:
            self.stdout.write(json.dumps({
                "recall": {k: {"planted": n, "on_save": s, "after_rescan": c}
                           for k, (s, c, n) in scores.recall.items()},
                "honest": {k: {"planted": n, "flagged": f} for k, (f, n) in scores.false.items()},
                "overall_recall": round(scores.overall_recall, 4), "recall_on_save": round(scores.recall_on_save, 4),
                "false_flag_rate": round(scores.false_rate, 4), "false_flags": scores.false_reasons,
                "skipped": scores.skipped, "seconds": round(seconds, 1),
            }, ensure_ascii=False, indent=1))
            return
        self.stdout.write(scores.table())
        self.stdout.write(f"召回率（重新核查后）{scores.overall_recall:.2f}，保存时 {scores.recall_on_save:.2f}；"
                          f"误报率 {scores.false_rate:.3f}；用时 {seconds:.0f} 秒"
                          + ("" if opts["keep"] else "（数据已回滚）"))
