"""述职评议 by accounts: one secret ballot per eligible account (a position at the organising
organisation or at an assessed one), only while voting is open, never rating a vacant post, oneself or
one's own organisation's secretary; votes counted apart from the entered tallies and together in the result."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from dangjian.appraisal import actions, queries, rules
from dangjian.appraisal.models import ReportEntry, RoundBallot
from dangjian.core.actors import SYSTEM
from dangjian.core.errors import ActionDenied
from dangjian.core.models import ChangeRecord
from dangjian.inbox.queries import open_items
from dangjian.orgs.actions import post_assign, term_start
from dangjian.testing import make_org, make_user

from .conftest import YEAR


def test_round_ballot_rule_boundaries():
    assert rules.round_ballot_errors({1: "good", 2: "poor"}, [1, 2]) == {}
    assert "还有 1 名" in rules.round_ballot_errors({1: "good"}, [1, 2])["choices"]
    assert "不在本次" in rules.round_ballot_errors({1: "good", 2: "good", 3: "good"}, [1, 2])["choices"]
    assert "评议意见" in rules.round_ballot_errors({1: "good", 2: "excellent"}, [1, 2])["choices"]
    assert rules.round_ballot_errors({}, []) == {}  # nobody to rate: an empty sheet


@pytest.fixture
def voting(secretaries):
    """Town 1's round of A (secretary) and B (secretary now too) and a vacant 党支部 D; voting open."""
    tree = secretaries
    term = term_start(acting_user=SYSTEM, org=tree.b, started_on=dt.date(2024, 1, 1))
    post_assign(acting_user=SYSTEM, term=term, member=tree.members["b"][0], post="secretary")
    tree.d = make_org(tree.town1, "东城镇空岗村党支部", "C0001-01-003", unit_category="village")
    tree.town_admin = make_user("town1_admin", org=tree.town1, role="superior_admin")
    r = actions.round_create(acting_user=tree.town_admin, org=tree.town1, year=YEAR)
    r = actions.round_voting(acting_user=tree.town_admin, round=r, voting=True)
    entries = {e.org_id: e for e in r.entries.all()}
    return tree, r, entries


def _entry(pk):
    return ReportEntry.objects.get(pk=pk)


def test_who_votes_and_whom_they_rate(voting):
    tree, r, entries = voting
    a, b, d = entries[tree.a.pk], entries[tree.b.pk], entries[tree.d.pk]
    assert d.vacant
    # the organising level rates every secretary but the vacant post
    orgs = queries.round_voter_orgs(tree.town_admin, r)
    assert list(queries.rateable_entries(tree.town_admin, r, orgs)) == [a, b]
    # an assessed organisation's secretary rates the others, never their own organisation's
    orgs = queries.round_voter_orgs(tree.secretary_a, r)
    assert orgs == {tree.a.pk} and list(queries.rateable_entries(tree.secretary_a, r, orgs)) == [b]
    # a read-only position at the organising level votes (a 评议代表 given an account)
    assert queries.round_voter_orgs(tree.reader_town1, r) == {tree.town1.pk}
    # above the organising level, in another town, or with no position: no vote
    assert queries.round_voter_orgs(tree.county_admin, r) == set()
    other = make_user("town2_worker", org=tree.town2, role="worker")
    assert queries.round_voter_orgs(other, r) == set()
    with pytest.raises(ActionDenied):
        actions.round_ballot_cast(acting_user=tree.county_admin, round=r, choices={a.pk: "good", b.pk: "good"})
    # the secretary's own member record is never rated, even from a position elsewhere in the round
    tree.members["b"][0].user = tree.reader_town1
    tree.members["b"][0].save()
    orgs = queries.round_voter_orgs(tree.reader_town1, r)
    assert list(queries.rateable_entries(tree.reader_town1, r, orgs)) == [a]


def test_votes_count_once_secretly_and_with_the_entered_tallies(voting):
    tree, r, entries = voting
    a, b = entries[tree.a.pk], entries[tree.b.pk]
    actions.entry_tally(acting_user=tree.town_admin, entry=a, good=1, fairly_good=0, average=0, poor=1)
    assert _entry(a.pk).result == "poor"  # 差 at 50%
    actions.round_ballot_cast(acting_user=tree.town_admin, round=r, choices={a.pk: "good", b.pk: "average"})
    actions.round_ballot_cast(acting_user=tree.secretary_b, round=r, choices={a.pk: "good"})
    a, b = _entry(a.pk), _entry(b.pk)
    assert a.entered == {"good": 1, "fairly_good": 0, "average": 0, "poor": 1}
    assert a.voted == {"good": 2, "fairly_good": 0, "average": 0, "poor": 0}
    assert a.tallies == {"good": 3, "fairly_good": 0, "average": 0, "poor": 1}
    assert a.result == "good" and "75.0%" in a.result_reason  # 差 1 of 4 (25%) is under 30%; 好 3 of 4
    r.refresh_from_db()
    assert r.voters == 2 and RoundBallot.objects.filter(round=r).count() == 2
    assert b.voted["average"] == 1 and b.result == "average"
    # entering paper tallies again leaves the account votes alone
    actions.entry_tally(acting_user=tree.town_admin, entry=a, good=0, fairly_good=0, average=0, poor=0)
    assert _entry(a.pk).tallies == {"good": 2, "fairly_good": 0, "average": 0, "poor": 0}
    assert _entry(a.pk).result == "good"
    # secret: the ballot row and the change record hold no choice
    assert {f.name for f in RoundBallot._meta.fields} == {"id", "round", "voter", "cast_at"}
    record = ChangeRecord.objects.filter(action="appraisal_round_ballot").first()
    assert "good" not in str(record.after) and "average" not in str(record.after)
    # one ballot per account
    with pytest.raises(ValidationError, match="已投票"):
        actions.round_ballot_cast(acting_user=tree.town_admin, round=r, choices={a.pk: "poor", b.pk: "poor"})


def _ballot_queries(user, r) -> int:
    orgs = queries.round_voter_orgs(user, r)
    choices = {pk: "good" for pk in queries.rateable_entries(user, r, orgs).values_list("pk", flat=True)}
    with CaptureQueriesContext(connection) as counted:
        actions.round_ballot_cast(acting_user=user, round=r, choices=choices)
    return len(counted)


def test_a_ballot_costs_the_same_queries_for_two_or_twelve_secretaries(voting):
    tree, r, _entries = voting
    two = _ballot_queries(tree.town_admin, r)
    for i in range(10):
        make_org(tree.town2, f"西山镇第{i}村党支部", f"C0001-02-1{i:02d}", unit_category="village")
    admin2 = make_user("town2_admin", org=tree.town2, role="superior_admin")
    r2 = actions.round_create(acting_user=admin2, org=tree.town2, year=YEAR)
    ReportEntry.objects.filter(round=r2).update(secretary_name="某书记")
    r2 = actions.round_voting(acting_user=admin2, round=r2, voting=True)
    assert r2.entries.count() == 11
    assert _ballot_queries(admin2, r2) == two
    print(f"述职评议 ballot: {two} queries for 2 secretaries and for 11")
    assert all(e.voted["good"] == 1 for e in r2.entries.all())


def test_ballot_only_while_voting_is_open_and_sheet_complete(voting):
    tree, r, entries = voting
    a, b = entries[tree.a.pk], entries[tree.b.pk]
    with pytest.raises(ValidationError, match="还有 1 名"):
        actions.round_ballot_cast(acting_user=tree.town_admin, round=r, choices={a.pk: "good"})
    with pytest.raises(ValidationError, match="不在本次"):  # A's secretary may not rate A
        actions.round_ballot_cast(acting_user=tree.secretary_a, round=r, choices={a.pk: "good", b.pk: "good"})
    with pytest.raises(ActionDenied):  # only the organising level opens and closes voting
        actions.round_voting(acting_user=tree.secretary_a, round=r, voting=False)
    r = actions.round_voting(acting_user=tree.town_admin, round=r, voting=False)
    with pytest.raises(ValidationError, match="未在进行"):
        actions.round_ballot_cast(acting_user=tree.secretary_a, round=r, choices={b.pk: "good"})
    assert not RoundBallot.objects.exists() and _entry(b.pk).voted["good"] == 0


def test_ballot_pages(voting, client):
    tree, r, entries = voting
    a, b = entries[tree.a.pk], entries[tree.b.pk]
    client.force_login(tree.secretary_a)
    url = reverse("appraisal:round_ballot", args=[r.pk])
    assert url in client.get(reverse("appraisal:rounds")).content.decode()  # listed as waiting for a vote
    page = client.get(url).content.decode()
    assert f'name="e{b.pk}"' in page and f'name="e{a.pk}"' not in page
    client.post(url, {f"e{b.pk}": "fairly_good"})
    assert _entry(b.pk).voted["fairly_good"] == 1
    assert url not in client.get(reverse("appraisal:rounds")).content.decode()
    client.force_login(tree.county_admin)  # sees the round, has no vote
    assert client.get(url).status_code == 404
    round_page = client.get(reverse("appraisal:round", args=[r.pk])).content.decode()
    assert "已有 1 个账号投票" in round_page
    client.force_login(tree.town_admin)
    client.post(reverse("appraisal:round_voting", args=[r.pk]), {"voting": "0", "version": r.version})
    r.refresh_from_db()
    assert r.voting is False


def test_ballot_through_the_api(voting, login):
    tree, r, entries = voting
    a = entries[tree.a.pk]
    client = login(tree.secretary_b)
    url = f"/api/appraisal/rounds/{r.pk}/ballot"
    sheet = client.get(url).json()
    assert [e["id"] for e in sheet["entries"]] == [a.pk] and sheet["voting"] and not sheet["voted"]
    bad = client.post(url, {"choices": {str(a.pk): "excellent"}}, content_type="application/json")
    assert bad.status_code == 422
    cast = client.post(url, {"choices": {str(a.pk): "good"}}, content_type="application/json")
    assert cast.status_code == 201 and cast.json() == {"round_id": r.pk, "voters": 1}
    again = client.post(url, {"choices": {str(a.pk): "good"}}, content_type="application/json")
    assert again.status_code == 422 and "已投票" in again.json()["detail"][0]["message"]
    login(tree.county_admin)
    assert client.get(url).status_code == 404
    closed = client.post(
        f"/api/appraisal/rounds/{r.pk}/voting", {"voting": False, "version": r.version}, content_type="application/json"
    )
    assert closed.status_code == 200 and closed.json()["voting"] is False and closed.json()["voters"] == 1


def test_round_results_export(voting, client):
    tree, r, entries = voting
    a = entries[tree.a.pk]
    actions.entry_tally(acting_user=tree.town_admin, entry=a, good=5, fairly_good=1, average=0, poor=0)
    actions.round_ballot_cast(acting_user=tree.secretary_b, round=r, choices={a.pk: "fairly_good"})
    actions.problem_add(acting_user=tree.town_admin, entry=a, text="发展党员工作统筹不够")
    client.force_login(tree.town_admin)
    response = client.get(reverse("appraisal:round_export", args=[r.pk]))
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.values)
    assert rows[0][:3] == ("序号", "党组织", "书记")
    by_org = {row[1]: row for row in rows[1:]}
    assert by_org[tree.a.name][3:9] == (5, 2, 0, 0, 1, "好") and by_org[tree.a.name][10] == "发展党员工作统筹不够"
    assert by_org[tree.d.name][2] == "书记空缺"
    assert ChangeRecord.objects.filter(action="export", object_type="appraisal.reportentry").count() == 1
    client.force_login(make_user("c_sec", org=tree.c))  # another town's branch: the round is out of scope
    assert client.get(reverse("appraisal:round_export", args=[r.pk])).status_code == 404


def _ballot_items(user, r):
    return list(open_items(user).filter(key__startswith=f"appraisal.round_vote:{r.pk}:"))


def test_opening_the_vote_puts_a_ballot_in_each_voters_inbox_until_they_vote_or_it_closes(voting):
    tree, r, entries = voting
    b = entries[tree.b.pk]
    voters = [tree.town_admin, tree.secretary_a, tree.reader_town1]
    for user in voters:
        [item] = _ballot_items(user, r)
        assert item.url == reverse("appraisal:round_ballot", args=[r.pk]) and r.title in item.title
    assert _ballot_items(tree.county_admin, r) == []  # above the organising level: no vote, no 待办
    actions.round_ballot_cast(acting_user=tree.secretary_a, round=r, choices={b.pk: "good"})
    assert _ballot_items(tree.secretary_a, r) == [] and len(_ballot_items(tree.town_admin, r)) == 1
    actions.round_voting(acting_user=tree.town_admin, round=r, voting=False)
    assert all(_ballot_items(user, r) == [] for user in voters)
    # reopened: only those who have not voted get it again
    actions.round_voting(acting_user=tree.town_admin, round=r, voting=True)
    assert _ballot_items(tree.secretary_a, r) == [] and len(_ballot_items(tree.town_admin, r)) == 1
