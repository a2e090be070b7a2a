"""Builders for tests: a small tree, members with valid ID numbers, users with positions.

Kept in the package (not in conftest) so every app's tests and the benchmarks share one set."""

from __future__ import annotations

import copy
import datetime as dt
import itertools
from contextlib import contextmanager
from types import SimpleNamespace

from django.contrib.auth import get_user_model

from dangjian.core.actors import SYSTEM
from dangjian.core.idnumbers import make_id_number

_sequence = itertools.count(1)
DEFAULT_PASSWORD = "Test-pass-2026"


def new_id_number(birth: dt.date, gender: str = "M") -> str:
    return make_id_number("110101", birth, next(_sequence), gender)


def built_once(django_db_blocker, build):
    """Rows built once for the tests of a module-scoped fixture (``yield from built_once(
    django_db_blocker, build)``) instead of once per test. They live in an outer transaction rolled
    back when the fixture ends; each test still asks for ``db``, so it runs in a savepoint of its own
    and leaves the shared rows as it found them."""
    from django.db import transaction

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            value = build()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    try:
        yield value
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def make_member(org, *, name: str | None = None, birth: dt.date = dt.date(1980, 5, 17), gender: str = "M",
                joined_on: dt.date = dt.date(2005, 7, 1), membership_type: str = "full", **fields):
    from dangjian.members.actions import member_create

    confirmed = fields.pop("confirmed_on", dt.date(joined_on.year + 1, joined_on.month, joined_on.day)
                           if membership_type == "full" else None)
    # the 流动 flag is no action's to set (mobility's records keep it): a fixture asking for one
    # gets it written under the actions, as the demo data does
    flow = {f: fields.pop(f) for f in ("flow_status", "flow_place") if f in fields}
    member = member_create(
        acting_user=SYSTEM, org=org, id_number=fields.pop("id_number", new_id_number(birth, gender)),
        name=name or f"党员{next(_sequence)}", gender=gender, birth_date=birth, joined_on=joined_on,
        confirmed_on=confirmed, membership_type=membership_type, **fields,
    )
    if flow:
        type(member).objects.filter(pk=member.pk).update(**flow)
        member.refresh_from_db()
    return member


def make_user(username: str, *, org=None, role: str = "secretary", password: str = DEFAULT_PASSWORD):
    from dangjian.accounts.models import Position

    user = get_user_model().objects.create_user(username=username, password=password)
    if org is not None:
        Position.objects.create(user=user, org=org, role=role)
    return user


def make_org(parent, name: str, code: str, kind: str = "branch", **fields):
    from dangjian.orgs.actions import org_create

    return org_create(acting_user=SYSTEM, parent=parent, name=name, code=code, kind=kind, **fields)


def small_tree() -> SimpleNamespace:
    """县委 → 两个乡镇党委 → 三个党支部 (A, B under town 1; C under town 2), members in each,
    and users: county admin, secretaries of A and B, a read-only user of town 1."""
    county = make_org(None, "示范县委", "C0001", "committee", short_name="县委", unit_category="party_government")
    town1 = make_org(county, "东城镇党委", "C0001-01", "committee", unit_category="party_government")
    town2 = make_org(county, "西山镇党委", "C0001-02", "committee", unit_category="party_government")
    a = make_org(town1, "东城镇红星村党支部", "C0001-01-001", unit_category="village",
                 founded_on=dt.date(1960, 3, 1))
    b = make_org(town1, "东城镇新华社区党支部", "C0001-01-002", unit_category="community")
    c = make_org(town2, "西山镇卫生院党支部", "C0001-02-001", unit_category="hospital")
    members = {
        "a": [make_member(a, name=n) for n in ("张红星", "李建国", "王秀英", "赵卫东")],
        "b": [make_member(b, name=n, gender="F") for n in ("陈丽华", "刘芳")],
        "c": [make_member(c, name=n) for n in ("孙志强", "周海涛", "吴明")],
    }
    return SimpleNamespace(
        county=county, town1=town1, town2=town2, a=a, b=b, c=c, members=members,
        county_admin=make_user("county_admin", org=county, role="superior_admin"),
        secretary_a=make_user("secretary_a", org=a, role="secretary"),
        secretary_b=make_user("secretary_b", org=b, role="secretary"),
        reader_town1=make_user("reader_town1", org=town1, role="readonly"),
    )


def api_client(user):
    """A test client that calls the API as ``user`` with a freshly issued bearer token."""
    from django.test import Client

    from dangjian.accounts.actions import api_token_issue

    token = api_token_issue(acting_user=SYSTEM, user=user, name="测试")
    return Client(headers={"Authorization": f"Bearer {token}"})


def open_menu(page, label: str) -> None:
    """Click ``label`` in the main menu as a person would: first the group it sits in, if that group
    is closed (the menu's groups are ``<details>``, so their links are hidden until opened)."""
    link = page.locator("nav.mainnav a", has_text=label).first
    if not link.is_visible():
        link.locator("xpath=ancestor::details[1]/summary").click()
    link.click()


@contextmanager
def replica_alias(settings, alias: str = "replica", **changes):
    """A ``replica`` database alias for the test (core/replicas.py): the test database's own
    connection settings with ``changes`` (``PORT=5433`` for the standby of ``make replica``), and
    ``settings.REPLICA_ALIASES`` naming it. Closed and removed afterwards."""
    from django.db import connections

    config = copy.deepcopy(connections["default"].settings_dict)
    config.update(changes)
    connections.settings[alias] = config
    wrapper = connections[alias]
    # a connection made during the test, as Django's test case allows it (not one of settings.DATABASES)
    del connections.settings[alias]
    settings.REPLICA_ALIASES = [alias]
    try:
        yield alias
    finally:
        wrapper.close()
        del connections[alias]
