"""学习教育: 学时 totals from sessions and linked 中心组 meetings, targets, scope, no double entry."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from dangjian.core.actors import SYSTEM
from dangjian.core.errors import ActionDenied
from dangjian.learning import actions, queries, rules
from dangjian.learning.models import Session
from dangjian.members.models import Member
from dangjian.orglife import actions as orglife_actions

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year - 1


def at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


def test_rules():
    assert rules.hours_error("1.5") is None
    assert "0.5" in rules.hours_error("1.2")
    assert rules.hours_error("0") and rules.hours_error("abc") and rules.hours_error("30")
    assert rules.hours_of_meeting(at(dt.date(2026, 1, 5), 9), at(dt.date(2026, 1, 5), 11)) == Decimal(2)
    targets = {"0001": Decimal(32), "00010001": Decimal(40)}
    assert rules.target_for("000100010002", targets) == Decimal(40)
    assert rules.target_for("00010002", targets) == Decimal(32)
    assert rules.target_for("0002", targets) == Decimal(32)  # the default
    assert rules.totals([(1, Decimal(2)), (2, None), (1, Decimal("1.5"))]) == {1: Decimal("3.5"), 2: Decimal(0)}


@pytest.fixture
def school(tree):
    return actions.programme_create(acting_user=tree.county_admin, org=tree.town1, kind="night_school",
                                    title="东城镇理论夜校", year=YEAR)


def test_hours_follow_recorded_sessions(tree, school):
    a = tree.members["a"]
    actions.session_create(acting_user=tree.county_admin, programme=school, title="学习党章",
                           held_on=dt.date(YEAR, 3, 1), hours="2", attendees=a[:2])
    actions.session_create(acting_user=tree.county_admin, programme=school, title="学习条例",
                           held_on=dt.date(YEAR, 4, 1), hours="1.5", attendees=[a[0], *tree.members["b"]])
    rows = {r.name: r for r in queries.hours_table(tree.county_admin, tree.county, YEAR)}
    assert rows[a[0].name].hours == Decimal("3.5")
    assert rows[a[1].name].hours == Decimal(2)
    assert rows[a[2].name].hours == Decimal(0)
    assert rows[tree.members["c"][0].name].target == Decimal(32)
    # order is the tree's, never by hours
    names = [r.name for r in queries.hours_table(tree.county_admin, tree.county, YEAR)]
    assert names.index(a[0].name) < names.index(tree.members["b"][0].name)


def test_target_set_by_the_nearest_organisation(tree, school):
    actions.target_set(acting_user=tree.county_admin, org=tree.town1, year=YEAR, hours="40")
    rows = {r.name: r for r in queries.hours_table(tree.county_admin, tree.county, YEAR)}
    assert rows[tree.members["a"][0].name].target == Decimal(40)
    assert rows[tree.members["c"][0].name].target == Decimal(32)
    with pytest.raises(ValidationError):
        actions.target_set(acting_user=tree.county_admin, org=tree.town1, year=YEAR, hours="0")


def test_attendees_outside_the_programme_are_refused(tree, school):
    with pytest.raises(ValidationError, match="不在本学习计划"):
        actions.session_create(acting_user=tree.county_admin, programme=school, title="x", held_on=dt.date(YEAR, 3, 1),
                               hours="1", attendees=tree.members["c"][:1])
    with pytest.raises(ValidationError) as err:
        actions.session_create(acting_user=tree.county_admin, programme=school, title="x",
                               held_on=dt.date(YEAR + 2, 3, 1), hours="1")
    assert "held_on" in err.value.message_dict


def test_scope(tree, school):
    with pytest.raises(ActionDenied):
        actions.session_create(acting_user=tree.secretary_a, programme=school, title="x", held_on=dt.date(YEAR, 3, 1),
                               hours="1")
    with pytest.raises(ActionDenied):
        actions.programme_create(acting_user=tree.reader_town1, org=tree.town1, kind="rotation", title="轮训",
                                 year=YEAR)
    assert list(queries.programmes_for(tree.secretary_a)) == []
    assert list(queries.programmes_for(tree.reader_town1)) == [school]


def test_study_group_meetings_are_linked_not_entered_twice(tree):
    a = tree.members["a"]
    attendance = [{"member": m.pk, "status": "present" if m in a[:3] else "absent"} for m in a]
    meeting = orglife_actions.meeting_record(
        acting_user=SYSTEM, org=tree.a, types=["study_group"], title="中心组学习", held_at=at(dt.date(YEAR, 5, 6), 9),
        ends_at=at(dt.date(YEAR, 5, 6), 12), attendance=attendance, entered_at=at(dt.date(YEAR, 5, 6), 13))
    other = orglife_actions.meeting_record(
        acting_user=SYSTEM, org=tree.a, types=["theme_day"], title="主题党日", held_at=at(dt.date(YEAR, 5, 7), 9),
        attendance=attendance, entered_at=at(dt.date(YEAR, 5, 7), 13))
    group = actions.programme_create(acting_user=tree.secretary_a, org=tree.a, kind="study_group",
                                     title="支部中心组学习", year=YEAR)
    assert list(queries.linkable_meetings(group)) == [meeting]
    made = actions.sessions_from_meetings(acting_user=tree.secretary_a, programme=group)
    assert [s.meeting for s in made] == [meeting] and made[0].hours == Decimal(3)
    assert actions.sessions_from_meetings(acting_user=tree.secretary_a, programme=group) == []  # idempotent
    with pytest.raises(ValidationError, match="理论学习中心组"):
        actions.session_create(acting_user=tree.secretary_a, programme=group, title="x",
                               held_on=dt.date(YEAR, 5, 7), hours="1", meeting=other)
    hours = queries.hours_by_member(Member.objects.all(), YEAR)
    assert hours == {m.pk: Decimal(3) for m in a[:3]}
    record = queries.study_record(a[0], YEAR)
    assert record.hours == Decimal(3) and [s.pk for s in record.sessions] == [made[0].pk]
    assert queries.study_record(a[3], YEAR).hours == Decimal(0)
    assert Session.objects.count() == 1
