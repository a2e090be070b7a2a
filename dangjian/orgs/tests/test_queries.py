"""Tree rows, breadcrumbs, structure warnings over a subtree, and their query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangjian.core.actors import SYSTEM
from dangjian.core.scoping import forget_scope
from dangjian.orgs.actions import post_assign, term_start
from dangjian.orgs.queries import (
    breadcrumbs,
    children_of,
    org_tree_rows,
    org_warnings,
    roll_up,
    subtree_statistics,
    subtree_warnings,
    warning_summary,
)
from dangjian.orgs.tests.test_stats import TODAY, build_stats_tree
from dangjian.testing import make_member, make_org


@pytest.fixture
def stats_tree(db):
    return build_stats_tree()


def listing(warnings):
    return [(w.org_code, w.code) for w in warnings]


def test_roll_up_adds_to_every_ancestor():
    totals = roll_up({"0001": 1, "00010001": 2, "000100010001": 4, "00010002": 8})
    assert totals == {"0001": 15, "00010001": 6, "000100010001": 4, "00010002": 8}


# -- warnings --------------------------------------------------------------------------------------

def test_subtree_warnings(stats_tree):
    warnings = subtree_warnings(stats_tree.county, today=TODAY)
    # Dangers first in tree order, then warnings. Branch A is fine only because its 党小组's members
    # count for it: 4 + 3 full members make 7, so its committee of 3 is right.
    assert listing(warnings) == [
        ("C0001", "no_secretary"),
        ("C0001-01-002", "term_expired"),
        ("C0001-02", "no_secretary"),
        ("C0001-02-001", "no_secretary"),  # its secretary is deceased
        ("C0001-02-002", "too_few_members"),
        ("C0001-02-002", "no_secretary"),
        ("C0001-01", "term_expiring"),
    ]
    first = warnings[0]
    assert (first.org_id, first.org_name, first.org_path) == (stats_tree.county.pk, "示范县委", stats_tree.county.path)
    assert (first.level, first.label) == ("danger", "书记空缺") and "未录入" in first.message
    assert warnings[-1].level == "warning" and warnings[-1].depth == 2


def test_group_members_make_up_a_branch(stats_tree):
    stats_tree.m6.status = "left"
    stats_tree.m6.save()
    codes = [w.code for w in org_warnings(stats_tree.a, today=TODAY)]
    assert codes == ["committee_size"]  # 6 full members now: no 支委会, so 3 委员 are too many


def test_warning_summary(stats_tree):
    summary = warning_summary(subtree_warnings(stats_tree.county, today=TODAY))
    assert summary == [
        ("too_few_members", "正式党员不足3名", 1),
        ("term_expired", "任期已届满", 1),
        ("term_expiring", "任期即将届满", 1),
        ("no_secretary", "书记空缺", 4),
    ]
    assert warning_summary([]) == []


def test_subtree_warnings_of_a_town(stats_tree):
    assert listing(subtree_warnings(stats_tree.town1, today=TODAY)) == [
        ("C0001-01-002", "term_expired"), ("C0001-01", "term_expiring"),
    ]


def test_org_warnings_agree_with_subtree_warnings(stats_tree, django_assert_num_queries):
    everything = subtree_warnings(stats_tree.county, today=TODAY)
    for org in (stats_tree.county, stats_tree.town1, stats_tree.a, stats_tree.b, stats_tree.c, stats_tree.d,
                stats_tree.g):
        with django_assert_num_queries(2):
            alone = org_warnings(org, today=TODAY)
        assert alone == [w for w in everything if w.org_id == org.pk], org.code


# -- tree rows -------------------------------------------------------------------------------------

def shape(rows):
    return [(r.code, r.level, r.direct_members, r.subtree_members, r.children_count, r.children_hidden) for r in rows]


def test_tree_rows_for_the_county(stats_tree):
    rows = org_tree_rows(stats_tree.county_admin)
    assert shape(rows) == [
        ("C0001", 0, 0, 14, 2, False),
        ("C0001-01", 1, 0, 11, 2, False),
        ("C0001-01-001", 2, 4, 8, 1, True),  # its 党小组 is one level below the default depth
        ("C0001-01-002", 2, 3, 3, 0, False),
        ("C0001-02", 1, 0, 3, 2, False),
        ("C0001-02-001", 2, 3, 3, 0, False),
        ("C0001-02-002", 2, 0, 0, 0, False),
    ]
    assert rows[0].display_name == "县委" and rows[0].kind_label == "党委"
    everything = org_tree_rows(stats_tree.county_admin, max_depth=None)
    assert [r.code for r in everything][3] == "C0001-01-001-01" and everything[3].level == 3


def test_tree_rows_follow_scope(stats_tree):
    assert shape(org_tree_rows(stats_tree.secretary_a)) == [
        ("C0001-01-001", 0, 4, 8, 1, False), ("C0001-01-001-01", 1, 4, 4, 0, False),
    ]
    codes = [r.code for r in org_tree_rows(stats_tree.reader_town1, max_depth=2)]
    assert codes == ["C0001-01", "C0001-01-001", "C0001-01-002"]


def test_tree_rows_for_two_scopes_at_different_depths(stats_tree):
    from dangjian.accounts.models import Position
    from dangjian.testing import make_user

    t = stats_tree
    user = make_user("two_seats", org=t.town2, role="readonly")
    Position.objects.create(user=user, org=t.a, role="readonly")
    rows = org_tree_rows(user)
    assert [(r.code, r.level, r.subtree_members) for r in rows] == [
        ("C0001-01-001", 0, 8), ("C0001-01-001-01", 1, 4),
        ("C0001-02", 0, 3), ("C0001-02-001", 1, 3), ("C0001-02-002", 1, 0),
    ]


def test_tree_rows_under_a_root(stats_tree):
    rows = org_tree_rows(stats_tree.county_admin, root=stats_tree.town2, max_depth=1)
    assert shape(rows) == [("C0001-02", 0, 0, 3, 2, True)]
    # A root above the user's scope starts the listing at the scope.
    assert [r.code for r in org_tree_rows(stats_tree.secretary_b, root=stats_tree.county)] == ["C0001-01-002"]
    assert org_tree_rows(stats_tree.secretary_b, root=stats_tree.town2) == []


def test_children_of(stats_tree):
    rows = children_of(stats_tree.county_admin, stats_tree.town1)
    assert [(r.code, r.subtree_members) for r in rows] == [("C0001-01-001", 8), ("C0001-01-002", 3)]
    assert [r.code for r in children_of(stats_tree.secretary_a, stats_tree.town1)] == ["C0001-01-001"]
    assert children_of(stats_tree.county_admin, stats_tree.g) == []


def test_breadcrumbs(stats_tree):
    t = stats_tree
    assert breadcrumbs(t.secretary_a, t.g) == [("县委", None), ("东城镇党委", None), ("东城镇红星村党支部", t.a.pk)]
    assert breadcrumbs(t.county_admin, t.a) == [("县委", t.county.pk), ("东城镇党委", t.town1.pk)]
    assert breadcrumbs(t.county_admin, t.county) == []


def test_a_user_without_scope_sees_no_rows(stats_tree):
    from dangjian.testing import make_user

    nobody = make_user("nobody")
    assert org_tree_rows(nobody) == []
    assert breadcrumbs(nobody, stats_tree.a) == [("县委", None), ("东城镇党委", None)]


# -- query counts ----------------------------------------------------------------------------------

def count_queries(user, func) -> int:
    forget_scope(user)  # count the user's scope look-up too: every read starts cold
    with CaptureQueriesContext(connection) as ctx:
        func()
    return len(ctx.captured_queries)


def add_branches(town, n: int) -> None:
    for i in range(n):
        branch = make_org(town, f"新设党支部{i}", f"NEW-{i:03}")
        group = make_org(branch, f"新设党小组{i}", f"NEW-{i:03}-01", "group")
        members = [make_member(branch), make_member(branch), make_member(group, membership_type="probationary")]
        term = term_start(acting_user=SYSTEM, org=branch, started_on=TODAY)
        post_assign(acting_user=SYSTEM, term=term, member=members[0], post="secretary")


def test_query_counts_do_not_grow_with_the_tree(stats_tree):
    t = stats_tree
    reads = {
        "statistics": lambda: subtree_statistics(t.county, today=TODAY),
        "warnings": lambda: subtree_warnings(t.county, today=TODAY),
        "tree": lambda: org_tree_rows(t.county_admin, max_depth=None),
        "children": lambda: children_of(t.county_admin, t.town2),
        "breadcrumbs": lambda: breadcrumbs(t.county_admin, t.g),
    }
    before = {name: count_queries(t.county_admin, read) for name, read in reads.items()}
    add_branches(t.town2, 20)
    after = {name: count_queries(t.county_admin, read) for name, read in reads.items()}
    assert after == before
    assert before == {"statistics": 3, "warnings": 3, "tree": 3, "children": 3, "breadcrumbs": 2}
    assert subtree_statistics(t.county, today=TODAY).total == 14 + 60
    assert len(org_tree_rows(t.county_admin, max_depth=None)) == 8 + 40
