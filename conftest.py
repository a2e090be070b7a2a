import pytest

from dangjian.core.testing import DEFAULT_PASSWORD, small_tree


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Tests log in hundreds of times; the production hasher's cost is not what they test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def tree(db):
    return small_tree()


@pytest.fixture
def login(client):
    """``login(user)`` logs the test client in as ``user`` and returns it."""

    def _login(user):
        assert client.login(username=user.username, password=DEFAULT_PASSWORD)
        return client

    return _login


@pytest.fixture
def page(live_server):
    """A Playwright page in Debian's chromium, pointed at the live server."""
    import os

    from playwright.sync_api import sync_playwright

    from tests.browser import ARGS, chromium_path

    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the test
    # itself (fixtures, assertions) are still synchronous and safe here.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=ARGS, headless=True)
        context = browser.new_context(base_url=live_server.url, locale="zh-CN")
        pg = context.new_page()
        pg.set_default_timeout(15000)
        yield pg
        context.close()
        browser.close()
