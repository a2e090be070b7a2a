"""The compliance report over the database: set-based, per-year rules, roll-up."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangjian.orglife import actions, rules
from dangjian.orglife.choices import Outcome
from dangjian.orglife.report import compliance_report, home_due
from dangjian.testing import make_member, make_org

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 20)


def outcomes(report, org, meeting_type):
    return [r.outcome for r in report.results[org.pk] if r.meeting_type == meeting_type]


def test_monthly_theme_day_met_and_missing(tree, record):
    record(tree.a, dt.date(2026, 1, 10), "theme_day")
    record(tree.a, dt.date(2026, 3, 10), "theme_day", "lecture")
    report = compliance_report(tree.a, 2026, today=TODAY)
    theme = outcomes(report, tree.a, "theme_day")
    assert theme[:3] == [Outcome.MET, Outcome.MISSING, Outcome.MET]
    assert theme[10] == Outcome.NOT_DUE  # November is still open
    assert outcomes(report, tree.a, "lecture")[0] == Outcome.MET
    assert report.meeting_counts[tree.a.pk] == {1: 1, 3: 1}


def test_branch_assembly_quorum_from_attendance(tree, record):
    members = tree.members["a"]  # four full members
    attendance = [{"member": members[0].pk, "status": "present"}, {"member": members[1].pk, "status": "present"},
                  {"member": members[2].pk, "status": "leave", "reason": "外出务工"},
                  {"member": members[3].pk, "status": "absent"}]
    record(tree.a, dt.date(2026, 2, 3), "branch_assembly", attendance=attendance)
    report = compliance_report(tree.a, 2026, today=TODAY)
    first = next(r for r in report.results[tree.a.pk] if r.meeting_type == "branch_assembly")
    assert first.outcome == Outcome.QUORUM and "实到 2 人" in first.reason
    # the level above lets leave not count as expected — for this year only
    actions.rule_set(acting_user=tree.county_admin, owner=tree.county, year=2026, org_kind="branch",
                     meeting_type="branch_assembly", period="quarter", quorum_base="voting", leave_excluded=True)
    report = compliance_report(tree.a, 2026, today=TODAY)
    assert outcomes(report, tree.a, "branch_assembly")[0] == Outcome.MET


def test_rules_are_kept_per_year(tree, record):
    record(tree.a, dt.date(2025, 1, 10), "theme_day")
    before = compliance_report(tree.a, 2025, today=TODAY)
    actions.rule_set(acting_user=tree.county_admin, owner=tree.county, year=2026, org_kind="branch",
                     meeting_type="theme_day", period="year")
    after = compliance_report(tree.a, 2025, today=TODAY)
    assert outcomes(before, tree.a, "theme_day") == outcomes(after, tree.a, "theme_day")
    assert len(outcomes(after, tree.a, "theme_day")) == 12
    assert len(outcomes(compliance_report(tree.a, 2026, today=TODAY), tree.a, "theme_day")) == 1


def test_rule_setting_needs_the_level_above(tree):
    from dangjian.core.errors import ActionDenied

    with pytest.raises(ActionDenied):
        actions.rule_set(acting_user=tree.secretary_a, owner=tree.town1, year=2026, org_kind="branch",
                         meeting_type="theme_day", period="year")


def test_roll_up_and_silence(tree, record):
    record(tree.a, dt.date(2026, 11, 1), "theme_day")
    report = compliance_report(tree.county, 2026, today=TODAY)
    county, town1, a = (report.tallies[o.path] for o in (tree.county, tree.town1, tree.a))
    assert county.owed == sum(report.tallies[o.path].owed for o in (tree.town1, tree.town2)) + len(
        [r for r in report.results.get(tree.county.pk, []) if r.owed])
    assert town1.owed >= a.owed > 0
    assert not report.silences[tree.a.pk].silent
    assert report.silences[tree.b.pk].silent
    assert "没有任何组织生活记录" in report.silences[tree.b.pk].reason
    tallies_only = compliance_report(tree.county, 2026, today=TODAY, silences=False)
    assert tallies_only.silences == {} and tallies_only.tallies == report.tallies


def test_query_count_does_not_grow_with_branches(tree, record):
    record(tree.a, dt.date(2026, 1, 10), "theme_day")
    with CaptureQueriesContext(connection) as small:
        compliance_report(tree.county, 2026, today=TODAY)
    for i in range(6):
        org = make_org(tree.town2, f"新增第{i}党支部", f"C0001-02-1{i:02d}")
        make_member(org)
        record(org, dt.date(2026, 2, 10), "theme_day", "lecture")
    with CaptureQueriesContext(connection) as large:
        report = compliance_report(tree.county, 2026, today=TODAY)
    assert len(large) == len(small) <= 8
    assert len(report.results) > 6


def test_home_due_lists_late_and_due(tree, record):
    data = home_due(tree.a, today=TODAY)
    assert data["late_count"] > 0 and data["due_count"] > 0
    assert any(label == "主题党日" for _, _, label in data["late"])


def test_matrix_months_add_up_to_the_year(tree, record):
    record(tree.a, dt.date(2026, 1, 10), "theme_day")
    record(tree.c, dt.date(2026, 2, 10), "theme_day", "lecture")
    report = compliance_report(tree.county, 2026, today=TODAY)
    for org in (tree.county, tree.town1, tree.town2):
        months = report.month_tallies[org.path]
        total = report.tallies[org.path]
        assert sum(t.owed for t in months.values()) == total.owed
        assert sum(t.met for t in months.values()) == total.met
    # the tallies computed without results agree with the results
    for org_id in report.results:
        path = report.orgs[org_id].path
        assert rules.tally_of(report.results[org_id]) == report.own_tallies[path]


def test_silence_looks_back_into_last_year(tree, record):
    record(tree.a, dt.date(2025, 12, 20), "theme_day")
    report = compliance_report(tree.county, 2026, today=dt.date(2026, 1, 10))
    assert not report.silences[tree.a.pk].silent and "2025-12-20" in report.silences[tree.a.pk].reason
    later = compliance_report(tree.county, 2025, today=dt.date(2026, 3, 1))
    assert later.silences[tree.a.pk].silent and "2025-12-20" in later.silences[tree.a.pk].reason
