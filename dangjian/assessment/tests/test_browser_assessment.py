"""In a real browser, from scheme to published grade to 整顿 item: the county sets and issues a
scheme, computes it from the records, takes branch B through 自评 → 群众测评 → 评定 → 公示 → 上报,
then confirms B (no 书记) as a 后进 branch, which lands as a problem item in 三单."""

import datetime as dt

import pytest

from dangjian.assessment.models import Candidate, Grade
from dangjian.testing import DEFAULT_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_scheme_to_published_grade_to_rectification_item(tree, page):
    page.goto("/accounts/login/")
    page.fill("#id_username", "county_admin")
    page.fill("#id_password", DEFAULT_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("#nav-inbox")
    page.goto("/assessment/")
    page.fill("#scheme-new input[name=year]", str(dt.date.today().year))
    page.click("#scheme-new button")
    page.wait_for_selector("#indicators-form")
    page.click("#issue-button")
    page.wait_for_selector("#compute-button")
    assert page.inner_text("#scheme-state") == "已下发"
    page.click("#compute-button")
    page.wait_for_selector("text=已按平台记录计算全部指标")
    page.click("#grade-table >> text=东城镇新华社区党支部")
    page.wait_for_selector("#score-table")
    page.fill("#self-form textarea", "全年按要求开展工作")
    page.click("#self-form button")
    page.wait_for_selector("text=自评已提交")
    page.fill(".score-form input[name=points]", "18")
    page.click(".score-form button")
    page.wait_for_selector("text=评分已保存")
    page.fill("#survey-form input[name=satisfied]", "30")
    page.fill("#survey-form input[name=unsatisfied]", "1")
    page.click("#survey-form button")
    page.wait_for_selector("text=群众测评结果已录入")
    page.click("#rate-form button")
    page.wait_for_selector("text=等次已评定")
    started = dt.date.today() - dt.timedelta(days=20)
    page.fill("#publicize-form input[name=start]", started.isoformat())
    page.click("#publicize-form button")
    page.wait_for_selector("text=已开始公示，结果已冻结")
    page.click("#report-form button")
    page.wait_for_selector("text=已上报")
    assert page.inner_text("#grade-stage") == "已上报"
    grade = Grade.objects.get(org=tree.b)
    assert grade.stage == "reported" and grade.grade

    page.click(".crumbs >> nth=0 >> a >> nth=1")
    page.wait_for_selector("#candidate-table")
    row = page.locator("#candidate-table tr", has_text="东城镇新华社区党支部")
    assert "书记空缺" in row.inner_text() or "分类定级" in row.inner_text() or "预警" in row.inner_text()
    row.locator("button.confirm-candidate").click()
    page.wait_for_url("**/worklists/*/")
    assert "后进/软弱涣散整顿" in page.inner_text("h1")
    assert Candidate.objects.get(org=tree.b).state == "confirmed"
