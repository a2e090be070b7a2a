"""The community app's background job: the 报到情况 workbook of a large subtree (a city takes tens of
seconds). It runs as the person who asked, with their scope as it is when the job runs; the file is
theirs alone to download, and the download is audited (jobs.actions.job_download)."""

from __future__ import annotations

from dangjian.core.scoping import VIEW
from dangjian.jobs.actions import job_start
from dangjian.jobs.kinds import register
from dangjian.orgs.models import Organization

from . import exporting, queries

REPORTING = "community.reporting"
# A subtree up to this many organisations (a town, a large branch committee: under a second) is
# written in the request; a larger one (a county has about 1,200) becomes a background job.
SYNC_EXPORT_MAX_ORGS = 300


def needs_background_export(org: Organization) -> bool:
    return Organization.objects.filter(path__startswith=org.path).count() > SYNC_EXPORT_MAX_ORGS


def reporting_filename(org: Organization, year: int) -> str:
    return f"报到情况-{org.name}-{year}.xlsx"


def reporting_audit(org: Organization, year: int) -> dict:
    """What the export's audit record says: the same whether written in the request or by the job."""
    return {"what": f"报到情况：{org.name}", "model": "community.communityreport",
            "filters": {"org": org.code, "year": year}}


def start_reporting_export(*, acting_user, org: Organization, year: int):
    return job_start(acting_user=acting_user, kind=REPORTING, title=f"报到情况导出：{org.name}（{year}年）",
                     params={"org": org.pk, "year": year}, scope=f"{org.name}及下级，{year}年")


@register(REPORTING, "报到情况导出")
def export_reporting(context) -> None:
    org = context.scoped(Organization.objects.restrict(context.user, VIEW),
                          "该党组织已不在您的管辖范围内，未生成报到情况")
    year = int(context.params["year"])
    context.progress(0, 0, "正在汇总报到、服务时长和社区反馈", force=True)
    lines = queries.branch_lines(context.user, org, year)
    rows = queries.subtree_rows(org, year)
    reporters = queries.reporters_to(context.user, org, year)
    on_progress = context.step(len(lines), f"正在写入 {len(lines)} 名党员")

    def write(path):
        return exporting.reporting_write(path, year, lines, rows, reporters, on_progress=on_progress)

    written = context.save_result(reporting_filename(org, year), write, **reporting_audit(org, year))
    context.progress(len(lines), len(lines), f"已导出 {written} 名党员的报到情况", force=True)
