"""The orglife app's background jobs: the compliance report workbook. Runs as the person who
asked: the organisation must still be in their scope when the job runs."""

from __future__ import annotations

from dangjian.core.scoping import VIEW
from dangjian.jobs.kinds import JobFailed, register
from dangjian.orgs.models import Organization

from . import exporting
from .report import compliance_report

REPORT = "orglife.report"


@register(REPORT, "组织生活落实情况导出")
def export_report(context) -> None:
    root = Organization.objects.restrict(context.user, VIEW).filter(pk=context.params.get("org")).first()
    if root is None:
        raise JobFailed("该党组织已不在您的管辖范围内，未生成报表")
    year = int(context.params["year"])
    context.progress(0, 0, "正在统计各党组织的组织生活", force=True)
    report = compliance_report(root, year)
    on_progress = context.step(len(report.evaluated()), "正在生成 Excel")
    data = exporting.report_xlsx(report, on_progress=on_progress)

    def write(path):
        with open(path, "wb") as out:
            out.write(data)
        return len(report.orgs)

    rows = context.save_result(f"组织生活落实情况-{root.name}-{year}.xlsx", write,
                               what=f"组织生活落实情况：{root.name}", model="orgs.organization",
                               filters={"org": root.code, "year": year})
    context.progress(rows, rows, f"已生成 {rows} 个党组织的落实情况", force=True)
