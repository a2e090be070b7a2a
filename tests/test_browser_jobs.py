"""A background job in a real browser: the roster export queues a job, its page shows a progress
bar that htmx polls (no inline script under the strict CSP), and the download appears by itself
when the worker has finished."""

import pytest

from dangjian.jobs.testing import run_jobs
from dangjian.testing import DEFAULT_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_roster_export_job_shows_progress_then_the_download(tree, page):
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto("/accounts/login/")
    page.fill("#id_username", "secretary_a")
    page.fill("#id_password", DEFAULT_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("#nav-inbox")
    page.goto("/members/")
    page.click("a[href^='/members/export/']")
    page.wait_for_url("**/jobs/*/")
    assert page.inner_text("#job-state") == "排队中"
    assert page.locator("progress#job-bar").count() == 1
    run_jobs()  # the worker, here in the test's own thread
    page.wait_for_selector("#job-download", timeout=10000)  # swapped in by htmx polling, no reload
    assert page.inner_text("#job-state") == "已完成"
    assert page.get_attribute("#job-bar", "value") == "100"
    with page.expect_download() as download:
        page.click("#job-download")
    assert download.value.suggested_filename.startswith("党员名册_")
    assert not [e for e in errors if "Content Security Policy" in e]
