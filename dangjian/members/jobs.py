"""The members app's background jobs: the roster export. The view queues it; the worker runs it
as the person who asked, with their scope as it is when the job runs."""

from __future__ import annotations

from dangjian.core.history import safe_filters
from dangjian.jobs.kinds import register

from .io.exporting import roster_filename, write_roster
from .queries import MemberFilter, filter_members, members_for

ROSTER = "members.roster"


def roster_scope(filters: dict) -> str:
    """How the job is described to its owner: the filters, sensitive values masked."""
    kept = safe_filters(filters)
    return "筛选：" + "，".join(f"{k}={v}" for k, v in kept.items()) if kept else "全部可查看的党员"


@register(ROSTER, "党员名册导出", reads_replica=True)
def export_roster(context) -> None:
    chosen = MemberFilter.from_mapping(context.params.get("filters", {}))
    members = filter_members(members_for(context.user), chosen)
    total = members.count()
    on_progress = context.step(total, f"正在导出 {total} 名党员")

    def write(path):
        return write_roster(path, members, on_progress=on_progress)

    rows = context.save_result(roster_filename(context.today), write, what="党员名册", model="members.member",
                               filters=context.params.get("filters", {}))
    context.progress(rows, total, f"已导出 {rows} 名党员", force=True)
