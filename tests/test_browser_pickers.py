"""Pickers in a real browser: typing searches the scoped API, a click (or the keyboard) picks, and
the form submits the chosen organisation or member; no Content-Security-Policy violation."""

import datetime as dt

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from dangjian.orgs.actions import term_start
from dangjian.orgs.models import CommitteePost
from dangjian.testing import DEFAULT_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", e => window.__csp.push(e.violatedDirective + " " + e.blockedURI));
"""


def _login(page, username):
    page.add_init_script(WATCH)
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEFAULT_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")


def test_appoint_a_committee_member_by_typing_a_name(tree, page):
    term_start(acting_user=tree.county_admin, org=tree.a, started_on=dt.date(2024, 1, 1), ends_on=None)
    _login(page, "secretary_a")
    page.goto(reverse("orgs:post_new", args=[tree.a.pk]))
    page.click("#id_member-ts-control")
    page.keyboard.type("李建")
    expect(page.locator(".ts-dropdown .option")).to_have_text(["李建国（东城镇红星村党支部）"])
    page.keyboard.press("Enter")  # the keyboard picks the highlighted match
    page.select_option("#id_post", "secretary")
    page.click("main button[type=submit]")
    page.wait_for_url(f"**/orgs/{tree.a.pk}/")
    post = CommitteePost.objects.get(term__org=tree.a)
    assert post.member == tree.members["a"][1] and post.post == "secretary"
    assert page.evaluate("window.__csp") == []


def test_picker_offers_only_what_is_in_scope(tree, page):
    _login(page, "secretary_a")
    page.goto(reverse("members:transfer", args=[tree.members["a"][0].pk]))
    page.click("#id_to_org-ts-control")
    page.keyboard.type("党支部")
    expect(page.locator(".ts-dropdown .option")).to_have_text([f"{tree.a.name}（{tree.a.code}）"])
