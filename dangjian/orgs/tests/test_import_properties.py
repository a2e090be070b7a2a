"""Properties of the organisation-tree importer with generated workbooks (hypothesis): any cells
import or are refused with row, column and a Chinese reason, and nothing is written then; rows in
any order build the same tree; a file that imported once changes nothing the second time."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dangjian.core.models import ChangeRecord
from dangjian.core.tests.strategies import (
    audited_once,
    cell_values,
    check_failure_report,
    header_layouts,
    mutated_rows,
    rolled_back,
    workbook,
)
from dangjian.orgs.choices import UnitCategory
from dangjian.orgs.importing import HEADERS, import_orgs
from dangjian.orgs.models import Organization

pytestmark = pytest.mark.django_db

TOWNS = ["C0001-01", "C0001-02"]
CHILD_KINDS = {"党委": ["党总支", "党支部", "联合党支部"], "党总支": ["党支部"], "党支部": ["党小组", "党员中心户"],
               "联合党支部": ["党小组"]}
names = st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), min_size=2, max_size=12)


@st.composite
def org_rows(draw, *, max_size: int = 6) -> list[dict]:
    """New organisations under the small tree's towns, each under a town or an earlier row,
    with a kind its parent may hold; then shuffled, since the importer takes any order."""
    rows: list[dict] = []
    kinds = {town: "党委" for town in TOWNS}
    for i in range(draw(st.integers(1, max_size))):
        parent = draw(st.sampled_from([code for code, kind in kinds.items() if kind in CHILD_KINDS]))
        kind = draw(st.sampled_from(CHILD_KINDS[kinds[parent]]))
        code = f"P-{i:02d}-{draw(st.integers(0, 99)):02d}"
        kinds[code] = kind
        founded = draw(st.one_of(st.none(), st.dates(dt.date(1950, 1, 1), dt.date(2025, 12, 31))))
        rows.append({
            "组织代码": code, "组织名称": draw(names) + kind, "简称": draw(st.sampled_from(["", "简称"])),
            "组织类型": kind, "上级组织代码": parent,
            "成立日期": draw(st.sampled_from([None, founded, founded and founded.isoformat()])),
            "所在单位": draw(st.sampled_from(["", "某某单位", "东城镇卫生院"])),
            "单位类别": draw(st.sampled_from([str(label) for label in UnitCategory.labels] + ["", "国企"])),
        })
    return draw(st.permutations(rows))


def sheet(rows: list[dict], headers: list[str] = HEADERS) -> list[list]:
    return [list(headers), *([row.get(h) for h in headers] for row in rows)]


def stored_state():
    return (sorted(Organization.objects.values_list("code", "parent__code", "path", "version", "name", "kind")),
            ChangeRecord.objects.exclude(action="import").count())


@settings(max_examples=40)
@given(data=st.data())
def test_generated_trees_import_in_any_order_and_reimport_changes_nothing(tree, data):
    rows = data.draw(org_rows())
    with rolled_back():
        first = import_orgs(acting_user=tree.county_admin, source=workbook(sheet(rows)))
        assert first.ok, first.errors
        assert (first.created, first.updated) == (len(rows), 0)
        for row in rows:
            org = Organization.objects.get(code=row["组织代码"])
            assert (org.parent.code, org.name) == (row["上级组织代码"], row["组织名称"])
            assert org.path.startswith(org.parent.path)
        after_first = stored_state()
        again = import_orgs(acting_user=tree.county_admin, source=workbook(sheet(rows)))
        assert again.ok, again.errors
        assert (again.created, again.updated, again.unchanged) == (0, 0, len(rows))
        assert stored_state() == after_first


@settings(max_examples=50)
@given(data=st.data())
def test_any_cells_import_or_are_refused_with_reasons_and_nothing_written(tree, data):
    rows = data.draw(mutated_rows(data.draw(org_rows()), HEADERS, max_changes=4))
    headers = data.draw(header_layouts(HEADERS))
    user = data.draw(st.sampled_from([tree.county_admin, tree.secretary_a]))
    with rolled_back():
        before = stored_state()
        result = audited_once(lambda: import_orgs(acting_user=user, source=workbook(sheet(rows, headers))))
        if result.ok:
            assert result.created + result.updated + result.unchanged == len(rows)
        else:
            check_failure_report(result, HEADERS + ["组织类型"])
            assert stored_state() == before


@settings(max_examples=40)
@given(rows=st.lists(st.lists(cell_values, max_size=10), max_size=6),
       headers=st.one_of(header_layouts(HEADERS), st.lists(cell_values, max_size=10)))
def test_arbitrary_cells_never_raise(tree, rows, headers):
    with rolled_back():
        before = stored_state()
        result = audited_once(lambda: import_orgs(acting_user=tree.county_admin, source=workbook([headers, *rows])))
        if not result.ok:
            check_failure_report(result, HEADERS)
            assert stored_state() == before


@settings(max_examples=30)
@given(data=st.data())
def test_a_cycle_or_unknown_parent_anywhere_writes_nothing(tree, data):
    rows = data.draw(org_rows(max_size=5))
    victim = data.draw(st.integers(0, len(rows) - 1))
    rows[victim]["上级组织代码"] = data.draw(st.sampled_from(
        ["NO-SUCH", rows[victim]["组织代码"], *(r["组织代码"] for r in rows if r is not rows[victim])]
    ))
    with rolled_back():
        before = stored_state()
        result = audited_once(lambda: import_orgs(acting_user=tree.county_admin, source=workbook(sheet(rows))))
        if not result.ok:
            check_failure_report(result, HEADERS + ["组织类型"])
            assert stored_state() == before
        else:  # the new parent was a row below which the kind fits: still a tree, written whole
            assert Organization.objects.filter(code__in=[r["组织代码"] for r in rows]).count() == len(rows)
