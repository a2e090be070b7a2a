"""Pages and exports: branch, town and county views; scope (out of scope is 404); the member's own result."""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from dangjian.appraisal import actions
from dangjian.appraisal.choices import Grade, PointsCategory
from dangjian.appraisal.models import Appraisal
from dangjian.core.actors import SYSTEM
from dangjian.testing import make_user

from .conftest import YEAR

pytestmark = pytest.mark.django_db


def _done_appraisal(tree):
    appraisal = actions.appraisal_start(acting_user=SYSTEM, org=tree.a, year=YEAR)
    for _ in range(3):
        appraisal = actions.appraisal_advance(acting_user=SYSTEM, appraisal=appraisal)
    people = list(appraisal.people.order_by("id"))
    grades = [Grade.EXCELLENT, Grade.QUALIFIED, Grade.BASIC, Grade.UNQUALIFIED]
    for person, grade in zip(people, grades, strict=True):
        actions.person_update(acting_user=SYSTEM, person=person, grade=grade)
    return actions.appraisal_advance(acting_user=SYSTEM, appraisal=appraisal)


def test_overview_for_county_town_and_branch(tree, login):
    _done_appraisal(tree)
    client = login(tree.county_admin)
    page = client.get(f"/appraisal/?year={YEAR}").content.decode()
    assert "东城镇党委" in page and "西山镇党委" in page
    town = client.get(f"/appraisal/?org={tree.town1.pk}&year={YEAR}").content.decode()
    assert "东城镇红星村党支部" in town
    client = login(tree.secretary_b)
    branch = client.get(f"/appraisal/?year={YEAR}").content.decode()
    assert "开始2026年度民主评议党员" in branch
    response = client.post("/appraisal/reviews/start/", {"org": tree.b.pk, "year": YEAR})
    appraisal = Appraisal.objects.get(org=tree.b)
    assert response.status_code == 302 and appraisal.people.count() == 2


def test_review_page_scope(tree, login):
    appraisal = _done_appraisal(tree)
    assert login(tree.secretary_a).get(f"/appraisal/reviews/{appraisal.pk}/").status_code == 200
    assert login(tree.secretary_b).get(f"/appraisal/reviews/{appraisal.pk}/").status_code == 404
    assert login(tree.reader_town1).post(f"/appraisal/reviews/{appraisal.pk}/advance/").status_code == 403


def test_person_form_saves_the_fields_of_the_stage(tree, login):
    appraisal = actions.appraisal_start(acting_user=SYSTEM, org=tree.a, year=YEAR)
    person = appraisal.people.order_by("id").first()
    client = login(tree.secretary_a)
    client.post(f"/appraisal/people/{person.pk}/", {f"p{person.pk}-self_review": "认真学习，积极参加组织生活",
                                                    f"p{person.pk}-grade": "excellent",
                                                    f"p{person.pk}-version": person.version})
    person.refresh_from_db()
    assert person.self_review == "认真学习，积极参加组织生活" and person.grade == ""  # grade not at this step


def test_results_export(tree, login):
    _done_appraisal(tree)
    response = login(tree.county_admin).get(f"/appraisal/reviews/export.xlsx?year={YEAR}")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.values)
    assert rows[0][:3] == ("序号", "党支部", "姓名")
    assert [r[7] for r in rows[1:]] == ["优秀", "合格", "基本合格", "不合格"]
    empty = login(tree.secretary_b).get(f"/appraisal/reviews/export.xlsx?year={YEAR}")
    assert len(list(load_workbook(io.BytesIO(b"".join(empty.streaming_content))).active.values)) == 1


def test_member_sees_own_result_and_ledger(tree, client):
    _done_appraisal(tree)
    member = tree.members["a"][0]
    user = make_user("member_self")
    member.user = user
    member.save(update_fields=["user"])
    rule = actions.rule_create(acting_user=SYSTEM, org=tree.county, category=PointsCategory.SERVICE,
                               name="志愿服务", points=3)
    claim = actions.entry_claim(acting_user=SYSTEM, member=member, rule=rule, on=dt.date.today(), reason="清扫街道",
                                evidence_text="社区证明")
    actions.entry_decide(acting_user=SYSTEM, entry=claim, approve=True)
    client.force_login(user)
    me = client.get("/members/me/").content.decode()
    assert "2026年度民主评议党员：<strong>优秀</strong>" in me
    ledger = client.get("/appraisal/me/").content.decode()
    assert "清扫街道" in ledger and 'id="my-total">3<' in ledger
    response = client.post("/appraisal/me/", {"rule": rule.pk, "on": dt.date.today().isoformat(),
                                              "reason": "帮扶困难户", "evidence_text": "村委会证明"})
    assert response.status_code == 302 and member.points.filter(reason="帮扶困难户", state="pending").exists()


def test_points_pages_and_ledger_export(tree, login):
    rule = actions.rule_create(acting_user=SYSTEM, org=tree.county, category=PointsCategory.SERVICE,
                               name="志愿服务", points=3, cap_year=4)
    for day in (1, 2):
        claim = actions.entry_claim(acting_user=SYSTEM, member=tree.members["a"][0], rule=rule,
                                    on=dt.date.today() - dt.timedelta(days=day), reason=f"服务{day}",
                                    evidence_text="证明")
        actions.entry_decide(acting_user=SYSTEM, entry=claim, approve=True)
    client = login(tree.secretary_a)
    assert "服务1" in client.get("/appraisal/points/").content.decode()
    assert client.get("/appraisal/points/ranking/").status_code == 403  # off by default
    response = client.get("/appraisal/points/export.xlsx")
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.values)
    assert [r[7] for r in rows[1:]] == [3, 1] and "每年上限" in rows[2][8]
    page = client.post("/appraisal/points/rules/", {"org": tree.a.code, "category": "duty", "name": "每日签到",
                                                    "points": 1})
    assert "不能对签到打卡计分" in page.content.decode()


def test_home_panel_counts_pending_claims(tree, login):
    rule = actions.rule_create(acting_user=SYSTEM, org=tree.county, category=PointsCategory.SERVICE,
                               name="志愿服务", points=3)
    actions.entry_claim(acting_user=tree.secretary_a, member=tree.members["a"][0], rule=rule, on=dt.date.today(),
                        reason="清扫", evidence_text="证明")
    assert "积分申报待审核 1" in login(tree.secretary_a).get("/").content.decode()
    assert "积分申报待审核" not in login(tree.secretary_b).get("/").content.decode()


def test_home_panel_of_a_large_subtree_is_a_shared_summary_with_its_time(tree, login, monkeypatch):
    from dangjian.core import summaries

    monkeypatch.setattr(summaries, "SUMMARY_MIN_ORGS", 0)  # every subtree counts as large
    rule = actions.rule_create(acting_user=SYSTEM, org=tree.county, category=PointsCategory.SERVICE,
                               name="志愿服务", points=3)
    actions.entry_claim(acting_user=tree.secretary_a, member=tree.members["a"][0], rule=rule, on=dt.date.today(),
                        reason="清扫", evidence_text="证明")
    client = login(tree.county_admin)
    page = client.get("/").content.decode()
    assert "积分申报待审核 1" in page and "的汇总（大范围汇总每" in page
    actions.entry_claim(acting_user=tree.secretary_a, member=tree.members["a"][1], rule=rule, on=dt.date.today(),
                        reason="帮扶", evidence_text="证明")
    assert "积分申报待审核 1" in client.get("/").content.decode()  # held until recomputed, with its time shown
    checks = [c.equal for c in summaries.verify([tree.county]) if c.name == "appraisal.waiting"]
    assert checks == [False]  # which verify-summaries reports


def test_review_page_links_the_meeting_and_round_pages_render(secretaries, login, review_meeting):
    tree = secretaries
    appraisal = actions.appraisal_start(acting_user=SYSTEM, org=tree.a, year=YEAR, meeting=review_meeting)
    page = login(tree.secretary_a).get(f"/appraisal/reviews/{appraisal.pk}/").content.decode()
    assert f"/orglife/meeting/{review_meeting.pk}/" in page and "民主评议党员会议" in page
    r = actions.round_create(acting_user=SYSTEM, org=tree.town1, year=YEAR)
    entry = r.entries.get(org=tree.a)
    actions.entry_tally(acting_user=SYSTEM, entry=entry, good=5, fairly_good=3, average=1, poor=1)
    problem = actions.problem_add(acting_user=SYSTEM, entry=entry, text="党建责任落实不到位")
    client = login(tree.county_admin)
    assert "好 1 人" in client.get(f"/appraisal/rounds/{r.pk}/").content.decode()
    assert "列入问题清单" in client.get(f"/appraisal/entries/{entry.pk}/").content.decode()
    response = client.post(f"/appraisal/problems/{problem.pk}/item/")
    problem.refresh_from_db()
    assert response.status_code == 302 and response.url == f"/worklists/{problem.item_id}/"
    assert client.get("/appraisal/rounds/").status_code == 200
    assert client.get("/appraisal/points/rules/").status_code == 200
    assert login(tree.secretary_b).get(f"/appraisal/entries/{entry.pk}/").status_code == 404
