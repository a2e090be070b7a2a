"""The orglife app's background jobs: the compliance report workbook and the rescan of a large
subtree (重新核查). Runs as the person who
asked: the organisation must still be in their scope when the job runs."""

from __future__ import annotations

from dangjian.core.scoping import CHANGE, VIEW
from dangjian.jobs.actions import job_start
from dangjian.jobs.kinds import register
from dangjian.orgs.models import Organization

from . import actions, exporting
from .report import compliance_report

REPORT = "orglife.report"
SCAN = "orglife.scan"
# A rescan of a subtree up to this many organisations (a county: about 1,200) is done in the
# request; a larger one becomes a background job with a progress page.
SYNC_SCAN_MAX_ORGS = 1500


def needs_background_scan(root) -> bool:
    return Organization.objects.filter(path__startswith=root.path).count() > SYNC_SCAN_MAX_ORGS


def start_rescan(*, acting_user, root, year: int):
    """Queue the rescan of ``root``'s subtree for ``year``; the Job the person can follow."""
    return job_start(acting_user=acting_user, kind=SCAN, title=f"组织生活重新核查：{root.name}（{year}年）",
                     params={"org": root.pk, "year": year}, scope=f"{root.name}及下级，{year}年")


@register(REPORT, "组织生活落实情况导出", reads_replica=True)
def export_report(context) -> None:
    root = context.scoped(Organization.objects.restrict(context.user, VIEW),
                          "该党组织已不在您的管辖范围内，未生成报表")
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


@register(SCAN, "组织生活重新核查")
def rescan(context) -> None:
    """The rescan of a subtree too large to wait for in a request (a city takes tens of seconds).
    The person must still be able to change the organisation when the job runs."""
    root = context.scoped(Organization.objects.restrict(context.user, CHANGE),
                          "该党组织已不在您可修改的范围内，未重新核查")
    year = int(context.params["year"])
    context.progress(0, 0, f"正在重新核查{root.name} {year} 年的组织生活记录", force=True)
    found = actions.flags_rescan(acting_user=context.user, root=root, year=year)
    context.progress(1, 1, f"已重新核查{root.name} {year} 年的组织生活记录，当前核查提示 {found} 条", force=True)
