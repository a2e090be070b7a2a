"""Hypothesis strategies and helpers shared by the property-based tests of the Excel importers."""

from __future__ import annotations

import datetime as dt
import io
import re
from contextlib import contextmanager

import openpyxl
from django.db import transaction
from hypothesis import strategies as st

CJK = re.compile(r"[\u4e00-\u9fff]")


class Formula(str):
    """A cell written as a formula (with no cached value, as openpyxl saves it); any other text,
    "=1+1" included, is written as literal text, as Excel keeps a cell formatted as text."""


# Text a cell can hold: any character XML 1.0 allows (openpyxl refuses control characters, lone
# surrogates and the non-characters U+FFFE/U+FFFF, and so does Excel).
cell_text = st.text(st.characters(exclude_categories=("Cs", "Cc", "Cn")), max_size=60)
tricky_text = st.sampled_from([
    "=1+1", "=SUM(A1:A9)", "=HYPERLINK(\"http://x\")", "+1", "-1", "@A1", "'", "是", "否", "男", "女", "汉族",
    "正式党员", "预备党员", "党支部", "2005-07-01", "2005年7月1日", "2005.7.1", "20050701", "1905-02-30",
    "9999-99-99", "0000-00-00", "", " ", "\u3000", "X", "NaN", "inf", "None", "null", "1e308", "0x1F",
    "110101198001011234", "11010119800101123X", "<script>alert(1)</script>", "表头", "姓名", "\u202e反向",
    "🇨🇳", "ABCDEFGHIJKLMNOPQRSTUVWXYZ" * 12,
])
formulas = st.sampled_from(["=1+1", "=A1", "=1/0", "=\"正式党员\"", "=DATE(2005,7,1)", "=SUM(1:1)"]).map(Formula)
numbers = st.one_of(
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0, 1, -1, 19000101, 20050701, 21001231, 80000, 2**53, 1e15, 1.5, -0.0]),
)
cell_values = st.one_of(
    st.none(),
    cell_text,
    tricky_text,
    formulas,
    numbers,
    st.booleans(),
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(9999, 12, 31)),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(9999, 12, 31)),
)


def workbook(rows: list[list], *, title: str | None = None) -> io.BytesIO:
    """An in-memory .xlsx holding ``rows``; see ``Formula``."""
    book = openpyxl.Workbook()
    sheet = book.active
    if title:
        sheet.title = title
    for row_no, row in enumerate(rows, start=1):
        for col_no, value in enumerate(row, start=1):
            cell = sheet.cell(row_no, col_no, value)
            if isinstance(value, str) and not isinstance(value, Formula):
                cell.data_type = "s"
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


@st.composite
def mutated_rows(draw, rows: list[dict], headers: list[str], *, max_changes: int = 4) -> list[dict]:
    """``rows`` with a few cells replaced by arbitrary values."""
    rows = [dict(r) for r in rows]
    for _ in range(draw(st.integers(0, max_changes))):
        target = draw(st.integers(0, len(rows) - 1))
        rows[target][draw(st.sampled_from(headers))] = draw(cell_values)
    return rows


@st.composite
def header_layouts(draw, headers: list[str]) -> list[str]:
    """The template's header, usually whole, sometimes reordered, short of a column, with a column
    repeated or with a column the importer does not know."""
    out = list(headers)
    if draw(st.booleans()):
        out = draw(st.permutations(out))
    if draw(st.integers(0, 4)) == 0:
        out.pop(draw(st.integers(0, len(out) - 1)))
    if draw(st.integers(0, 4)) == 0:
        out.append(draw(st.sampled_from(headers)))
    if draw(st.integers(0, 4)) == 0:
        out.insert(draw(st.integers(0, len(out))), draw(cell_text))
    return out


def check_failure_report(result, headers: list[str]) -> None:
    """A refused import answers with row, column and a reason in Chinese for each problem."""
    assert not result.ok
    assert result.errors and result.error_count >= len(result.errors)
    for error in result.errors:
        assert error.row is None or (isinstance(error.row, int) and error.row >= 1), error
        assert error.column == "" or error.column in headers, error
        assert CJK.search(error.message), error


def audited_once(run):
    """``run()``'s result, checking that the import left exactly one audit record of itself,
    whether it was refused or not."""
    from dangjian.core.models import ChangeRecord

    before = ChangeRecord.objects.filter(action="import").count()
    result = run()
    assert ChangeRecord.objects.filter(action="import").count() == before + 1
    return result


@contextmanager
def rolled_back():
    """Run one hypothesis example inside a savepoint that is rolled back, so examples sharing the
    test's database start from the same state."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)
