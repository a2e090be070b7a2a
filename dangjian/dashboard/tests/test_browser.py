"""The dashboard and the 大屏 in a real browser: the charts drew (a canvas with content) and the
console stayed clean (no CSP refusal, no script error)."""

import pytest

from dangjian.testing import DEFAULT_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CANVAS_HAS_INK = """(selector) => {
  const canvas = document.querySelector(selector + " canvas");
  if (!canvas) return false;
  const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  for (let i = 3; i < data.length; i += 4) { if (data[i] !== 0) return true; }
  return false;
}"""


def test_dashboard_and_screen_draw_their_charts(tree, page):
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto("/accounts/login/")
    page.fill("#id_username", "county_admin")
    page.fill("#id_password", DEFAULT_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    page.click("#nav-dashboard")
    page.wait_for_selector("#c-age canvas")
    assert page.evaluate(CANVAS_HAS_INK, "#c-age")
    assert page.evaluate(CANVAS_HAS_INK, "#c-compare")
    assert "东城镇党委" in page.inner_text("#compare-table")
    page.click("#open-screen")
    page.wait_for_selector("#c-education canvas")
    assert page.evaluate(CANVAS_HAS_INK, "#c-education")
    assert page.evaluate("document.querySelector('meta[http-equiv=refresh]').content") == "300"
    assert errors == []
