"""The dashboard's figures on hand-counted fixtures, the 党内统计 tables and their identities, snapshots,
pages and API. The small tree (dangjian.testing.small_tree): 县委 → 东城镇 (A 村 4 men, B 社区 2 women),
西山镇 (C 卫生院 3 men); everyone born 1980-05-17, joined 2005-07-01, 正式党员, 汉族, no 学历/类别."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from dangjian.core.actors import SYSTEM
from dangjian.core.errors import ActionDenied
from dangjian.core.models import ChangeRecord
from dangjian.core.tree import PATH_STEP
from dangjian.dashboard import actions, figures, queries, rules, tables
from dangjian.dashboard.jobs import due_periods, take_due
from dangjian.dashboard.models import Snapshot, SnapshotFigures
from dangjian.jobs.choices import JobState
from dangjian.jobs.models import Job
from dangjian.jobs.testing import run_jobs
from dangjian.members.models import StatusChange, Transfer
from dangjian.orgs.actions import post_assign, term_start
from dangjian.testing import make_member

DAY = dt.date(2026, 6, 30)


@pytest.fixture
def rich(tree):
    """The small tree plus: a 2026 recruit in A (woman, 回族, 预备, farmer, 大学本科, born 2000), a
    secretary in A (一肩挑) and in C, a death in B, a transfer A → C and one C → B in 2026."""
    recruit = make_member(tree.a, name="马晓燕", gender="F", ethnicity="回族", birth=dt.date(2000, 3, 1),
                          joined_on=dt.date(2026, 3, 1), membership_type="probationary",
                          category="farmer", education="university")
    term_a = term_start(acting_user=SYSTEM, org=tree.a, started_on=dt.date(2024, 1, 1))
    post_assign(acting_user=SYSTEM, term=term_a, member=tree.members["a"][0], post="secretary", concurrent_head=True)
    term_c = term_start(acting_user=SYSTEM, org=tree.c, started_on=dt.date(2024, 1, 1))
    post_assign(acting_user=SYSTEM, term=term_c, member=tree.members["c"][0], post="secretary")
    dead = tree.members["b"][1]
    dead.status = "deceased"
    dead.save()
    StatusChange.objects.create(member=dead, status_from="normal", status_to="deceased",
                                effective_on=dt.date(2026, 2, 1))
    Transfer.objects.create(member=tree.members["c"][2], from_org=tree.a, to_org=tree.c,
                            transferred_on=dt.date(2026, 4, 1))
    Transfer.objects.create(member=tree.members["b"][0], from_org=tree.c, to_org=tree.b,
                            transferred_on=dt.date(2025, 4, 1))  # last year: not counted
    tree.recruit = recruit
    return tree


def test_figures_are_the_hand_counts(rich):
    t = rich
    f = figures.subtree_figures(t.county, DAY)
    county, town1, town2, a = f[t.county.path], f[t.town1.path], f[t.town2.path], f[t.a.path]
    assert county["total"] == 9  # 4 + 1 recruit in A, 1 living in B, 3 in C
    assert (a["total"], town1["total"], town2["total"]) == (5, 6, 3)
    assert county["gender:F"] == 2 and county["gender:M"] == 7
    assert county["minority"] == 1 and county["type:probationary"] == 1
    assert county["total@farmer"] == 1 and county[f"total@{figures.NONE}"] == 8
    assert county["edu:university"] == 1 and county[f"edu:{figures.NONE}"] == 8
    assert county["age:0"] == 1 and county.get("age:1", 0) == 0 and county["age:2"] == 8  # 26; 46 on 2026-06-30
    assert county["pa:0"] == 1 and county["pa:3"] == 8  # joined 2026; 20 years (20至30年)
    assert county["status:deceased"] == 1 and county["status:normal"] == 9
    assert county["org"] == 6 and county["kind:committee"] == 3 and county["kind:branch"] == 3
    assert county["kind:branch@village"] == 1 and county["unit:party_government"] == 3
    assert county["sec"] == 2 and county["sec_head"] == 1 and county["sec_needing"] == 6
    assert county["sec_vacant"] == 4  # 县委, two 镇党委, B
    assert county["vsec"] == 1 and county["vsec@village"] == 1 and county["vsec_age:1"] == 1  # 46
    assert county["chg:develop"] == 1 and county["chg:death"] == 1
    assert "chg:transfer_in" not in county and "chg:transfer_out" not in county  # inside the county
    assert town1["chg:transfer_out"] == 1 and town2["chg:transfer_in"] == 1
    assert a["chg:transfer_out"] == 1 and "chg:transfer_in" not in f[t.b.path]
    # the dashboard's way (grouped by the child of the root each branch lies in) gives the same figures
    shown = figures.subtree_figures(t.county, DAY, children_only=True)
    assert shown == {p: f[p] for p in (t.county.path, t.town1.path, t.town2.path)}


def test_roll_up_and_moves_are_pure():
    top, b, c, d = "1".zfill(PATH_STEP), "2".zfill(PATH_STEP), "3".zfill(PATH_STEP), "4".zfill(PATH_STEP)
    own = {top: {"n": 1}, top + b: {"n": 2}, top + b + c: {"n": 4}, top + d: {"n": 8}}
    up = rules.roll_up(own, top)
    assert (up[top]["n"], up[top + b]["n"], up[top + d]["n"]) == (15, 6, 8)
    assert rules.roll_up({top + b + c: {"n": 4}, top + b + d: {"n": 1}}, top)[top + b] == {"n": 5}  # no own row
    rules.add_moves(up, [(top + b + c, top + d), (top + b, top + b + c)], top, "in", "out")
    assert up[top + d]["in"] == 1 and up[top + b]["out"] == 1 and "in" not in up[top]
    assert up[top + b + c]["in"] == 1 and "in" not in up[top + b]  # within B: no change of B
    assert rules.change(10, 7)["diff"] == 3 and rules.change(1, None) is None
    assert rules.rate(1, 3) == 33.3 and rules.bar_step(5, 10) == 10 and rules.bar_step(0, 0) == 0


def test_tables_fill_and_check_identities():
    good = {"total": 3, "gender:M": 2, "gender:F": 1, "age:2": 3, f"edu:{figures.NONE}": 3,
            "total@worker": 3, "gender:M@worker": 2, "gender:F@worker": 1, "age:2@worker": 3,
            f"edu:{figures.NONE}@worker": 3}
    filled = tables.fill(tables.MEMBERS, good)
    assert filled.failures == []
    assert filled.cells[0][0] == 3 and filled.cells[1][0] == 3  # 总计, 工人
    bad = dict(good, **{"age:2": 2})  # the age bands no longer add up to the total
    failed = tables.fill(tables.MEMBERS, bad)
    assert [f["check"] for f in failed.failures] == ["党员总数 = 各年龄段之和", "总计 = 各人员类别之和"]
    assert (0, 0) in failed.failed_cells()
    rows = [(tables.Row("甲"), {"opening": 10, "chg:develop": 2, "chg:death": 1, "total": 11}),
            (tables.Row("乙"), {"opening": 10, "chg:transfer_out": 1, "total": 10})]
    changes = tables.fill(tables.CHANGES, org_rows=rows)
    assert changes.cells[0][1] == 2 and changes.cells[0][5] == 1  # 增加合计, 减少合计
    assert [(f["row"], f["expected"], f["actual"]) for f in changes.failures] == [(1, 9, 10)]
    assert "乙 / 本年底党员数" in changes.failure_texts()[0]


def test_snapshot_is_taken_once_by_someone_allowed(rich):
    with pytest.raises(ActionDenied):
        actions.snapshot_take(acting_user=rich.secretary_a, kind="year_end", period_end=dt.date(2025, 12, 31))
    with pytest.raises(ValidationError, match="12 月 31 日"):
        actions.snapshot_take(acting_user=SYSTEM, kind="year_end", period_end=dt.date(2025, 12, 30))
    with pytest.raises(ValidationError, match="尚未到来"):
        actions.snapshot_take(acting_user=SYSTEM, kind="month_end", period_end=dt.date(2099, 1, 31))
    snap = actions.snapshot_take(acting_user=rich.county_admin, kind="year_end", period_end=dt.date(2025, 12, 31))
    assert snap.org_count == 6 and SnapshotFigures.objects.filter(snapshot=snap).count() == 6
    row = SnapshotFigures.objects.get(snapshot=snap, org=rich.county)
    assert row.figures["total"] == 8 and "chg:develop" not in row.figures  # the 2026 recruit is not in 2025
    assert ChangeRecord.objects.filter(action="snapshot_take", object_id=snap.pk).exists()
    with pytest.raises(ValidationError, match="已经生成"):
        actions.snapshot_take(acting_user=SYSTEM, kind="year_end", period_end=dt.date(2025, 12, 31))
    assert due_periods(dt.date(2026, 1, 1)) == [("year_end", dt.date(2025, 12, 31)),
                                                ("month_end", dt.date(2025, 12, 31))]
    assert take_due(dt.date(2026, 1, 1)) == ["2025-12-31月末快照"]  # the year end exists already
    assert take_due(dt.date(2026, 1, 2)) == []


def test_tables_from_snapshots_flag_the_balance(tree):
    """Year end 2025: A 4, B 2, C 3. In 2026: a recruit in A, a death in B, a transfer A → C recorded,
    and a member who appears in C with no record of how (the balance must fail there)."""
    actions.snapshot_take(acting_user=SYSTEM, kind="year_end", period_end=dt.date(2025, 12, 31))
    make_member(tree.a, name="新党员", joined_on=dt.date(2026, 3, 1), membership_type="probationary")
    dead = tree.members["b"][1]
    dead.status = "deceased"
    dead.save()
    StatusChange.objects.create(member=dead, status_from="normal", status_to="deceased",
                                effective_on=dt.date(2026, 2, 1))
    moved = tree.members["a"][3]
    moved.org = tree.c
    moved.save()
    Transfer.objects.create(member=moved, from_org=tree.a, to_org=tree.c, transferred_on=dt.date(2026, 4, 1))
    make_member(tree.c, name="来历不明", joined_on=dt.date(2010, 1, 1))
    snap = actions.snapshot_take(acting_user=SYSTEM, kind="month_end", period_end=dt.date(2026, 5, 31))
    filled = {f.table.code: f for f in queries.filled_tables(tree.county_admin, tree.county, snap)}
    changes = filled["changes"]
    assert [r.label for r in changes.rows] == ["示范县委", "东城镇党委", "西山镇党委"]
    assert changes.cells[0] == [9, 1, 1, 0, 0, 1, 1, 0, 0, 0, 10]
    assert changes.cells[1] == [6, 1, 1, 0, 0, 2, 1, 0, 0, 1, 5]
    assert changes.cells[2] == [3, 1, 0, 1, 0, 0, 0, 0, 0, 0, 5]
    assert {(f["row"], f["expected"], f["actual"]) for f in changes.failures} == {(0, 9, 10), (2, 4, 5)}
    assert filled["members"].failures == [] and filled["orgs"].failures == []
    assert filled["members"].cells[0][:4] == [10, 1, 0, 1]  # total, 女 (陈丽华), 少数民族, 预备
    assert filled["orgs"].cells[0][0] == 6


def test_pages_and_scope(rich, login):
    client = login(rich.county_admin)
    actions.snapshot_take(acting_user=SYSTEM, kind="year_end", period_end=dt.date(2025, 12, 31))
    page = client.get(f"/dashboard/{rich.county.pk}/?indicator=total&sort=-value")
    html = page.content.decode()
    assert page.status_code == 200 and "下级党组织对比" in html and 'id="c-age-data"' in html
    assert html.index("西山镇") < html.index("东城镇")  # 3 before 6, ascending
    screen = client.get(f"/dashboard/{rich.county.pk}/screen/").content.decode()
    assert 'http-equiv="refresh"' in screen and "张红星" not in screen and "/sources/" not in screen
    listing = client.get(f"/dashboard/{rich.county.pk}/sources/?key=gender:F").content.decode()
    assert "马晓燕" in listing and "陈丽华" in listing and "刘芳" not in listing  # 刘芳 has died
    assert client.get(f"/dashboard/{rich.county.pk}/sources/?key=rate:ol").status_code == 404
    tables_page = client.get(f"/dashboard/{rich.county.pk}/tables/").content.decode()
    assert "党统1表" in tables_page and "村(社区)党组织书记情况" in tables_page
    xlsx = client.get(f"/dashboard/{rich.county.pk}/tables.xlsx")
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxml")
    assert client.get("/dashboard/snapshots/").status_code == 200
    snap = Snapshot.objects.get()
    assert "今天" in client.get(f"/dashboard/{rich.county.pk}/compare/{snap.pk}/").content.decode()
    assert "<td>2025</td>" in client.get(f"/dashboard/{rich.county.pk}/trends/").content.decode()
    assert f'id="dashboard-keys-{rich.county.pk}"' in client.get("/").content.decode()  # the county's home
    assert "dashboard-keys" not in login(rich.secretary_a).get("/").content.decode()  # a branch's is its own
    secretary = login(rich.secretary_a)
    assert secretary.get(f"/dashboard/{rich.county.pk}/").status_code == 404
    assert secretary.get(f"/dashboard/{rich.a.pk}/sources/?key=total").status_code == 200


def test_home_shows_a_large_scope_s_figures_once_they_are_summarised(tree, login, monkeypatch):
    from django.core.cache import cache

    from dangjian.core import summaries

    cache.clear()
    monkeypatch.setattr(summaries, "SUMMARY_MIN_ORGS", 2)  # the county's 6 organisations count as large
    monkeypatch.setattr(queries, "SUMMARY_MIN_ORGS", 2)
    client = login(tree.county_admin)
    assert "范围较大" in client.get("/").content.decode()
    assert client.get(f"/dashboard/{tree.county.pk}/").status_code == 200  # summarised into the shared cache
    home = client.get("/").content.decode()
    assert "范围较大" not in home and "党员总数" in home


def test_snapshot_from_the_page_runs_in_the_background(tree, login):
    reader = login(tree.reader_town1)
    refused = reader.post("/dashboard/snapshots/take/", {"kind": "year_end", "period_end": "2025-12-31"}, follow=True)
    assert "只有全部顶级党组织的管理人员" in refused.content.decode() and not Job.objects.exists()
    client = login(tree.county_admin)
    response = client.post("/dashboard/snapshots/take/", {"kind": "year_end", "period_end": "2025-12-31"})
    assert response.status_code == 302 and "/jobs/" in response["Location"]
    run_jobs()
    assert Job.objects.get().state == JobState.DONE
    assert Snapshot.objects.get(kind="year_end").org_count == 6  # (the worker's round also took last month's)
    again = client.post("/dashboard/snapshots/take/", {"kind": "year_end", "period_end": "2025-12-31"}, follow=True)
    assert "已经生成" in again.content.decode() and Job.objects.count() == 1


def test_api(rich, login):
    client = login(rich.county_admin)
    live = client.get(f"/api/dashboard/orgs/{rich.county.pk}/figures").json()
    assert live["org"]["figures"]["total"] == 9 and [c["figures"]["total"] for c in live["children"]] == [6, 3]
    made = client.post("/api/dashboard/snapshots", {"kind": "year_end", "period_end": "2025-12-31"},
                       content_type="application/json")
    assert made.status_code == 201
    again = client.post("/api/dashboard/snapshots", {"kind": "year_end", "period_end": "2025-12-31"},
                        content_type="application/json")
    assert again.status_code == 422 and "已经生成" in again.json()["detail"][0]["message"]
    snap = made.json()["id"]
    assert client.get(f"/api/dashboard/snapshots/{snap}/orgs/{rich.town2.pk}").json()["figures"]["total"] == 3
    out = client.get(f"/api/dashboard/orgs/{rich.county.pk}/tables").json()
    assert [t["number"] for t in out][:2] == ["党统1表", "党统2表"] and out[0]["cells"][0][0] == 8
    denied = login(rich.secretary_a).post("/api/dashboard/snapshots", {"kind": "month_end", "period_end": "2025-11-30"},
                                          content_type="application/json")
    assert denied.status_code == 403
