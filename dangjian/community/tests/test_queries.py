"""Reads of 双报到: the two-sided scope, the subtree figures (set-based), the feedback for 评议."""

from decimal import Decimal as D

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dangjian.community import actions, queries
from dangjian.core.actors import SYSTEM
from dangjian.testing import make_member, make_org


def test_a_report_is_seen_from_both_subtrees_and_nowhere_else(tree, side, accepted):
    record = actions.record_enter(acting_user=side.member_user, report=accepted, served_on=timezone.localdate(),
                                  hours=2, what="巡查")
    for user in (tree.secretary_b, side.secretary_c, tree.county_admin, tree.reader_town1):
        assert list(queries.reports_for(user)) == [accepted], user
        assert list(queries.records_for(user)) == [record], user
    assert not queries.reports_for(tree.secretary_a).exists()
    assert not queries.records_for(tree.secretary_a).exists()
    assert not queries.reports_for(side.member_user).exists()  # a member's login holds no position


def test_reporting_facts_per_subtree(tree, side, accepted):
    actions.record_enter(acting_user=side.member_user, report=accepted, served_on=timezone.localdate(),
                         hours=12, what="巡查")
    record = accepted.records.get()
    actions.record_decide(acting_user=SYSTEM, record=record, confirm=True)
    year = timezone.localdate().year
    facts = queries.reporting_facts(tree.county.path, year)
    c, county, town1 = facts[tree.c.path], facts[tree.county.path], facts[tree.town1.path]
    assert (c.should, c.reported, c.should_in_service, c.reported_in_service, c.should_retired) == (2, 1, 1, 1, 1)
    assert c.rate == D("50.0") and c.rate_in_service == D("100.0") and c.rate_retired == D("0.0")
    assert c.hours == D("12") and c.hours_met == 1 and c.reporters == 1
    assert county.should == 2 and county.hours == D("12")
    assert town1.should == 0 and town1.rate is None  # the community's side counts no member of its own


def test_reporting_facts_take_a_fixed_number_of_queries(tree, side, accepted):
    year = timezone.localdate().year
    with CaptureQueriesContext(connection) as few:
        queries.reporting_facts(tree.county.path, year)
    for i in range(4):
        branch = make_org(tree.town2, f"局机关第{i}支部", f"C0001-02-1{i}", unit_category="party_government")
        member = make_member(branch, category="official")
        actions.report_request(acting_user=SYSTEM, member=member, community=tree.b)
    with CaptureQueriesContext(connection) as more:
        facts = queries.reporting_facts(tree.county.path, year)
    assert len(more) == len(few) == 4
    assert facts[tree.town2.path].should == 6


def test_feedback_facts_for_appraisal(tree, side, accepted):
    year = timezone.localdate().year - 1
    actions.feedback_give(acting_user=SYSTEM, report=accepted, year=year, rating="excellent", comment="好")
    facts = queries.feedback_facts([side.doctor.pk, side.retiree.pk], year)
    assert list(facts) == [side.doctor.pk]
    fact = facts[side.doctor.pk][0]
    assert (fact.rating, fact.rating_label, fact.community) == ("excellent", "优秀", tree.b.name)
    assert queries.feedback_facts([side.doctor.pk], year + 1) == {}


def test_branch_lines(tree, side, accepted):
    lines = {line.member.pk: line for line in queries.branch_lines(side.secretary_c, tree.c, timezone.localdate().year)}
    assert lines[side.doctor.pk].report == accepted and lines[side.doctor.pk].hours_met is False
    assert lines[side.retiree.pk].report is None and lines[side.retiree.pk].expected_kind == "retired"
    assert queries.branch_lines(tree.secretary_a, tree.a, 2026)[0].expected_kind is None
