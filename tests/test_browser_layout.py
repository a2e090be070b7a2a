"""Layout on a phone: the attendance table at 390 px keeps each name on one line."""

import pytest
from django.urls import reverse

from dangjian.testing import DEFAULT_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LINES_OF_NAME = """() => Array.from(document.querySelectorAll(".att-table td.att-name")).map(td => {
  const range = document.createRange();
  range.selectNodeContents(td);
  return new Set(Array.from(range.getClientRects()).map(r => Math.round(r.top))).size;
})"""


def test_attendance_names_stay_on_one_line_at_390px(tree, page):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/accounts/login/")
    page.fill("#id_username", "secretary_a")
    page.fill("#id_password", DEFAULT_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/")
    page.goto(reverse("orglife:meeting_new", args=[tree.a.pk]))
    lines = page.evaluate(LINES_OF_NAME)
    assert lines and set(lines) == {1}
    # every attendance control is reachable from the keyboard, in row order
    first = tree.members["a"][0]
    page.focus(f"select[name=att-{first.pk}]")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == f"reason-{first.pk}"
