"""A new user's path in a real browser: paste a speech, review the draft, create the items, then
work one item to 销号 — the branch secretary submits with evidence, the county approves."""

import pytest

from dangjian.testing import DEFAULT_PASSWORD, open_menu
from dangjian.worklists.choices import State
from dangjian.worklists.models import SourceDocument, WorkItem

from .samples import SPEECH

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, username):
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEFAULT_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")


def test_speech_to_items_to_closed(tree, page):
    _login(page, "secretary_a")
    open_menu(page, "三单管理")
    page.click("text=从讲话/文件生成清单")
    page.fill("#id_text", SPEECH)
    page.click("#document-form button[type=submit]")
    page.wait_for_selector("#draft-table")
    rows = page.locator("#draft-table tr.draft")
    count = rows.count()
    assert count >= 2
    page.fill("#id_d-0-text", "各党支部严格落实三会一课制度，6月底前完成自查")
    page.select_option("#id_d-0-kind", "task")
    page.fill("#id_d-0-deadline", "2026-06-30")
    page.uncheck(f"#id_d-{count - 1}-keep")
    page.click("#create-button")
    page.wait_for_selector("#item-table")
    assert f"共 {count - 1} 条" in page.inner_text("#results")
    document = SourceDocument.objects.get()
    assert WorkItem.objects.filter(document=document).count() == count - 1

    page.click("#item-table >> text=各党支部严格落实三会一课制度")
    page.wait_for_selector("#transitions")
    page.click("form[data-transition=claim] button")
    page.wait_for_selector("text=已认领")
    page.fill("#evidence-form textarea[name=text]", "已召开支部党员大会开展自查，会议记录已存档")
    page.set_input_files("#evidence-form input[type=file]", files=[
        {"name": "会议记录.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n% demo\n"}])
    page.check("#evidence-form input[name=submit]")
    page.click("#evidence-form button[type=submit]")
    page.wait_for_selector("text=等待上级审核")
    assert "申请销号" in page.inner_text("#item-state")
    assert page.locator("form[data-transition=approve]").count() == 0
    item = WorkItem.objects.get(description__startswith="各党支部严格落实三会一课制度")
    assert item.state == State.REQUESTED
    url = page.url

    page.click("button:has-text('退出')")
    _login(page, "county_admin")
    page.goto(url)
    assert "会议记录.pdf" in page.inner_text("#evidence")
    page.fill("form[data-transition=approve] textarea", "佐证齐全，同意销号")
    page.click("form[data-transition=approve] button")
    page.wait_for_selector("text=已审核销号")
    assert "已销号" in page.inner_text("#item-state")
    assert "同意销号" in page.inner_text("#steps")
    item.refresh_from_db()
    assert item.state == State.CLOSED


def test_filtered_talk_is_struck_through_until_restored(tree, page):
    """A sentence the decomposer took for talk shows struck through with its reason; ticking 保留
    restores it (CSS only, no script), and it is created with the rest."""
    _login(page, "secretary_a")
    page.goto("/worklists/decompose/")
    page.fill("#id_text", "讲话\n一、提高认识\n（一）抓好理论学习。我常讲，要把学习放在第一位。"
                          "要组织党员认真学习党章党规。")
    page.click("#document-form button[type=submit]")
    page.wait_for_selector("#draft-table")
    row = page.locator("#draft-table tr.draft.filtered")
    assert row.count() == 1 and "已滤除：讲话人的插话" in row.inner_text()
    text = row.locator("textarea").first
    assert "line-through" in text.evaluate("e => getComputedStyle(e).textDecorationLine")
    row.locator("input[name$='-keep']").check()
    assert "line-through" not in text.evaluate("e => getComputedStyle(e).textDecorationLine")
    page.click("#create-button")
    page.wait_for_selector("#item-table")
    assert WorkItem.objects.count() == 2
    assert WorkItem.objects.filter(title="抓好理论学习").exists()
