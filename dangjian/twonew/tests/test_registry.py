"""Registry actions, coverage queries, 动态排查 and scope on a real database."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook

from dangjian.core.actors import SYSTEM
from dangjian.core.errors import ActionDenied, VersionConflict
from dangjian.core.models import ChangeRecord
from dangjian.testing import make_org
from dangjian.twonew import actions, queries, rules
from dangjian.twonew.choices import Coverage
from dangjian.twonew.importing import import_entities
from dangjian.twonew.models import Check, Entity

pytestmark = pytest.mark.django_db


def code(n: int, head: str = "91") -> str:
    body = f"{head}3501007{n:08d}"[:17]
    return body + rules.credit_check_character(body)


def entity(org, n, coverage=Coverage.NONE, **kw):
    return actions.entity_create(acting_user=SYSTEM, org=org, name=f"企业{n}", credit_code=code(n), kind="enterprise",
                                 coverage=coverage, **kw)


@pytest.fixture
def registry(tree):
    joint = make_org(tree.town1, "东城镇非公企业联合党支部", "C0001-01-009", "joint_branch")
    return [
        entity(tree.a, 1, Coverage.SEPARATE, covering_org=tree.a, party_members=5, employees=50),
        entity(tree.a, 2, Coverage.JOINT, covering_org=joint),
        entity(tree.b, 3, Coverage.INSTRUCTOR, instructor_name="王指导"),
        entity(tree.b, 4),
        entity(tree.c, 5),
    ]


def test_create_checks_code_and_coverage(tree):
    with pytest.raises(ValidationError) as err:
        actions.entity_create(acting_user=SYSTEM, org=tree.a, name="某公司", credit_code="91350100M000100Y44",
                              kind="enterprise", coverage=Coverage.SEPARATE)
    assert "credit_code" in err.value.message_dict and "covering_org" in err.value.message_dict
    made = entity(tree.a, 7)
    assert made.field.name == "非公有制企业"
    assert ChangeRecord.objects.filter(action="twonew_entity_create", object_id=made.pk).exists()
    with pytest.raises(ValidationError, match="已登记"):
        entity(tree.b, 7)


def test_scope_of_writes_and_reads(tree, registry):
    with pytest.raises(ActionDenied):
        actions.entity_create(acting_user=tree.secretary_a, org=tree.b, name="越权", credit_code=code(9),
                              kind="enterprise")
    with pytest.raises(ActionDenied):
        actions.entity_update(acting_user=tree.reader_town1, entity=registry[0], name="改名")
    assert set(queries.entities_for(tree.secretary_a)) == set(registry[:2])
    assert queries.entities_for(tree.reader_town1).count() == 4


def test_stale_version_is_refused(tree, registry):
    first = registry[0]
    actions.entity_update(acting_user=tree.secretary_a, entity=first, expected_version=1, employees=60)
    with pytest.raises(VersionConflict):
        actions.entity_update(acting_user=tree.secretary_a, entity=first, expected_version=1, employees=70)
    assert Entity.objects.get(pk=first.pk).employees == 60


def test_coverage_rolls_up_by_org_and_field(tree, registry, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        rows = {r.name: r.counts for r in queries.coverage_by_org(tree.county_admin, tree.county)}
    county, town1, town2 = rows["县委"], rows["东城镇党委"], rows["西山镇党委"]
    assert (county.total, county.org_rate, county.work_rate) == (5, 40.0, 60.0)
    assert (town1.total, town1.org_rate, town1.work_rate) == (4, 50.0, 75.0)
    assert (town2.total, town2.org_rate, town2.work_rate) == (1, 0.0, 0.0)
    assert county.party_members == 5
    by_field = queries.coverage_by_field(tree.county_admin, tree.county)
    assert [(r.name, r.counts.total) for r in by_field] == [("非公有制企业", 5)]
    # a town's view counts its own subtree only
    town_rows = queries.coverage_by_org(tree.reader_town1, tree.town1)
    assert town_rows[0].counts.total == 4


def test_uncovered_filter(tree, registry):
    qs = queries.filter_entities(queries.entities_for(tree.county_admin), coverage="uncovered")
    assert {e.name for e in qs} == {"企业4", "企业5"}


def test_round_progress_and_confirmation(tree, registry):
    rnd = actions.round_create(acting_user=tree.county_admin, org=tree.county, title="2026年两新组织动态排查",
                               starts_on=dt.date(2026, 3, 1), due_on=dt.date(2026, 4, 30))
    actions.entity_confirm(acting_user=tree.secretary_a, round=rnd, entity=registry[0])
    check = actions.entity_confirm(acting_user=tree.secretary_b, round=rnd, entity=registry[3],
                                   coverage=Coverage.INSTRUCTOR, instructor_name="李指导")
    assert check.changed and Entity.objects.get(pk=registry[3].pk).coverage == Coverage.INSTRUCTOR
    with pytest.raises(ValidationError, match="已核实"):
        actions.entity_confirm(acting_user=tree.secretary_a, round=rnd, entity=registry[0])
    progress = {row.name: p for row, p in queries.round_progress(tree.county_admin, rnd)}
    assert (progress["县委"].total, progress["县委"].checked, progress["县委"].remaining) == (5, 2, 3)
    assert progress["西山镇党委"].percent == 0.0
    pending = queries.filter_entities(queries.entities_for(tree.county_admin), unchecked_round=rnd)
    assert {e.name for e in pending} == {"企业2", "企业3", "企业5"}
    assert Check.objects.count() == 2


def _xlsx(rows, header=("企业名称", "统一社会信用代码", "住所", "法定代表人", "从业人数")):
    book = Workbook()
    sheet = book.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def test_import_is_idempotent_and_matches_by_code(tree, registry):
    rows = [("企业1（更名）", code(1), "东城镇一路1号", "张三", 80), ("新公司", code(20), "西山镇", "李四", 12),
            ("某协会", code(21, "51"), "县城", "王五", 3)]
    result = import_entities(acting_user=tree.county_admin, source=_xlsx(rows))
    assert (result.created, result.updated, result.unchanged) == (2, 1, 0), result.errors
    assert Entity.objects.get(credit_code=code(1)).coverage == Coverage.SEPARATE  # coverage untouched
    assert Entity.objects.get(credit_code=code(21, "51")).kind == "social"
    assert Entity.objects.get(credit_code=code(20)).org == tree.county
    again = import_entities(acting_user=tree.county_admin, source=_xlsx(rows))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert Entity.objects.count() == 7


def test_import_reports_every_bad_row_and_writes_nothing(tree, registry):
    rows = [("甲", "91350100M000100Y44", "", "", 5), ("乙", code(30), "", "", "很多"), ("丙", code(31), "", "", 1),
            ("丁", code(31), "", "", 1), ("", code(32), "", "", 1), ("戊", code(33, "11"), "", "", 1)]
    result = import_entities(acting_user=tree.county_admin, source=_xlsx(rows))
    problems = {(e.row, e.column) for e in result.errors}
    assert {(2, "统一社会信用代码"), (3, "从业人数"), (4, "统一社会信用代码"), (5, "统一社会信用代码"),
            (6, "企业名称"), (7, "统一社会信用代码")} <= problems
    assert Entity.objects.count() == 5


def test_import_refuses_entries_outside_scope(tree, registry):
    rows = [("企业5", code(5), "", "", 1)]
    result = import_entities(acting_user=tree.secretary_a, source=_xlsx(rows))
    assert not result.ok and "管辖范围以外" in result.errors[0].message
