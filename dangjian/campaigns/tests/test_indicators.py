"""督查 and 观摩 results feed 考核评价 through the registry: overdue problems and 落后 sites, each
organisation counting its own subtree, with the evidence behind each count."""

import datetime as dt

import pytest

from dangjian.campaigns import actions, indicators
from dangjian.campaigns.choices import CampaignKind, Role
from dangjian.core.actors import SYSTEM
from dangjian.core.registry import computed_indicators
from dangjian.testing import make_user
from dangjian.worklists.choices import State
from dangjian.worklists.testing import work_to

from .conftest import make_campaign

pytestmark = pytest.mark.django_db


def _all(tree):
    return [tree.county.pk, tree.town1.pk, tree.town2.pk, tree.a.pk, tree.b.pk, tree.c.pk]


def test_both_are_registered_as_counts():
    registered = computed_indicators()
    assert registered[indicators.OVERDUE].label == "督查问题超期未整改"
    assert registered[indicators.LAGGING].kind == "count"


def test_overdue_problems_count_in_their_subtree_until_closed(tree, today):
    campaign = make_campaign(tree, today)
    actions.targets_choose(acting_user=SYSTEM, campaign=campaign, orgs=[tree.a, tree.c])
    ta, tc = campaign.targets.order_by("draw_order")
    late = actions.finding_record(acting_user=tree.county_admin, target=ta, text="记录不全", is_problem=True,
                                  deadline=today - dt.timedelta(days=1), today=today)
    actions.finding_record(acting_user=tree.county_admin, target=ta, text="阵地未挂牌", is_problem=True,
                           deadline=today + dt.timedelta(days=30), today=today)  # not yet due
    actions.finding_record(acting_user=tree.county_admin, target=tc, text="较好", today=today)  # no problem
    counts = indicators.overdue_gather(tree.county, today.year, _all(tree), today)
    assert counts == {tree.county.pk: 1, tree.town1.pk: 1, tree.town2.pk: 0, tree.a.pk: 1, tree.b.pk: 0,
                      tree.c.pk: 0}
    (evidence,) = indicators.overdue_evidence(tree.town1, today.year, today)
    assert evidence[0] == tree.a.display_name and "未销号" in evidence[1] and evidence[3] == late.item_id
    assert indicators.overdue_gather(tree.county, today.year - 1, _all(tree), today)[tree.a.pk] == 0
    work_to(late.item, State.CLOSED, today=today)
    assert indicators.overdue_gather(tree.county, today.year, _all(tree), today)[tree.county.pk] == 0


def test_lagging_sites_are_graded_over_the_whole_field(tree, today):
    """Three sites, 40 % 落后 rounded down → one 落后 (the lowest), graded among all three even when
    the subtree asked about holds only part of the field."""
    observe = make_campaign(tree, today, kind=CampaignKind.OBSERVATION, title="一季度观摩", advanced_share=30,
                            lagging_share=40)
    actions.targets_choose(acting_user=SYSTEM, campaign=observe, orgs=[tree.a, tree.b, tree.c])
    ta, tb, tc = observe.targets.order_by("draw_order")
    judge = make_user("judge0")
    actions.participant_grant(acting_user=SYSTEM, campaign=observe, user=judge, role=Role.JUDGE)
    first = observe.sheet.items.order_by("position").first()
    for target, score in ((ta, 35), (tb, 20), (tc, 30)):
        actions.scores_record(acting_user=judge, target=target, scores={first.pk: score}, today=today)
    counts = indicators.lagging_gather(tree.town1, today.year, [tree.town1.pk, tree.a.pk, tree.b.pk], today)
    assert counts == {tree.town1.pk: 1, tree.a.pk: 0, tree.b.pk: 1}
    (evidence,) = indicators.lagging_evidence(tree.town1, today.year, today)
    assert evidence == (tree.b.display_name, "一季度观摩：评为落后", "campaigns:detail", observe.pk)
    assert indicators.lagging_gather(tree.county, today.year, [tree.town2.pk], today) == {tree.town2.pk: 0}


def test_an_inspection_grades_nobody_and_a_scoreless_observation_nobody(tree, today):
    observe = make_campaign(tree, today, kind=CampaignKind.OBSERVATION, title="未评分的观摩")
    actions.targets_choose(acting_user=SYSTEM, campaign=observe, orgs=[tree.a])
    assert indicators.graded_sites(tree.county.path, today.year) == []
    assert indicators.lagging_gather(tree.county, today.year, [tree.county.pk], today) == {tree.county.pk: 0}
