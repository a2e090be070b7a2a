"""The demo step over a small tree (the full demo runs it in dangjian/home/tests/test_demo.py):
民主评议 in every branch with members, 述职评议 of the secretaries, a points ledger; the same seed
and day give the same rows."""

import datetime as dt
import io

import pytest

from dangjian.appraisal import demo, queries
from dangjian.appraisal.choices import Stage
from dangjian.appraisal.models import (
    Appeal,
    Appraisal,
    AppraisalMember,
    Ballot,
    PointsEntry,
    ReportEntry,
    ReportRound,
    SourceRule,
)
from dangjian.inbox.models import InboxItem

from .conftest import YEAR

pytestmark = pytest.mark.django_db
TODAY = dt.date(YEAR + 1, 11, 1)


def _rows():
    return list(AppraisalMember.objects.order_by("appraisal__org__path", "member_id").values_list(
        "member_id", "grade", "exclusion", "excellent_votes", "qualified_votes"))


def test_demo_step(secretaries, review_meeting):
    tree = secretaries
    out = io.StringIO()
    demo.generate(seed=1, today=TODAY, stdout=out)
    assert "评议积分" in out.getvalue()
    done = Appraisal.objects.filter(stage=Stage.DONE, year=YEAR)
    assert set(done.values_list("org_id", flat=True)) == {tree.a.pk, tree.b.pk, tree.c.pk}
    assert done.get(org=tree.a).meeting == review_meeting
    assert not AppraisalMember.objects.filter(appraisal__in=done, exclusion="", grade="").exists()
    entries = ReportEntry.objects.filter(round__year=YEAR)
    assert {e.org_id for e in entries} >= {tree.a.pk, tree.b.pk, tree.c.pk, tree.town1.pk, tree.town2.pk}
    assert entries.get(org=tree.a).secretary_name == tree.members["a"][0].name
    assert not entries.filter(result="").exists()
    assert PointsEntry.objects.filter(origin="event").count() == 0  # the meeting was last year
    assert PointsEntry.objects.filter(origin="claim").exists()
    assert queries.overview(tree.county, YEAR).total.done == 3
    # for the demo accounts: this year's round of the demo town open for account voting, an appeal
    # waiting for the town, members' own ballots where an appraisal is at 民主测评
    open_round = ReportRound.objects.get(year=YEAR + 1)
    assert open_round.org == tree.town1 and open_round.voting
    appeal = Appeal.objects.select_related("person__appraisal").get()
    assert appeal.person.appraisal.org.parent_id == tree.town1.pk and appeal.person.grade in ("basic", "qualified")
    assert InboxItem.objects.filter(key=f"appraisal.appeal:{appeal.pk}", org=tree.town1, done_at=None).exists()
    voting = Appraisal.objects.filter(year=YEAR + 1, stage=Stage.VOTE)
    assert Ballot.objects.count() == sum(a.voters or 0 for a in voting)
    assert SourceRule.objects.filter(org=tree.county, year=YEAR + 1, source="community_hours").exists()
    before = _rows()
    demo.wipe()
    assert not Appraisal.objects.exists()
    demo.generate(seed=1, today=TODAY)
    assert _rows() == before
