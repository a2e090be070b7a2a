"""Accessibility (GB/T 37668-2019, WCAG 2.1 AA; issue 11 item 6): axe-core, from npm and served by
the application's own static files like htmx, finds no level A or AA violation on the pages a branch
secretary, a county clerk and a member use most; and the pickers, the attendance table and the
compliance matrix work from the keyboard alone."""

import datetime as dt

import pytest
from django.urls import reverse

from dangjian.testing import make_user
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
