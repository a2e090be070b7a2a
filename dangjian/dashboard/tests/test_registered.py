"""Figures other apps register (``core.registry.register_statistics``) and the 发展党员 tables, on
hand-counted fixtures of the small tree (县委 → 东城镇 (A 村, B 社区), 西山镇 (C 卫生院)):

两新 units (``twonew/statsources.py``; 应建 = 3 or more party members, 已建 = 单独 or 联合建立):
  e1 A 企业 5 党员 单独建立 · e2 A 企业 1 党员 联合建立 · e3 B 社会组织 3 党员 未覆盖 ·
  e4 C 企业 4 党员 指导员 · e5 C 企业 0 党员 未覆盖
  → county: units 5, 应建 3 (e1 e3 e4), of which 已建 1 (e1), 未建 2 (e3 e4); 已建 in all 2 (e1 e2).

发展党员 cases (``recruitment/statsources.py``), counted up to DAY = 2026-06-30:
  k1 A applied 2026-01-10, stage 1 · k2 A applied 2025, 积极分子 2026-02-01, stage 2 ·
  k3 B applied 2024, 发展对象 2026-03-01, approved 2026-05-01, stage 5 on probation ·
  k4 C applied 2026-02-01, rejected 2026-04-01, closed · k5 C applied 2026-07-15 (after DAY) ·
  k6 C applied 2023, 延长预备期 2026-06-01, stage 5 on probation
  → county: applied 2 (k1 k4), activists 1, candidates 1, admitted 1, extended 1; in stage 1: 1,
  stage 2: 1, stage 5: 2.

发展党员 composition: one recruit in A joined 2026-03-01 (woman, 回族, farmer, 大学本科, born 2000)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from dangjian.core.actors import SYSTEM
from dangjian.core.registry import RegistryError, register_statistics, statistics_source_of
from dangjian.dashboard import actions, figures, queries, tables
from dangjian.recruitment import actions as recruitment
from dangjian.recruitment.models import CaseStep, RecruitmentCase
from dangjian.testing import api_client, make_member, make_org, new_id_number
from dangjian.twonew import actions as twonew
from dangjian.twonew import rules as twonew_rules

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 6, 30)
D = dt.date


def _code(n: int, head: str) -> str:
    body = f"{head}3501007{n:08d}"[:17]
    return body + twonew_rules.credit_check_character(body)


@pytest.fixture
def units(tree):
    joint = make_org(tree.town1, "东城镇非公企业联合党支部", "C0001-01-009", "joint_branch")

    def unit(org, n, kind, members, coverage="none", **kw):
        head = "91" if kind == "enterprise" else "51"
        return twonew.entity_create(acting_user=SYSTEM, org=org, name=f"单位{n}", credit_code=_code(n, head),
                                    kind=kind, party_members=members, coverage=coverage, **kw)

    tree.e = [unit(tree.a, 1, "enterprise", 5, "separate", covering_org=tree.a),
              unit(tree.a, 2, "enterprise", 1, "joint", covering_org=joint),
              unit(tree.b, 3, "social", 3),
              unit(tree.c, 4, "enterprise", 4, "instructor", instructor_name="王指导"),
              unit(tree.c, 5, "enterprise", 0)]
    return tree


@pytest.fixture
def cases(tree):
    def case(org, applied, stage=1, status="active"):
        made = recruitment.case_create(acting_user=SYSTEM, org=org, name="林晓", id_number=new_id_number(D(1998, 1, 2)),
                                       applied_on=applied, today=D(2026, 12, 31))
        RecruitmentCase.objects.filter(pk=made.pk).update(stage=stage, status=status)
        return made

    def step(made, number, on, outcome=""):
        CaseStep.objects.create(case=made, step=number, done_on=on, outcome=outcome)

    k2 = case(tree.a, D(2025, 4, 1), stage=2)
    k3 = case(tree.b, D(2024, 1, 1), stage=5, status="probationary")
    k4 = case(tree.c, D(2026, 2, 1), stage=4, status="closed")
    k6 = case(tree.c, D(2023, 1, 1), stage=5, status="probationary")
    case(tree.a, D(2026, 1, 10))
    case(tree.c, D(2026, 7, 15))
    step(k2, 3, D(2026, 2, 1))
    step(k3, 7, D(2026, 3, 1))
    step(k3, 17, D(2026, 5, 1), "approved")
    step(k4, 17, D(2026, 4, 1), "rejected")
    step(k6, 23, D(2026, 6, 1), "extend")
    return tree


def _counted(t, prefix: str):
    """The county's figures under ``prefix`` (without it), and the two towns' figures."""
    f = figures.subtree_figures(t.county, DAY)
    county = {k[len(prefix):]: v for k, v in f[t.county.path].items() if k.startswith(prefix)}
    return county, f[t.town1.path], f[t.town2.path]


def test_two_new_units_are_the_hand_counts(units):
    got, town1, town2 = _counted(units, "twonew:")
    assert got == {"units": 5, "should": 3, "should_built": 1, "should_missing": 2, "built": 2,
                   "units@private_enterprise": 4, "should@private_enterprise": 2,
                   "should_built@private_enterprise": 1, "should_missing@private_enterprise": 1,
                   "built@private_enterprise": 2, "units@social_organization": 1,
                   "should@social_organization": 1, "should_missing@social_organization": 1}
    assert (town1["twonew:units"], town1["twonew:should"], town1["twonew:built"]) == (3, 2, 2)
    assert (town2["twonew:should_missing"], "twonew:built" in town2) == (1, False)


def test_two_new_cells_of_the_organisations_table_frozen_in_the_snapshot(units):
    t = units
    snap = actions.snapshot_take(acting_user=SYSTEM, kind="month_end", period_end=dt.date(2026, 5, 31),
                                 today=DAY)
    t.e[4].party_members = 7  # a later change of the registry does not rewrite the snapshot
    t.e[4].save()
    filled = {f.table.code: f for f in queries.filled_tables(t.county_admin, t.county, snap)}["orgs"]
    col = {c.key: j for j, c in enumerate(filled.table.columns)}
    row = {r.label: i for i, r in enumerate(filled.rows)}
    cell = lambda label, key: filled.cells[row[label]][col[f"twonew:{key}"]]  # noqa: E731
    assert [cell("总计", k) for k in ("units", "should", "should_built", "should_missing", "built")] == [5, 3, 1, 2, 2]
    assert [cell("非公企业", k) for k in ("units", "should", "should_built", "should_missing")] == [4, 2, 1, 1]
    assert [cell("社会组织", k) for k in ("units", "should", "should_missing")] == [1, 1, 1]
    assert cell("村", "units") == 0
    assert filled.failures == []


def test_identity_of_the_two_new_cells_is_checked():
    broken = {"twonew:should": 3, "twonew:should_built": 1, "twonew:should_missing": 1}
    filled = tables.fill(tables.ORGS, broken)
    assert "总计 / 应建立党组织的：应建 = 已建 + 未建，应为 2，实为 3" in filled.failure_texts()


def test_two_new_drill_down_lists_the_units_in_scope(units, login):
    t = units
    client = login(t.county_admin)
    page = client.get(f"/dashboard/{t.county.pk}/sources/", {"key": "twonew:should_missing@private_enterprise"})
    text = page.content.decode()
    assert page.status_code == 200 and "单位4" in text and "单位3" not in text and "共 1 条" in text
    assert f'href="/twonew/{t.e[3].pk}/"' in text
    reader = login(t.reader_town1)
    text = reader.get(f"/dashboard/{t.town1.pk}/sources/", {"key": "twonew:should"}).content.decode()
    assert "单位1" in text and "单位3" in text and "单位4" not in text
    assert reader.get(f"/dashboard/{t.county.pk}/sources/", {"key": "twonew:should"}).status_code == 404
    assert client.get(f"/dashboard/{t.county.pk}/sources/", {"key": "twonew:nothing"}).status_code == 404


def test_recruitment_stages_are_the_hand_counts(cases):
    got, town1, town2 = _counted(cases, "recruit:")
    assert got == {"applied": 2, "activists": 1, "candidates": 1, "admitted": 1, "extended": 1,
                   "stage:1": 1, "stage:2": 1, "stage:5": 2}
    assert (town1["recruit:applied"], town1["recruit:admitted"], town1["recruit:stage:5"]) == (1, 1, 1)
    assert (town2["recruit:applied"], town2["recruit:extended"], town2.get("recruit:admitted", 0)) == (1, 1, 0)


def test_pipeline_table_by_organisation_and_its_drill_down(cases, login):
    t = cases
    snap = actions.snapshot_take(acting_user=SYSTEM, kind="month_end", period_end=DAY, today=DAY)
    filled = {f.table.code: f for f in queries.filled_tables(t.county_admin, t.county, snap)}["pipeline"]
    keys = [c.key for c in filled.table.columns]
    assert [r.label for r in filled.rows] == ["示范县委", "东城镇党委", "西山镇党委"]
    county = dict(zip(keys, filled.cells[0], strict=True))
    assert (county["recruit:applied"], county["recruit:admitted"], county["recruit:in_progress"]) == (2, 1, 4)
    assert dict(zip(keys, filled.cells[2], strict=True))["recruit:stage:5"] == 1
    assert filled.failures == []
    client = login(t.county_admin)
    text = client.get(f"/dashboard/{t.county.pk}/sources/",
                      {"key": "recruit:applied", "snapshot": snap.pk}).content.decode()
    assert "共 2 条" in text and "2026-01-10" in text and "2026-02-01" in text and "2026-07-15" not in text
    tables_page = client.get(f"/dashboard/{t.county.pk}/tables/", {"snapshot": snap.pk}).content.decode()
    assert "党统7表 发展党员工作情况" in tables_page and "key=recruit%3Aadmitted" in tables_page
    api = api_client(t.county_admin).get(f"/api/dashboard/orgs/{t.county.pk}/tables", {"snapshot": snap.pk}).json()
    pipeline = next(x for x in api if x["code"] == "pipeline")
    assert pipeline["number"] == "党统7表" and pipeline["cells"][0][:4] == [2, 1, 1, 1] and pipeline["failures"] == []


def test_develop_table_from_the_members_who_joined(tree, login):
    make_member(tree.a, name="马晓燕", gender="F", ethnicity="回族", birth=dt.date(2000, 3, 1),
                joined_on=dt.date(2026, 3, 1), membership_type="probationary", category="farmer",
                education="university")
    make_member(tree.c, name="旧党员", joined_on=dt.date(2025, 6, 1))  # last year: not developed this year
    snap = actions.snapshot_take(acting_user=SYSTEM, kind="month_end", period_end=DAY, today=DAY)
    county = queries.figures_in(tree.county_admin, snap, tree.county)
    assert county["dev:total"] == county["chg:develop"] == 1
    assert county["dev:total@farmer"] == county["dev:gender:F@farmer"] == county["dev:minority"] == 1
    assert county["dev:age:0"] == county["dev:edu:university"] == 1 and "dev:gender:M" not in county
    filled = {f.table.code: f for f in queries.filled_tables(tree.county_admin, tree.county, snap)}["develop"]
    row = {r.label: cells for r, cells in zip(filled.rows, filled.cells, strict=True)}
    assert row["总计"][:4] == [1, 1, 1, 1] and row["农牧渔民"][0] == 1 and row["工人"][0] == 0
    assert filled.failures == []
    client = login(tree.county_admin)
    text = client.get(f"/dashboard/{tree.county.pk}/sources/",
                      {"key": "dev:gender:F@farmer", "snapshot": snap.pk}).content.decode()
    assert "马晓燕" in text and "旧党员" not in text and "共 1 条" in text
    xlsx = client.get(f"/dashboard/{tree.county.pk}/tables.xlsx", {"snapshot": snap.pk})
    book = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)))
    assert {"党统6表", "党统7表"} <= set(book.sheetnames)
    sheet = book["党统6表"]
    assert [c.value for c in sheet[5]][:3] == ["总计", 1, 1]
    assert "表内校验全部通过。" in [c.value for c in sheet["A"]]


def test_develop_identities_catch_a_wrong_count():
    counted = {"dev:total": 2, "dev:gender:F": 1, "dev:age:0": 2, "dev:edu:university": 2}
    filled = tables.fill(tables.DEVELOP, counted | {f"{k}@farmer": n for k, n in counted.items()})
    assert filled.failure_texts() == ["总计 / 发展党员数：发展党员数 = 男 + 女，应为 1，实为 2",
                                      "农牧渔民 / 发展党员数：发展党员数 = 男 + 女，应为 1，实为 2"]


def test_registration_names_and_lookup():
    with pytest.raises(RegistryError):
        register_statistics("bad:name", dict, dict, dict)
    assert statistics_source_of("twonew:should@social_organization").name == "twonew"
    assert statistics_source_of("recruit:stage:1").name == "recruit"
    assert statistics_source_of("kind:branch") is None and statistics_source_of("total") is None
    labels = figures.labels(DAY)
    assert labels["twonew:should"] == "应建立党组织的单位" and labels["recruit:admitted"] == "接收预备党员"
    assert labels["dev:gender:F"] == "发展党员女"
