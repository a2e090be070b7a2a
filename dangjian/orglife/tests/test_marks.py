"""The report's tallies read marks the database computes (_meeting_marks); they must be the
marks rules.mark computes from the same meetings, on SQLite and on PostgreSQL alike."""

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from dangjian.orglife import rules
from dangjian.orglife.choices import MeetingStatus
from dangjian.orglife.models import COUNTED, Meeting
from dangjian.orglife.report import _meeting_marks, compliance_report

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 20)

# Attendance at the edges of every quorum: exactly half, half once leave is excluded, nobody
# expected, everybody on leave.
ATTENDANCE = [
    {"voting_expected": 4, "voting_present": 2, "voting_leave": 1},
    {"voting_expected": 5, "voting_present": 3},
    {"voting_expected": 0, "voting_present": 0},
    {"committee_expected": 5, "committee_present": 2, "committee_leave": 2},
    {"committee_expected": 3, "committee_present": 3, "committee_leave": 3},
    {"expected_count": 10, "present_count": 5, "leave_count": 2},
    {"expected_count": 9, "present_count": 5},
    {"expected_count": 7, "present_count": 0, "leave_count": 7},
]
# Local times whose month differs from the month in UTC, and the last minute of the year.
TIMES = [dt.datetime(2026, 3, 1, 0, 30), dt.datetime(2026, 1, 31, 23, 30), dt.datetime(2026, 12, 31, 23, 59),
         dt.datetime(2026, 11, 20, 20, 0), dt.datetime(2026, 6, 15, 9, 0)]
TYPES = ["branch_assembly", "committee,lecture", "theme_day", "branch_assembly,lecture,theme_day"]


def meeting(org, when: dt.datetime, codes: str, status=MeetingStatus.HELD, **counts) -> Meeting:
    held_at = when.replace(tzinfo=timezone.get_current_timezone())
    return Meeting.objects.create(org=org, title="会议", status=status, held_at=held_at,
                                  ends_at=held_at + dt.timedelta(hours=1), entered_at=held_at, type_codes=codes,
                                  **counts)


def facts(m: Meeting) -> rules.MeetingFacts:
    counts = [getattr(m, name) for name in COUNTED]
    return rules.MeetingFacts(m.pk, m.org_id, timezone.localtime(m.held_at).date(),
                              frozenset(m.type_codes.split(",")), False, *counts)


def test_database_marks_are_the_rules_marks(tree):
    made = []
    for (when, codes, counts), org in zip(itertools.product(TIMES, TYPES, ATTENDANCE), itertools.cycle(
            [tree.a, tree.b, tree.c]), strict=False):
        made.append(meeting(org, when, codes, **counts))
    # never counted: planned, or held in another year
    meeting(tree.a, dt.datetime(2026, 5, 1, 9), "theme_day", status=MeetingStatus.PLANNED)
    meeting(tree.a, dt.datetime(2025, 12, 31, 23, 30), "theme_day")
    meeting(tree.b, dt.datetime(2027, 1, 1, 0, 30), "theme_day")

    by_type, by_combination, last = _meeting_marks(tree.county, 2026, TODAY)

    for org in (tree.a, tree.b, tree.c):
        own = [facts(m) for m in made if m.org_id == org.pk]
        expected = rules.marks_by_type(own, 2026)
        assert {t: sorted(v) for t, v in by_type[org.pk].items()} == {t: sorted(v) for t, v in expected.items()}
        assert sorted(v for values in by_combination[org.pk] for v in values) == sorted(rules.mark(f) for f in own)
        assert last[org.pk] == max(f.held_on for f in own if f.held_on <= TODAY)
    # the quorum bits really vary across these meetings, and the months are the local ones
    marks = {rules.mark(facts(m)) for m in made}
    assert len({v & ((1 << rules.MONTH_SHIFT) - 1) for v in marks}) >= 6
    assert {v >> rules.MONTH_SHIFT for v in marks} == {1, 3, 6, 11, 12}


def test_report_counts_each_meeting_once_by_month(tree):
    meeting(tree.a, dt.datetime(2026, 3, 1, 0, 30), "branch_assembly,lecture,theme_day", voting_expected=3,
            voting_present=2)
    meeting(tree.a, dt.datetime(2026, 3, 5, 9), "theme_day")
    meeting(tree.a, dt.datetime(2026, 2, 28, 23, 0), "lecture")
    report = compliance_report(tree.county, 2026, today=TODAY)
    assert report.meeting_counts[tree.a.pk] == {2: 1, 3: 2}
    assert tree.b.pk not in report.meeting_counts
