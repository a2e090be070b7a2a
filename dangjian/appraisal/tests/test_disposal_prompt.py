"""A 不合格 result starts its 组织处置: when the appraisal finishes with a member graded 不合格, or an appeal
changes a grade to 不合格, the branch gets a 待办 to register the 处置 (due in DISPOSAL_DECIDE_DAYS),
closed when it is registered or when an appeal changes the grade away from 不合格."""

import datetime as dt

import pytest

from dangjian.appraisal import actions, rules
from dangjian.appraisal.choices import Grade
from dangjian.inbox.models import InboxItem
from dangjian.testing import make_user

from .conftest import YEAR

FINISHED = dt.date(YEAR, 12, 20)


def _finish(tree, grades: dict[int, str]):
    """A's appraisal to the end, the members graded by position in ``grades`` (others 合格)."""
    appraisal = actions.appraisal_start(acting_user=tree.secretary_a, org=tree.a, year=YEAR)
    for _ in range(3):
        appraisal = actions.appraisal_advance(acting_user=tree.secretary_a, appraisal=appraisal)
    people = list(appraisal.people.order_by("id"))
    for n, person in enumerate(people):
        actions.person_update(acting_user=tree.secretary_a, person=person, grade=grades.get(n, Grade.QUALIFIED))
    actions.appraisal_advance(acting_user=tree.secretary_a, appraisal=appraisal, today=FINISHED)
    return people


def _prompt(person):
    return InboxItem.objects.filter(key=f"appraisal.disposal_needed:{person.pk}").first()


def test_finishing_with_an_unqualified_member_asks_the_branch_for_the_disposal(tree):
    people = _finish(tree, {0: Grade.UNQUALIFIED, 1: Grade.BASIC})
    prompt = _prompt(people[0])
    assert prompt.org_id == tree.a.pk and prompt.done_at is None
    assert prompt.due_on == FINISHED + dt.timedelta(days=rules.DISPOSAL_DECIDE_DAYS)
    assert _prompt(people[1]) is None and _prompt(people[2]) is None  # 基本合格, 合格: nothing to decide
    person = people[0]
    person.refresh_from_db()
    actions.disposal_create(
        acting_user=tree.secretary_a,
        person=person,
        kind="rectify",
        due_on=FINISHED + dt.timedelta(days=90),
        today=FINISHED,
    )
    assert _prompt(person).done_at is not None  # registered: the prompt is closed, the 处置 itself is tracked
    assert InboxItem.objects.filter(key__startswith="appraisal.disposal:", done_at=None).count() == 1


@pytest.fixture
def appealed(tree):
    people = _finish(tree, {0: Grade.BASIC, 1: Grade.UNQUALIFIED})
    town = make_user("town1_reviewer", org=tree.town1, role="superior_admin")
    appeals = []
    for n in (0, 1):
        member = tree.members["a"][n]
        member.user = make_user(f"member_a{n}_appeal")
        member.save()
        appeals.append(actions.appeal_file(acting_user=member.user, person=people[n], text="请求复查"))
    return town, people, appeals


def test_an_appeal_changing_the_grade_starts_or_ends_the_prompt(appealed):
    town, people, (to_unqualified, from_unqualified) = appealed
    assert _prompt(people[0]) is None and _prompt(people[1]).done_at is None
    for appeal, grade in ((to_unqualified, Grade.UNQUALIFIED), (from_unqualified, Grade.BASIC)):
        actions.appeal_answer(
            acting_user=town,
            appeal=appeal,
            outcome="changed",
            grade=grade,
            response="经复查，改变评定等次",
            today=FINISHED,
        )
    assert _prompt(people[0]).done_at is None
    assert _prompt(people[0]).due_on == FINISHED + dt.timedelta(days=rules.DISPOSAL_DECIDE_DAYS)
    prompt = _prompt(people[1])
    assert prompt.done_at is not None and "申诉" in prompt.done_note


def test_an_appeal_kept_changes_nothing(appealed):
    town, people, (_, from_unqualified) = appealed
    actions.appeal_answer(acting_user=town, appeal=from_unqualified, outcome="kept", response="测评属实")
    assert _prompt(people[1]).done_at is None


def test_home_page_counts_open_and_overdue_disposals(tree, client):
    from dangjian.appraisal.models import DisposalRecord
    from dangjian.testing import DEFAULT_PASSWORD

    people = _finish(tree, {0: Grade.UNQUALIFIED, 1: Grade.UNQUALIFIED})
    for n, days in ((0, 90), (1, 10)):
        person = people[n]
        person.refresh_from_db()
        actions.disposal_create(acting_user=tree.secretary_a, person=person, kind="rectify",
                                due_on=FINISHED + dt.timedelta(days=days), today=FINISHED)
    DisposalRecord.objects.filter(person=people[1]).update(due_on=dt.date.today() - dt.timedelta(days=1))
    assert client.login(username=tree.secretary_a.username, password=DEFAULT_PASSWORD)
    html = client.get("/").content.decode()
    assert "组织处置未办结 2" in html and "已过期限 1" in html
