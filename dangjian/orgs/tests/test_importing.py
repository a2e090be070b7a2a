"""Organisation tree import: upsert by code, rows in any order, scope and cycles checked first."""

import io

import openpyxl
import pytest

from dangjian.core.models import ChangeRecord
from dangjian.orgs.importing import HEADERS, import_orgs, org_template_workbook
from dangjian.orgs.models import Organization

pytestmark = pytest.mark.django_db


def xlsx(rows, headers=HEADERS):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(headers))
    for row in rows:
        sheet.append([row.get(h) for h in headers])
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def org_row(code, name, parent, kind="党支部", **more):
    return {"组织代码": code, "组织名称": name, "组织类型": kind, "上级组织代码": parent, **more}


def reason(result, row, column):
    return " ".join(e.message for e in result.errors if e.row == row and e.column == column)


def subtree_rows(tree):
    """Children listed before their parents, on purpose."""
    return [
        org_row("T1-G2", "第二党小组", "T1-B1", "党小组"),
        org_row("T1-B1", "东城镇商会联合党支部", "T1-GB", "联合党支部", 单位类别="非公企业", 成立日期="2019.06.30"),
        org_row("T1-G1", "第一党小组", "T1-B1", "党小组"),
        org_row("T1-GB", "东城镇非公企业党总支", tree.town1.code, "党总支", 简称="非公党总支"),
    ]


def test_creates_a_subtree_in_any_row_order(tree):
    result = import_orgs(acting_user=tree.county_admin, source=xlsx(subtree_rows(tree)))
    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (4, 0, 0)
    general = Organization.objects.get(code="T1-GB")
    branch = Organization.objects.get(code="T1-B1")
    assert general.parent_id == tree.town1.pk and general.short_name == "非公党总支"
    assert branch.parent_id == general.pk and branch.kind == "joint_branch"
    assert branch.unit_category == "private_enterprise" and str(branch.founded_on) == "2019-06-30"
    assert set(branch.children.values_list("code", flat=True)) == {"T1-G1", "T1-G2"}
    assert all(o.path.startswith(tree.town1.path) for o in Organization.objects.filter(code__startswith="T1-"))
    assert ChangeRecord.objects.filter(action="org_create", actor=tree.county_admin).count() == 4


def test_reimport_changes_nothing_and_edits_update(tree):
    import_orgs(acting_user=tree.county_admin, source=xlsx(subtree_rows(tree)))
    again = import_orgs(acting_user=tree.county_admin, source=xlsx(subtree_rows(tree)))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    rows = subtree_rows(tree)
    rows[2]["组织名称"] = "第一党小组（机关）"
    changed = import_orgs(acting_user=tree.county_admin, source=xlsx(rows))
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 3)
    group = Organization.objects.get(code="T1-G1")
    assert (group.name, group.version) == ("第一党小组（机关）", 2)


def test_secretary_updates_own_branch_without_parent_code(tree):
    row = org_row(tree.a.code, tree.a.name, "", 所在单位="红星村村民委员会")
    result = import_orgs(acting_user=tree.secretary_a, source=xlsx([row]))
    assert result.updated == 1, result.errors
    assert Organization.objects.get(pk=tree.a.pk).unit_name == "红星村村民委员会"


def test_parent_outside_scope_is_refused(tree):
    rows = [org_row("A-G1", "第一党小组", tree.a.code, "党小组"), org_row("B-G1", "第一党小组", tree.b.code, "党小组")]
    result = import_orgs(acting_user=tree.secretary_a, source=xlsx(rows))
    assert "不在您的管辖范围内" in reason(result, 3, "上级组织代码")
    assert not Organization.objects.filter(code__in=["A-G1", "B-G1"]).exists()


def test_existing_code_outside_scope_is_refused(tree):
    result = import_orgs(acting_user=tree.secretary_a, source=xlsx([org_row(tree.b.code, "改名", tree.town1.code)]))
    assert "管辖范围以外" in reason(result, 2, "组织代码")
    assert Organization.objects.get(pk=tree.b.pk).name == tree.b.name


def test_cycle_is_reported_on_each_row(tree):
    rows = [org_row("X1", "甲支部", "X2"), org_row("X2", "乙支部", "X1"), org_row("X3", "丙支部", tree.a.code)]
    result = import_orgs(acting_user=tree.county_admin, source=xlsx(rows))
    assert "循环" in reason(result, 2, "上级组织代码") and "循环" in reason(result, 3, "上级组织代码")
    assert not Organization.objects.filter(code__in=["X1", "X2", "X3"]).exists()


def test_unknown_parent_and_missing_parent(tree):
    rows = [org_row("Y1", "甲支部", "NOPE"), org_row("Y2", "乙支部", "")]
    result = import_orgs(acting_user=tree.county_admin, source=xlsx(rows))
    assert "不存在" in reason(result, 2, "上级组织代码")
    assert "须填写上级组织代码" in reason(result, 3, "上级组织代码")


def test_moving_through_import_is_refused(tree):
    row = org_row(tree.a.code, tree.a.name, tree.town2.code)
    result = import_orgs(acting_user=tree.county_admin, source=xlsx([row]))
    assert "组织调整" in reason(result, 2, "上级组织代码")
    assert Organization.objects.get(pk=tree.a.pk).parent_id == tree.town1.pk


def test_branch_under_a_group_is_refused(tree):
    rows = [org_row("Z1", "党小组", tree.a.code, "党小组"), org_row("Z2", "支部", "Z1", "党支部")]
    result = import_orgs(acting_user=tree.county_admin, source=xlsx(rows))
    assert "党小组" in reason(result, 3, "组织类型")
    assert not Organization.objects.filter(code__in=["Z1", "Z2"]).exists()


def test_duplicate_codes_and_bad_values(tree):
    rows = [org_row("D1", "甲", tree.a.code, "党小组"), org_row("D1", "乙", tree.a.code, "党小组"),
            org_row("D2", "丙", tree.a.code, "兴趣小组"), org_row("D3", "丁", tree.a.code, "党小组", 成立日期="去年")]
    result = import_orgs(acting_user=tree.county_admin, source=xlsx(rows))
    assert "第3行" in reason(result, 2, "组织代码") and "第2行" in reason(result, 3, "组织代码")
    assert "不是可选值" in reason(result, 4, "组织类型")
    assert "日期" in reason(result, 5, "成立日期")
    assert not Organization.objects.filter(code__in=["D1", "D2", "D3"]).exists()


def test_missing_columns(tree):
    result = import_orgs(acting_user=tree.county_admin, source=xlsx([org_row("E1", "甲", tree.a.code)],
                                                                      ["组织代码", "组织名称"]))
    assert "组织类型" in result.errors[0].message and "上级组织代码" in result.errors[0].message


def test_not_an_xlsx(tree):
    result = import_orgs(acting_user=tree.county_admin, source=io.BytesIO(b"%PDF-1.4 not a workbook"))
    assert not result.ok and "Excel" in result.errors[0].message


def test_template_lists_kinds_and_unit_categories(tree, tmp_path):
    book = org_template_workbook()
    assert book.sheetnames == ["党组织", "填写说明"]
    assert [c.value for c in book["党组织"][1]] == HEADERS
    guide = "\n".join(str(c.value) for row in book["填写说明"].iter_rows() for c in row if c.value)
    assert "党总支" in guide and "非公企业" in guide
    book["党组织"].append(["TPL-1", "模板党小组", "", "党小组", tree.a.code, "", "", ""])
    path = tmp_path / "org.xlsx"
    book.save(path)
    result = import_orgs(acting_user=tree.secretary_a, source=path)
    assert result.created == 1, result.errors
