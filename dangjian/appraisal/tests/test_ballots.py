"""民主测评 by members' own accounts: a secret ballot, one per member, only at the 民主测评 step, a grade
for every other member appraised; the rule at its boundaries without a database."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from dangjian.appraisal import actions, queries, rules
from dangjian.appraisal.choices import Stage
from dangjian.appraisal.models import AppraisalMember, Ballot
from dangjian.core.errors import ActionDenied
from dangjian.core.models import ChangeRecord
from dangjian.testing import make_user

from .conftest import YEAR


def test_ballot_rule_boundaries():
    eligible = [1, 2, 3]
    assert rules.ballot_errors({2: "excellent", 3: "qualified"}, eligible, voter=1) == {}
    assert "本人" in rules.ballot_errors({1: "excellent", 2: "qualified", 3: "basic"}, eligible, voter=1)["choices"]
    assert "还有 1 名" in rules.ballot_errors({2: "excellent"}, eligible, voter=1)["choices"]
    assert "不是本次" in rules.ballot_errors({2: "basic", 3: "basic", 9: "basic"}, eligible, voter=1)["choices"]
    assert "测评意见" in rules.ballot_errors({2: "basic", 3: "good"}, eligible, voter=1)["choices"]
    assert rules.ballot_errors({}, [1], voter=1) == {}  # the only member appraised has nobody else to rate


def _accounts(tree):
    """Users for A's members; the fourth is excluded (illness)."""
    users = []
    for n, member in enumerate(tree.members["a"]):
        member.user = make_user(f"member_a{n}")
        member.save()
        users.append(member.user)
    return users


@pytest.fixture
def voting(tree):
    users = _accounts(tree)
    appraisal = actions.appraisal_start(acting_user=tree.secretary_a, org=tree.a, year=YEAR)
    people = {p.member_id: p for p in appraisal.people.all()}
    actions.person_update(acting_user=tree.secretary_a, person=people[tree.members["a"][3].pk], exclusion="illness")
    for _ in range(2):
        appraisal = actions.appraisal_advance(acting_user=tree.secretary_a, appraisal=appraisal)
    assert appraisal.stage == Stage.VOTE
    return tree, appraisal, users, [people[m.pk] for m in tree.members["a"]]


def test_ballots_add_to_the_tallies_once_and_stay_secret(voting):
    tree, appraisal, users, people = voting
    p0, p1, p2, _excluded = people
    actions.ballot_cast(acting_user=users[0], appraisal=appraisal, choices={p1.pk: "excellent", p2.pk: "qualified"})
    actions.ballot_cast(acting_user=users[1], appraisal=appraisal, choices={p0.pk: "excellent", p2.pk: "basic"})
    tallies = {p.pk: p.tallies for p in AppraisalMember.objects.filter(appraisal=appraisal)}
    assert tallies[p0.pk] == {"excellent": 1, "qualified": 0, "basic": 0, "unqualified": 0}
    assert tallies[p2.pk] == {"excellent": 0, "qualified": 1, "basic": 1, "unqualified": 0}
    appraisal.refresh_from_db()
    assert appraisal.voters == 2 and Ballot.objects.filter(appraisal=appraisal).count() == 2
    record = ChangeRecord.objects.filter(action="appraisal_ballot").first()
    assert "excellent" not in str(record.after) and "qualified" not in str(record.after)  # no choice recorded
    with pytest.raises(ValidationError, match="已投票"):
        actions.ballot_cast(acting_user=users[0], appraisal=appraisal, choices={p1.pk: "basic", p2.pk: "basic"})
    with pytest.raises(ActionDenied):  # excluded from the appraisal: no ballot
        actions.ballot_cast(acting_user=users[3], appraisal=appraisal, choices={p0.pk: "basic"})
    with pytest.raises(ActionDenied):  # the secretary's account is linked to no member of A
        actions.ballot_cast(acting_user=tree.secretary_a, appraisal=appraisal, choices={})


def test_ballot_only_at_the_vote_step(voting):
    tree, appraisal, users, people = voting
    appraisal = actions.appraisal_advance(acting_user=tree.secretary_a, appraisal=appraisal)
    with pytest.raises(ValidationError, match="不在民主测评环节"):
        actions.ballot_cast(acting_user=users[0], appraisal=appraisal,
                            choices={people[1].pk: "basic", people[2].pk: "basic"})


def test_member_votes_from_their_own_page(voting, client):
    tree, appraisal, users, people = voting
    client.force_login(users[2])
    assert [p.appraisal_id for p in queries.ballots_open(tree.members["a"][2])] == [appraisal.pk]
    me = client.get(reverse("appraisal:me")).content.decode()
    url = reverse("appraisal:ballot", args=[appraisal.pk])
    assert url in me
    page = client.get(url).content.decode()
    assert people[0].name in page and people[3].name not in page  # excluded members are not rated
    client.post(url, {f"p{people[0].pk}": "unqualified", f"p{people[1].pk}": "qualified"})
    assert AppraisalMember.objects.get(pk=people[0].pk).unqualified_votes == 1
    assert queries.ballots_open(tree.members["a"][2]) == []
    client.force_login(tree.secretary_b)  # no place in this appraisal
    assert client.get(url).status_code == 404


def test_ballot_through_the_api(voting, login):
    tree, appraisal, users, people = voting
    client = login(users[0])
    url = f"/api/appraisal/reviews/{appraisal.pk}/ballot"
    incomplete = client.post(url, {"choices": {str(people[1].pk): "excellent"}}, content_type="application/json")
    assert incomplete.status_code == 422 and "未测评" in incomplete.json()["detail"][0]["message"]
    cast = client.post(url, {"choices": {str(people[1].pk): "excellent", str(people[2].pk): "basic"}},
                       content_type="application/json")
    assert cast.status_code == 201 and cast.json() == {"appraisal_id": appraisal.pk, "voters": 1}
    login(tree.secretary_b)
    assert client.post(url, {"choices": {}}, content_type="application/json").status_code == 404
