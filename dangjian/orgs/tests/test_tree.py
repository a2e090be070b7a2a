import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from dangjian.core.errors import ActionDenied
from dangjian.members.models import Member
from dangjian.orgs.actions import org_move, term_start
from dangjian.orgs.models import Organization


def test_subtree_by_path(tree):
    codes = set(tree.town1.subtree().values_list("code", flat=True))
    assert codes == {"C0001-01", "C0001-01-001", "C0001-01-002"}


def test_move_subtree_keeps_members_and_paths(tree):
    org_move(acting_user=tree.county_admin, org=tree.a, new_parent=tree.town2)
    a = Organization.objects.get(pk=tree.a.pk)
    assert a.parent_id == tree.town2.pk
    assert a.path.startswith(tree.town2.path) and a.depth == 3
    assert Member.objects.filter(org__path__startswith=tree.town2.path).count() == 4 + 3
    assert Member.objects.filter(org__path__startswith=tree.town1.path).count() == 2


def test_move_below_itself_is_refused(tree):
    with pytest.raises(ValidationError):
        org_move(acting_user=tree.county_admin, org=tree.town1, new_parent=tree.a)


def test_branch_secretary_cannot_move_branches(tree):
    with pytest.raises(ActionDenied):
        org_move(acting_user=tree.secretary_a, org=tree.a, new_parent=tree.town2)


def test_new_term_replaces_current(tree):
    first = term_start(acting_user=tree.secretary_a, org=tree.a, started_on=dt.date(2020, 1, 1))
    assert first.ends_on == dt.date(2025, 1, 1)  # village branch: 5 years
    second = term_start(acting_user=tree.secretary_a, org=tree.a, started_on=dt.date(2025, 1, 2))
    first.refresh_from_db()
    assert not first.is_current and second.is_current
