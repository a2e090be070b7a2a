"""``dangjian orglife-report [--org CODE] --year YYYY [--format table|json|xlsx] [--output FILE]``."""

from __future__ import annotations

from django.core.management import BaseCommand, CommandError
from django.utils import timezone

from dangjian.core.actors import SYSTEM
from dangjian.core.history import record_export
from dangjian.orglife import exporting
from dangjian.orglife.report import compliance_report
from dangjian.orgs.models import Organization


class Command(BaseCommand):
    help = "组织生活落实情况：每个党组织、每条规则、每个周期的结果及原因，与页面上的矩阵相同"

    def add_arguments(self, parser):
        parser.add_argument("--org", help="组织代码；不填为顶级党组织")
        parser.add_argument("--year", type=int, default=timezone.localdate().year, help="年度（默认今年）")
        parser.add_argument("--format", choices=["table", "json", "xlsx"], default="table")
        parser.add_argument("--output", help="输出文件（xlsx 必填；table/json 默认输出到屏幕）")

    def handle(self, *args, **opts):
        root = self._root(opts["org"])
        report = compliance_report(root, opts["year"])
        fmt, output = opts["format"], opts["output"]
        record_export(actor=SYSTEM, what=f"组织生活落实情况（命令行 {fmt}）：{root.name}", model="orgs.organization",
                      rows=len(report.orgs), filters={"org": root.code, "year": opts["year"], "output": output or ""})
        if fmt == "xlsx":
            if not output:
                raise CommandError("--format xlsx 需要用 --output 指定文件名")
            with open(output, "wb") as fh:
                fh.write(exporting.report_xlsx(report))
            self.stdout.write(f"已写入 {output}")
            return
        if fmt == "json":  # written out as it is evaluated, never held whole (exporting.write_report_json)
            if output:
                with open(output, "w", encoding="utf-8") as fh:
                    exporting.write_report_json(report, fh.write)
                self.stdout.write(f"已写入 {output}")
            else:
                exporting.write_report_json(report, lambda text: self.stdout.write(text, ending=""))
            return
        text = exporting.report_table(report)
        if output:
            with open(output, "w", encoding="utf-8") as fh:
                fh.write(text)
            self.stdout.write(f"已写入 {output}")
        else:
            self.stdout.write(text)

    @staticmethod
    def _root(code: str | None) -> Organization:
        if code:
            org = Organization.objects.filter(code=code).first()
            if org is None:
                raise CommandError(f"没有组织代码为“{code}”的党组织")
            return org
        org = Organization.objects.filter(depth=1).order_by("path").first()
        if org is None:
            raise CommandError("数据库中还没有党组织")
        return org
