"""The /orglife/ matrix of a subtree as plain data: one row per child organisation (rolled up over
its subtree) with a cell per month, the subtree's total and its silent branches. For a large subtree
the page takes it from the shared summary cache (dangjian/core/summaries.py), with its time."""

from __future__ import annotations

from django.utils import timezone

from dangjian.core.summaries import register_summary

from . import rules
from .report import FlagCounts, FlagTotals, Report, compliance_report, flag_counts

MONTHS = list(range(1, 13))
SHOWN_SILENT = 50


def _cell(tally: rules.Tally | None) -> dict:
    if tally is None or (not tally.owed and not tally.not_due):
        return {"css": "na", "text": ""}
    if tally.missing or tally.quorum:
        return {"css": "bad", "text": f"{tally.met}/{tally.owed}"}
    if tally.not_due:
        # Some requirements of the month are still open (未到期): yellow, as the legend says, and
        # counted in the denominator — green "4/4" hid three open ones.
        return {"css": "open", "text": f"{tally.met}/{tally.owed + tally.not_due}" if tally.owed else "待办"}
    return {"css": "good", "text": f"{tally.met}/{tally.owed}"}


def matrix_rows(report: Report, flags: FlagTotals | None = None) -> list[dict]:
    """The rows of the matrix: the root itself when it has rules of its own (本级), then each child
    holding anything to evaluate, rolled up over its subtree. ``deeper`` rows drill into the matrix
    of the child; the others drill into the organisation's month."""
    root = report.orgs[report.root.pk]
    rows = []
    if root.id in report.results:
        rows.append(_row(report, root, report.root_months, deeper=False))
    for child in report.children_of(root.id):
        if child.path not in report.tallies:
            continue
        deeper = any(g.path in report.tallies for g in report.children_of(child.id))
        rows.append(_row(report, child, report.month_tallies.get(child.path, {}), deeper=deeper))
    for row in rows:
        # the root's own row (本级) counts its own meetings' flags; each child row its whole subtree's
        own = row["org"].path == root.path
        if flags is None:
            row["flags"] = FlagCounts()
        else:
            row["flags"] = flags.own.get(root.path, FlagCounts()) if own else flags.get(row["org"].path)
    return rows


def _row(report, org, months, *, deeper: bool) -> dict:
    return {
        "org": org, "total": report.tallies[org.path] if deeper else report.own_tallies[org.path],
        "deeper": deeper, "silence": report.silences.get(org.id),
        "cells": [{"month": m, **_cell(months.get(m)), "meetings": report.meeting_counts.get(org.id, {}).get(m, 0)}
                  for m in MONTHS],
    }


def matrix_summary(root, variant: str) -> dict:
    """Everything the matrix page shows of ``root``'s subtree for the year ``variant``."""
    report = compliance_report(root, int(variant))
    silent = report.silent()
    flags = flag_counts(root, int(variant))
    return {"rows": matrix_rows(report, flags), "flags": flags.get(root.path, FlagCounts()),
            "total": report.tallies.get(root.path, rules.Tally()),
            "silent": silent[:SHOWN_SILENT], "silent_count": len(silent), "has_own_results": root.pk in report.results}


def _years() -> list[str]:
    year = timezone.localdate().year
    return [str(year), str(year - 1)]


register_summary("orglife.matrix", matrix_summary, variants=_years)
