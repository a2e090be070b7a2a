"""申诉 against a 民主评议 result: by the member themselves, after the result, once; reviewed by the level
above (never by the branch), which keeps or changes the grade with its reasons; 待办 both ways."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from dangjian.accounts.models import Position
from dangjian.appraisal import actions, rules
from dangjian.appraisal.choices import AppealOutcome, Grade, Stage
from dangjian.appraisal.models import AppraisalMember
from dangjian.core.errors import ActionDenied
from dangjian.inbox.models import InboxItem
from dangjian.testing import make_user

from .conftest import YEAR


def test_appeal_answer_rule_boundaries():
    assert rules.appeal_errors("kept", "经复查，测评结果属实", "basic") == {}
    assert rules.appeal_errors("changed", "补充材料属实", "basic", "qualified") == {}
    assert set(rules.appeal_errors("changed", "x", "basic", "basic")) == {"grade"}  # the same grade is no change
    assert set(rules.appeal_errors("changed", "x", "basic", "")) == {"grade"}
    assert set(rules.appeal_errors("kept", "  ", "basic")) == {"response"}
    assert set(rules.appeal_errors("maybe", "x", "basic")) == {"outcome"}


@pytest.fixture
def done(tree):
    """A's appraisal completed; the first member, who has an account, was graded 基本合格."""
    member = tree.members["a"][0]
    member.user = make_user("member_a0")
    member.save()
    appraisal = actions.appraisal_start(acting_user=tree.secretary_a, org=tree.a, year=YEAR)
    for _ in range(3):
        appraisal = actions.appraisal_advance(acting_user=tree.secretary_a, appraisal=appraisal)
    people = list(appraisal.people.order_by("id"))
    for person in people:
        grade = Grade.BASIC if person.member_id == member.pk else Grade.QUALIFIED
        actions.person_update(acting_user=tree.secretary_a, person=person, grade=grade)
    appraisal = actions.appraisal_advance(acting_user=tree.secretary_a, appraisal=appraisal)
    assert appraisal.stage == Stage.DONE
    return tree, member, next(p for p in people if p.member_id == member.pk), people


def test_member_appeals_and_the_level_above_changes_the_grade(done):
    tree, member, person, people = done
    other = next(p for p in people if p.pk != person.pk)
    with pytest.raises(ActionDenied):  # someone else's result
        actions.appeal_file(acting_user=member.user, person=other, text="不服")
    with pytest.raises(ValidationError, match="申诉理由"):
        actions.appeal_file(acting_user=member.user, person=person, text=" ")
    appeal = actions.appeal_file(acting_user=member.user, person=person, text="全年按时参加组织生活，测评有误")
    with pytest.raises(ValidationError, match="已对本次"):
        actions.appeal_file(acting_user=member.user, person=person, text="再次申诉")
    task = InboxItem.objects.get(key=f"appraisal.appeal:{appeal.pk}")
    assert task.org_id == tree.town1.pk and task.done_at is None  # the level above reviews it
    with pytest.raises(ActionDenied):  # the branch does not review its own result
        actions.appeal_answer(acting_user=tree.secretary_a, appeal=appeal, outcome="kept", response="属实")
    dual = make_user("dual_town", org=tree.town1, role="superior_admin")
    Position.objects.create(user=dual, org=tree.a, role="secretary")
    with pytest.raises(ActionDenied, match="本支部"):
        actions.appeal_answer(acting_user=dual, appeal=appeal, outcome="kept", response="属实")
    town_admin = make_user("town1_admin", org=tree.town1, role="superior_admin")
    appeal = actions.appeal_answer(acting_user=town_admin, appeal=appeal, outcome=AppealOutcome.CHANGED,
                                   response="经复查，考勤记录齐全，改为合格", grade=Grade.QUALIFIED)
    assert AppraisalMember.objects.get(pk=person.pk).grade == Grade.QUALIFIED
    assert InboxItem.objects.get(key=f"appraisal.appeal:{appeal.pk}").done_at is not None
    assert InboxItem.objects.get(key=f"appraisal.appeal_result:{appeal.pk}").user_id == member.user_id
    with pytest.raises(ValidationError, match="已复查"):
        actions.appeal_answer(acting_user=town_admin, appeal=appeal, outcome="kept", response="属实")


def test_appeal_only_after_the_result(tree):
    member = tree.members["a"][0]
    member.user = make_user("member_a0")
    member.save()
    appraisal = actions.appraisal_start(acting_user=tree.secretary_a, org=tree.a, year=YEAR)
    person = appraisal.people.get(member=member)
    with pytest.raises(ValidationError, match="完成"):
        actions.appeal_file(acting_user=member.user, person=person, text="不服")


def test_appeal_from_the_members_page_and_answer_on_the_review_page(done, client):
    tree, member, person, _people = done
    client.force_login(member.user)
    assert reverse("appraisal:appeal", args=[person.pk]) in client.get(reverse("appraisal:me")).content.decode()
    client.post(reverse("appraisal:appeal", args=[person.pk]), {"text": "测评有误"})
    appeal = AppraisalMember.objects.get(pk=person.pk).appeal
    town_admin = make_user("town1_admin", org=tree.town1, role="superior_admin")
    client.force_login(town_admin)
    review = client.get(reverse("appraisal:review", args=[person.appraisal_id])).content.decode()
    assert "测评有误" in review and reverse("appraisal:appeal_answer", args=[appeal.pk]) in review
    client.post(reverse("appraisal:appeal_answer", args=[appeal.pk]), {"outcome": "kept", "response": "维持"})
    appeal.refresh_from_db()
    assert appeal.outcome == "kept" and AppraisalMember.objects.get(pk=person.pk).grade == Grade.BASIC


def test_appeal_through_the_api(done, login):
    tree, member, person, _people = done
    client = login(member.user)
    filed = client.post(f"/api/appraisal/people/{person.pk}/appeal", {"text": "测评有误"},
                        content_type="application/json")
    assert filed.status_code == 201 and filed.json()["outcome"] == ""
    appeal_id = filed.json()["id"]
    login(tree.secretary_a)  # the branch itself: may see, may not review
    assert client.post(f"/api/appraisal/appeals/{appeal_id}/answer", {"outcome": "kept", "response": "属实"},
                       content_type="application/json").status_code == 403
    login(tree.county_admin)
    answered = client.post(f"/api/appraisal/appeals/{appeal_id}/answer",
                           {"outcome": "changed", "response": "改为合格", "grade": "qualified"},
                           content_type="application/json")
    assert answered.status_code == 200 and answered.json()["outcome"] == "changed"
    assert AppraisalMember.objects.get(pk=person.pk).grade == Grade.QUALIFIED
