"""台账 export: the usual layout of a rectification ledger, streamed with openpyxl's write-only
mode; every string passes through ``safe_cell`` (via ``append_row``) against formula injection."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import QuerySet

from dangjian.core.excel import append_row, header_cells, write_only_workbook

from . import rules
from .choices import Kind, State
from .models import Measure, WorkItem

HEADERS = ["序号", "问题/任务", "整改措施", "责任单位", "责任人", "完成时限", "进展情况", "状态"]
WIDTHS = [6, 50, 50, 24, 14, 12, 40, 12]
CHUNK = 2000
KIND_LABELS = dict(Kind.choices)
STATE_LABELS = dict(State.choices)


def _measures(item_ids: list[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = defaultdict(list)
    rows = Measure.objects.filter(item_id__in=item_ids).order_by("item_id", "position", "id")
    for item_id, text in rows.values_list("item_id", "text"):
        out[item_id].append(text)
    return out


def _chunks(qs: QuerySet[WorkItem]):
    """Items in ledger order, a chunk at a time, each with its measures (two queries per chunk)."""
    # org__path is selected too: a DISTINCT query (the "mine" scope) may only order by selected columns.
    rows = qs.order_by("org__path", "deadline", "id").values_list(
        "id", "kind", "title", "description", "org__name", "person_names", "deadline", "progress_note", "state",
        "org__path",
    )
    chunk: list = []
    for row in rows.iterator(chunk_size=CHUNK):
        chunk.append(row)
        if len(chunk) >= CHUNK:
            yield chunk, _measures([r[0] for r in chunk])
            chunk = []
    if chunk:
        yield chunk, _measures([r[0] for r in chunk])


def _state_label(state: str, deadline: dt.date | None, today: dt.date) -> str:
    label = STATE_LABELS.get(state, state)
    if rules.is_overdue(deadline, state, today):
        return f"{label}（超期{rules.days_overdue(deadline, today)}天）"
    return label


def ledger_rows(qs: QuerySet[WorkItem], today: dt.date):
    number = 0
    for chunk, measures in _chunks(qs):
        for item_id, kind, title, description, org_name, persons, deadline, progress, state, _ in chunk:
            number += 1
            body = title if not description or description == title else f"{title}\n{description}"
            steps = measures.get(item_id, [])
            measure_text = "\n".join(f"{i}. {m}" for i, m in enumerate(steps, start=1)) if len(steps) > 1 else (
                steps[0] if steps else "")
            yield [number, f"【{KIND_LABELS.get(kind, kind)}】{body}", measure_text, org_name, persons, deadline,
                   progress, _state_label(state, deadline, today)]


def write_ledger(target, qs: QuerySet[WorkItem], *, today: dt.date) -> int:
    """Write the ledger of ``qs`` (already scoped and filtered) into ``target``; returns the count."""
    from openpyxl.utils import get_column_letter

    book = write_only_workbook()
    sheet = book.create_sheet("整改台账")
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.append(header_cells(sheet, HEADERS))
    count = 0
    for row in ledger_rows(qs, today):
        append_row(sheet, row)
        count += 1
    book.save(target)
    return count


def ledger_filename(today: dt.date) -> str:
    return f"三单整改台账_{today:%Y%m%d}.xlsx"
