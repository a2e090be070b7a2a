"""The 数据看板 API: live figures of an organisation and its children, snapshots (list, take, one
organisation's frozen figures) and the 党内统计 tables filled from a snapshot with their checks.
Organisations outside the user's scope are 404; bad input is 422 in Chinese."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from dangjian.apikit import WRITE_ERRORS, readable_or_404, responses
from dangjian.orgs.models import Organization

from . import actions, queries, rules
from .choices import SnapshotKind
from .models import Snapshot

router = Router(tags=["数据看板"])


class MonthOut(Schema):
    month: int
    met: int
    owed: int
    rate: float | None


class OrgFiguresOut(Schema):
    org: int | None = Field(description="党组织编号")
    path: str
    name: str
    figures: dict[str, int] = Field(description="各项数字：键见 docs/dashboard.md")


class LiveOut(Schema):
    day: dt.date
    org: OrgFiguresOut
    children: list[OrgFiguresOut]
    months: list[MonthOut] = Field(description="组织生活落实率（按月）")


class SnapshotOut(Schema):
    id: int
    kind: str
    period_end: dt.date
    taken_at: dt.datetime
    org_count: int


class SnapshotIn(Schema):
    kind: SnapshotKind = Field(description="year_end 年末 / month_end 月末")
    period_end: dt.date = Field(description="统计截止日期")


class TableOut(Schema):
    code: str
    number: str
    title: str
    columns: list[str]
    rows: list[str]
    cells: list[list[int]]
    failures: list[str] = Field(description="未通过的表内校验")


class TablesQuery(Schema):
    snapshot: int | None = Field(None, ge=1, le=2**31 - 1, description="快照编号；不填为最近的年末快照")


def _org(request, org_id: int) -> Organization:
    return readable_or_404(Organization.objects.all(), request.user, org_id)


@router.get("/orgs/{int:org_id}/figures", response=responses(LiveOut), summary="党组织及其下级的当前数字")
def live_figures(request, org_id: int):
    org = _org(request, org_id)
    value = queries.live(org).value
    figures = value["figures"]
    kids = queries.children(org)
    children = [{"org": kids[p].pk, "path": p, "name": kids[p].name, "figures": figures[p]}
                for p in rules.children_paths(figures, org.path) if p in kids]
    return {"day": timezone.localdate(), "months": value["months"], "children": children,
            "org": {"org": org.pk, "path": org.path, "name": org.name, "figures": figures.get(org.path, {})}}


@router.get("/snapshots", response=responses(list[SnapshotOut], errors=(401,)), summary="统计快照列表")
def list_snapshots(request):
    return list(queries.snapshots())


@router.post("/snapshots", response=responses(SnapshotOut, status=201, errors=WRITE_ERRORS), summary="生成统计快照")
def take_snapshot(request, payload: SnapshotIn):
    """需要全部顶级党组织的修改权限；同一截止日期只能生成一次。"""
    snapshot = actions.snapshot_take(acting_user=request.user, kind=payload.kind, period_end=payload.period_end)
    return Status(201, snapshot)


@router.get("/snapshots/{int:snapshot_id}/orgs/{int:org_id}", response=responses(OrgFiguresOut),
            summary="快照中一个党组织的数字")
def snapshot_figures(request, snapshot_id: int, org_id: int):
    org = _org(request, org_id)
    snapshot = get_object_or_404(Snapshot, pk=snapshot_id)
    row = queries.snapshot_rows(request.user, snapshot).filter(org=org).first()
    if row is None:
        raise ValidationError({"org": "这份快照中没有该党组织"})
    return {"org": org.pk, "path": row.path, "name": row.name, "figures": row.figures}


@router.get("/orgs/{int:org_id}/tables", response=responses(list[TableOut]), summary="党内统计表")
def statistical_tables(request, org_id: int, query: Query[TablesQuery]):
    """从快照填报的党内统计表，每张表附表内校验结果。"""
    org = _org(request, org_id)
    snapshot = (get_object_or_404(Snapshot, pk=query.snapshot) if query.snapshot
                else Snapshot.objects.filter(kind=SnapshotKind.YEAR_END).first())
    if snapshot is None:
        raise ValidationError({"snapshot": "还没有年末快照"})
    return [{"code": f.table.code, "number": f.table.number, "title": f.table.title,
             "columns": [f"{c.group}/{c.label}" if c.group else c.label for c in f.table.columns],
             "rows": [r.label for r in f.rows], "cells": f.cells, "failures": f.failure_texts()}
            for f in queries.filled_tables(request.user, org, snapshot)]
