"""The Content-Security-Policy in force, in a real browser: the behaviour that used to be inline
(select boxes that submit their form) still works from the static script, and the API docs (Swagger
UI from ninja's static files) render without a violation."""

import datetime as dt

import pytest
from django.urls import reverse

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


def test_select_boxes_submit_without_inline_script(tree, page):
    _login(page, "county_admin")
    year = dt.date.today().year
    page.goto(f"{reverse('orglife:matrix')}?year={year}")
    page.select_option("select[name=year]", str(year - 1))
    page.wait_for_url(f"**year={year - 1}*")
    assert f"{year - 1} 年" in page.inner_text("h1")
    page.goto(f"{reverse('orglife:flags')}?year={year}")
    page.select_option("select[name=kind]", index=1)
    page.wait_for_url("**kind=*")
    assert page.evaluate("window.__csp") == []


def test_api_docs_render_under_the_policy(tree, page):
    _login(page, "county_admin")
    response = page.goto("/api/")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_selector(".swagger-ui .opblock", timeout=20000)
    assert page.evaluate("window.__csp") == []


def test_headers_on_pages_and_api(tree, login):
    client = login(tree.county_admin)
    for url in (reverse("home:home"), reverse("members:list"), "/api/members/", "/accounts/login/"):
        response = client.get(url)
        csp = response["Content-Security-Policy"]
        for directive in ("default-src 'self'", "script-src 'self'", "style-src 'self'", "object-src 'none'",
                          "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'"):
            assert directive in csp, (url, directive)
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert "camera=()" in response["Permissions-Policy"]
        assert response["X-Frame-Options"] == "DENY"


def test_no_template_carries_inline_script_or_style():
    """The policy would block them: keep script and style in static files."""
    import re
    from pathlib import Path

    import dangjian

    root = Path(dangjian.__file__).parent
    inline = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")|\son[a-z]+=|\sstyle=|<style",
                        re.IGNORECASE)
    offenders = [f"{path.relative_to(root)}:{n}" for path in root.rglob("templates/**/*.html")
                 for n, line in enumerate(path.read_text().splitlines(), 1) if inline.search(line)]
    assert offenders == []
