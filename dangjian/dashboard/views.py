"""Pages of the 数据看板: an organisation's dashboard, the 大屏, the records behind a figure,
snapshots (list, compare with today, trends) and the 党内统计 tables with their .xlsx export."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from dangjian.accounts.queries import scope_root
from dangjian.core.errors import ActionDenied
from dangjian.core.excel import xlsx_response
from dangjian.core.history import record_export
from dangjian.core.registry import dashboard_panels
from dangjian.core.replicas import reading
from dangjian.core.scoping import VIEW
from dangjian.core.shortcuts import get_scoped_or_404, paginate, querystring_without
from dangjian.jobs.actions import job_start
from dangjian.orgs.models import Organization

from . import actions, charts, exporting, queries, rules, tables
from .choices import SnapshotKind
from .jobs import SNAPSHOT
from .models import Snapshot

SORTS = {"value": "数值从大到小", "-value": "数值从小到大", "name": "名称"}


def _org(request, pk) -> Organization:
    return get_scoped_or_404(Organization, request.user, pk)


@login_required
@reading()
def index(request):
    root = scope_root(request.user, VIEW)
    if root is None:
        raise Http404("您没有党组织岗位，没有可查看的数据看板")
    return redirect("dashboard:org", pk=root.pk)


def board_of(request, org: Organization) -> dict:
    """What the dashboard, the 大屏 and the home panel show of ``org``: the live figures of it and
    its children, the figures a year ago (last year-end snapshot) and the key figures with change."""
    day = timezone.localdate()
    summary = queries.live(org, day)
    figures = summary.value["figures"]
    own = figures.get(org.path, {})
    before = queries.figures_in(request.user, queries.year_end_before(day), org)
    keys = [{"key": key, "label": label, "value": own.get(key, 0), "url": charts.sources_url(org, key),
             "change": rules.change(own.get(key, 0), before.get(key, 0) if before is not None else None)}
            for key, label in charts.KEY_FIGURES]
    ol_now = charts.value_of(own, "rate:ol")
    keys.append({"key": "rate:ol", "label": "组织生活落实率", "value": "—" if ol_now is None else f"{ol_now}%",
                 "url": None, "change": rules.change(ol_now, charts.value_of(before, "rate:ol") if before else None)})
    return {"org": org, "day": day, "summary": summary, "figures": figures, "own": own, "before": before,
            "keys": keys, "months": summary.value["months"]}


def _comparison(request, org, figures: dict, indicator: str, sort: str) -> list[dict]:
    kids = queries.children(org)
    rows = []
    for path in rules.children_paths(figures, org.path):
        child = kids.get(path)
        if child is None:
            continue
        value = charts.value_of(figures[path], indicator)
        rows.append({"org": child, "name": child.short_name or child.name, "value": value,
                     "url": charts.sources_url(child, indicator) if not indicator.startswith("rate:") else
                     _dashboard_url(child)})
    largest = max((r["value"] or 0 for r in rows), default=0)
    for r in rows:
        r["bar"] = rules.bar_step(r["value"] or 0, largest)
    if sort == "name":
        rows.sort(key=lambda r: r["org"].path)
    else:  # largest or smallest first; organisations without a value (nothing owed) last either way
        sign = -1 if sort == "value" else 1
        rows.sort(key=lambda r: (r["value"] is None, sign * (r["value"] or 0), r["org"].path))
    return rows


def _dashboard_url(org) -> str:
    return reverse("dashboard:org", args=[org.pk])


@login_required
@reading()
def org_dashboard(request, pk):
    org = _org(request, pk)
    board = board_of(request, org)
    indicator = request.GET.get("indicator", "total")
    if indicator not in charts.COMPARABLE_KEYS:
        indicator = "total"
    sort = request.GET.get("sort", "value")
    sort = sort if sort in SORTS else "value"
    rows = _comparison(request, org, board["figures"], indicator, sort)
    chart_list = charts.structure_charts(org, board["own"])
    matrix = f"{reverse('orglife:matrix')}?org={org.pk}&year={board['day'].year}"
    chart_list.insert(0, charts.orglife_chart(board["months"], link_url=matrix))
    if rows:
        chart_list.append(charts.comparison_chart(rows, charts.COMPARABLE_KEYS[indicator]))
    panels = []
    for panel in dashboard_panels():
        data = panel.context(request, org, board)
        if data is not None:
            panels.append((panel.template, data))
    return render(request, "dashboard/org.html", {
        **board, "charts": chart_list, "rows": rows, "indicator": indicator,
        "indicator_label": charts.COMPARABLE_KEYS[indicator], "comparable": charts.COMPARABLE, "sort": sort,
        "sorts": SORTS, "panels": panels,
        "parent": org.parent if org.parent_id and queries.in_scope(request.user, org.parent) else None,
    })


@login_required
@reading()
def screen(request, pk):
    """大屏: the level's figures in large type for a meeting-room screen; counts only, no names of people,
    no links into records; the page reloads itself (meta refresh)."""
    org = _org(request, pk)
    board = board_of(request, org)
    chart_list = [charts.orglife_chart(board["months"])] + [
        c for c in charts.structure_charts(org, board["own"], link=False)
        if c["id"] in ("c-age", "c-education", "c-party-age", "c-worklists", "c-secretary-age")]
    rows = _comparison(request, org, board["figures"], "total", "value")
    if rows:
        chart_list.append(charts.comparison_chart(
            [{**r, "url": None} for r in rows], "党员总数"))
    return render(request, "dashboard/screen.html", {**board, "charts": chart_list,
                                                     "refresh": 300, "size": request.GET.get("size", "")})


@login_required
@reading()
def sources(request, pk):
    org = _org(request, pk)
    snapshot = _snapshot(request)
    day = snapshot.period_end if snapshot else timezone.localdate()
    found = queries.sources(request.user, org, request.GET.get("key", ""), day)
    if found is None:
        raise Http404("这一项不是记录的计数，没有对应的名单")
    page_obj = paginate(request, found.rows)
    return render(request, "dashboard/sources.html", {
        "org": org, "found": found, "page_obj": page_obj, "snapshot": snapshot, "day": day,
        "query": querystring_without(request, "page"),
        "registered": [found.cells(r) for r in page_obj] if found.cells else [],
    })


def _snapshot(request) -> Snapshot | None:
    raw = request.GET.get("snapshot")
    if not raw:
        return None
    if not str(raw).isdigit():
        raise Http404("没有这份快照")
    return get_object_or_404(Snapshot, pk=int(raw))


@login_required
def snapshot_list(request):
    root = scope_root(request.user, VIEW)
    if root is None:
        raise Http404("您没有党组织岗位")
    return render(request, "dashboard/snapshots.html", {
        "snapshots": queries.snapshots(), "org": root, "kinds": SnapshotKind.choices,
        "last_year_end": dt.date(timezone.localdate().year - 1, 12, 31),
    })


@login_required
@require_POST
def snapshot_take(request):
    try:
        kind = request.POST.get("kind", "")
        period_end = dt.date.fromisoformat(request.POST.get("period_end", ""))
    except ValueError:
        messages.error(request, "统计截止日期格式不对，应为 年-月-日")
        return redirect("dashboard:snapshots")
    try:
        actions.snapshot_check(acting_user=request.user, kind=kind, period_end=period_end)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    except ActionDenied as exc:
        messages.error(request, str(exc))
    else:
        job = job_start(acting_user=request.user, kind=SNAPSHOT, params={"kind": kind, "period_end": str(period_end)},
                        title=f"生成统计快照（{SnapshotKind(kind).label}，{period_end:%Y-%m-%d}）")
        return redirect("jobs:detail", pk=job.pk)
    return redirect("dashboard:snapshots")


@login_required
@reading()
def compare(request, pk, snapshot_id):
    """A snapshot side by side with today's figures of the same organisation."""
    org = _org(request, pk)
    snapshot = get_object_or_404(Snapshot, pk=snapshot_id)
    then = queries.figures_in(request.user, snapshot, org)
    if then is None:
        raise Http404("这份快照中没有该党组织")
    now = board_of(request, org)["own"]
    rows = [{"label": label, "then": charts.value_of(then, key), "now": charts.value_of(now, key),
             "change": rules.change(charts.value_of(now, key), charts.value_of(then, key))}
            for key, label in charts.COMPARABLE]
    return render(request, "dashboard/compare.html", {"org": org, "snapshot": snapshot, "rows": rows})


TREND_KEYS = [("total", "党员总数"), ("type:probationary", "预备党员"), ("chg:develop", "发展党员"), ("org", "党组织")]


@login_required
@reading()
def trends(request, pk):
    org = _org(request, pk)
    points = queries.trend(request.user, org, [k for k, _ in TREND_KEYS])
    return render(request, "dashboard/trends.html", {
        "org": org, "keys": TREND_KEYS,
        "points": [{"year": p["year"], "values": [p[k] for k, _ in TREND_KEYS]} for p in points],
        "charts": [charts.trend_chart(points, TREND_KEYS)] if points else [],
    })


def _table_snapshot(request) -> Snapshot | None:
    return _snapshot(request) or Snapshot.objects.filter(kind=SnapshotKind.YEAR_END).first()


@login_required
@reading()
def table_list(request, pk):
    org = _org(request, pk)
    snapshot = _table_snapshot(request)
    filled = queries.filled_tables(request.user, org, snapshot) if snapshot else []
    ids = queries.path_ids(request.user, [r.org_path for f in filled for r in f.rows if r.org_path])
    return render(request, "dashboard/tables.html", {
        "org": org, "snapshot": snapshot, "snapshots": queries.snapshots(),
        "shown": [_table_view(f, org, ids) for f in filled],
    })


# figures computed from others: no list behind them
NOT_RECORDS = {"opening", "increase", "decrease", f"{tables.RECRUIT}:in_progress"}


def _table_view(f: tables.Filled, org, ids: dict[str, int]) -> dict:
    """A filled table as the template draws it: header groups, cells with their links and flags."""
    groups = []
    for col in f.table.columns:
        if col.group and groups and groups[-1]["group"] == col.group:
            groups[-1]["span"] += 1
        else:
            groups.append({"group": col.group, "label": col.group or col.label, "span": 1})
    failed = f.failed_cells()
    rows = []
    for i, (row, values) in enumerate(zip(f.rows, f.cells, strict=True)):
        org_pk = ids.get(row.org_path) if row.org_path else org.pk
        cells = [{"value": v, "failed": (i, j) in failed, "org_pk": org_pk,
                  "key": None if col.key in NOT_RECORDS or org_pk is None else tables.cell_key(row, col)}
                 for j, (col, v) in enumerate(zip(f.table.columns, values, strict=True))]
        rows.append({"label": row.label, "org_id": ids.get(row.org_path), "cells": cells})
    return {"filled": f, "groups": groups, "rows": rows, "failures": f.failure_texts()}


@login_required
@reading()
def table_xlsx(request, pk):
    org = _org(request, pk)
    snapshot = _table_snapshot(request)
    if snapshot is None:
        raise Http404("还没有统计快照")
    filled = queries.filled_tables(request.user, org, snapshot)
    response = xlsx_response(lambda f: exporting.write_tables(f, org.name, snapshot, filled),
                             f"党内统计-{org.name}-{snapshot.period_end:%Y%m%d}.xlsx")
    record_export(actor=request.user, what=f"党内统计表：{org.name}", model="dashboard.snapshot",
                  rows=sum(len(f.rows) for f in filled), filters={"org": org.code, "snapshot": snapshot.pk})
    return response
