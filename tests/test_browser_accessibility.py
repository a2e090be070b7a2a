"""Accessibility (GB/T 37668-2019, WCAG 2.1 AA; issue 11 item 6): axe-core, from npm and served by
the application's own static files like htmx, finds no level A or AA violation on the pages a branch
secretary, a county clerk and a member use most; and the pickers, the attendance table and the
compliance matrix work from the keyboard alone."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from dangjian.testing import make_user
from dangjian.worklists.models import WorkItem
from dangjian.worklists.testing import make_item
from tests.test_browser_inbox import _login, _logout

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = "/static/vendor/axe-core/axe.min.js"  # node_modules, as settings.STATICFILES_DIRS serves it
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
RUN_AXE = """async tags => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
  return result.violations.map(v => `${v.id}（${v.nodes.length} 处）: ` +
    v.nodes.slice(0, 3).map(n => n.target.join(" ") + " — " + n.failureSummary.replace(/\\s+/g, " ")).join(" | "));
}"""


def violations(page, url: str) -> list[str]:
    page.goto(url)
    page.add_script_tag(url=AXE)
    return [f"{url} {v}" for v in page.evaluate(RUN_AXE, WCAG_AA)]


def test_the_pages_used_most_have_no_wcag_a_or_aa_violation(tree, page):
    member = tree.members["a"][0]
    member.__class__.objects.filter(pk=member.pk).update(user=make_user("dangyuan"))
    item = make_item(tree.a, "党员活动室设施老化", deadline=dt.date.today() + dt.timedelta(days=20))
    found = []
    _login(page, "secretary_a")
    page.goto(reverse("members:list"))
    page.click("a[href^='/members/export/']")  # a roster job, for the job page
    page.wait_for_url("**/jobs/*/")
    job_page = page.url
    for url in (reverse("home:home"), reverse("members:list"), reverse("members:detail", args=[member.pk]),
                reverse("orglife:matrix"), reverse("orglife:meeting_new", args=[tree.a.pk]),
                reverse("worklists:list"), reverse("worklists:detail", args=[item.pk]), reverse("inbox:list"),
                reverse("jobs:list"), job_page):
        found += violations(page, url)
    _logout(page)
    _login(page, "county_admin")
    for url in (reverse("home:home"), reverse("members:list"), reverse("orglife:matrix"),
                reverse("orglife:org_year", args=[tree.a.pk]), reverse("worklists:list")):
        found += violations(page, url)
    _logout(page)
    _login(page, "dangyuan")
    found += violations(page, reverse("members:me"))
    assert not found, "\n".join(found)


FOCUS = """() => {
  const el = document.activeElement;
  const ring = getComputedStyle(el).outlineStyle !== "none" || getComputedStyle(el.closest(".ts-control") || el)
    .outlineStyle !== "none" || getComputedStyle(el.closest(".ts-wrapper") || el).boxShadow !== "none";
  return {id: el.id, name: el.getAttribute("name"), text: el.innerText || "", ring};
}"""


def tab_to(page, predicate, limit: int = 40) -> dict:
    """Press Tab until the focused element satisfies ``predicate``; its description (fails if never)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUS)
        if predicate(focused):
            return focused
    raise AssertionError("按 Tab 键无法到达该控件")


def test_picker_attendance_table_and_matrix_work_from_the_keyboard(tree, page):
    from dangjian.orgs.actions import term_start
    from dangjian.orgs.models import CommitteePost

    term_start(acting_user=tree.county_admin, org=tree.a, started_on=dt.date(2024, 1, 1), ends_on=None)
    _login(page, "secretary_a")
    # The member picker: reached by Tab, searched by typing, picked with Enter, submitted with Enter.
    page.goto(reverse("orgs:post_new", args=[tree.a.pk]))
    focused = tab_to(page, lambda f: f["id"] == "id_member-ts-control")
    assert focused["ring"], "选择器获得焦点时没有可见的焦点框"
    page.keyboard.type("李建")
    expect(page.locator(".ts-dropdown .option")).to_have_text(["李建国（东城镇红星村党支部）"])
    page.keyboard.press("Enter")
    tab_to(page, lambda f: f["id"] == "id_post")
    page.keyboard.press("ArrowDown")  # a closed select changes with the arrow keys
    tab_to(page, lambda f: f["text"].strip() in ("保存", "提交", "任命"))
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/orgs/{tree.a.pk}/")
    assert CommitteePost.objects.get(term__org=tree.a).member == tree.members["a"][1]

    # The attendance table: each member's status, then the reason, in reading order; the arrow keys
    # change the status, typing fills the reason.
    page.goto(reverse("orglife:meeting_new", args=[tree.a.pk]))
    rows = tree.members["a"]
    first = tab_to(page, lambda f: (f["name"] or "").startswith("att-"), limit=120)
    order = [first["name"]]
    for _ in range(3):
        page.keyboard.press("Tab")
        order.append(page.evaluate(FOCUS)["name"])
    member = int(first["name"].split("-")[1])
    assert order == [f"att-{member}", f"reason-{member}", *order[2:]] and order[2].startswith("att-")
    assert member in {m.pk for m in rows} and first["ring"]
    for _ in range(3):
        page.keyboard.press("Shift+Tab")  # back to the first member's status
    assert page.evaluate(FOCUS)["name"] == f"att-{member}"
    page.keyboard.press("ArrowDown")
    assert page.input_value(f"select[name=att-{member}]") == "leave"
    page.keyboard.press("Tab")
    page.keyboard.type("外出务工")
    assert page.input_value(f"input[name=reason-{member}]") == "外出务工"
    _logout(page)

    # A picker of several (a work item's other organisations): type, Enter, type again, Enter.
    _login(page, "county_admin")
    page.goto(reverse("worklists:new"))
    page.select_option("#id_kind", "task")
    page.fill("#id_title", "党员活动室设施老化")
    page.click("#id_org-ts-control")
    page.keyboard.type(tree.a.code)
    expect(page.locator(".ts-dropdown .option")).to_have_text([tree.a.name_with_code])
    page.keyboard.press("Enter")
    tab_to(page, lambda f: f["id"] == "id_orgs-ts-control")
    for name, org in (("新华", tree.b), ("卫生院", tree.c)):
        page.keyboard.type(name)
        expect(page.locator("#id_orgs-ts-dropdown .option")).to_have_text([org.name_with_code])
        page.keyboard.press("Enter")
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/worklists/\d+/$"))
    item = WorkItem.objects.get(title="党员活动室设施老化", org=tree.a)
    assert {tree.b, tree.c} <= set(item.orgs.all())

    # The compliance matrix: every cell is a link reached by Tab, with a visible ring; Enter opens it.
    page.goto(reverse("orglife:matrix"))
    cell = tab_to(page, lambda f: page.evaluate("() => !!document.activeElement.closest('#orglife-matrix td')"))
    assert cell["ring"]
    before = page.url
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: url != before)
    assert "/orglife/" in page.url
