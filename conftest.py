import os

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from dangjian.testing import DEFAULT_PASSWORD, small_tree

# Property-based tests (hypothesis, schemathesis): a modest number of examples so the suite stays
# fast, no per-example deadline (the machine is shared), no example database in the work tree.
# The default profile is derandomized, so every run of `make test` (and CI) tries the same examples;
# HYPOTHESIS_PROFILE=explore tries new, and more, examples on each run when hunting for bugs.
_common = {"deadline": None, "database": None,
           "suppress_health_check": [HealthCheck.too_slow, HealthCheck.function_scoped_fixture]}
hypothesis_settings.register_profile("dangjian", max_examples=40, derandomize=True, **_common)
hypothesis_settings.register_profile("explore", max_examples=400, derandomize=False, **_common)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dangjian"))


def _flush_past_the_audit_triggers():
    """PostgreSQL refuses to TRUNCATE the audit tables (core migration 0004), and Django's test
    flush truncates every table between transactional tests. Only the tests' flush, as the
    superuser they connect as, switches the triggers off for its own transaction."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    original = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, **kwargs):
        statements = original(self, style, tables, **kwargs)
        return ["SET LOCAL session_replication_role = replica", *statements] if statements else statements

    DatabaseOperations.sql_flush = sql_flush


_flush_past_the_audit_triggers()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Tests log in hundreds of times; the production hasher's cost is not what they test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def generous_rate_limits(settings):
    """Every test client comes from 127.0.0.1, and the shared cache's counts outlive transactional
    tests (the table is no model, so a flush keeps it): the suite as a whole would trip the limits.
    dangjian/core/tests/test_ratelimit.py sets small ones to test them."""
    settings.RATE_LIMIT_ID_LOOKUPS = settings.RATE_LIMIT_IMPORTS = settings.RATE_LIMIT_LOGINS = "1000000/60"


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


@pytest.fixture(scope="session")
def _chromium():
    """One chromium for the whole session: launching it took a second or more for every browser test.
    Each test still gets a context of its own (no cookies, storage or viewport carried over)."""
    from playwright.sync_api import sync_playwright

    from tests.browser import ARGS, chromium_path

    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the test
    # itself (fixtures, assertions) are still synchronous and safe here. The browser tests run last
    # (pytest_collection_modifyitems below), so no other test runs beside that loop.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(live_server, _chromium):
    """A Playwright page in Debian's chromium, pointed at the live server."""
    context = _chromium.new_context(base_url=live_server.url, locale="zh-CN")
    pg = context.new_page()
    pg.set_default_timeout(15000)
    yield pg
    context.close()


def pytest_collection_modifyitems(items):
    """Browser tests last: the shared browser's event loop (above) then never sits beside a test
    that expects none, and each parallel worker launches chromium only once it reaches them."""
    items.sort(key=lambda item: "page" in getattr(item, "fixturenames", ()))


@pytest.fixture(autouse=True)
def _seed_rows_after_a_flush(request):
    """Rows written by data migrations (the holiday calendar, the 两新 fields and standards) are
    flushed at the end of every transactional test (live server, browser): put them back before
    the next one, which would otherwise meet an empty table no real installation ever has."""
    if "transactional_db" in request.fixturenames:
        request.getfixturevalue("transactional_db")
        reseed_data_migrations()


def reseed_data_migrations() -> None:
    import importlib

    from django.apps import apps

    for module, function in (("dangjian.core.migrations.0006_national_holidays", "add_days"),
                             ("dangjian.twonew.migrations.0002_default_fields", "seed")):
        getattr(importlib.import_module(module), function)(apps, None)
