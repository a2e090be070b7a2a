"""The lifecycle rules with plain data: no database."""

import datetime as dt

import pytest

from dangjian.core import documents
from dangjian.worklists import rules
from dangjian.worklists.choices import Recurrence, State, Transition

OWNER = rules.ActorFacts(can_change_org=True, can_change_parent=False, holds_position_in_org=True)
SUPERIOR = rules.ActorFacts(can_change_org=True, can_change_parent=True, holds_position_in_org=False)
# The county admin who also sits in the owning branch: still an owner, may not approve.
SUPERIOR_AND_OWNER = rules.ActorFacts(can_change_org=True, can_change_parent=True, holds_position_in_org=True)
OTHER_BRANCH = rules.ActorFacts(can_change_org=False, can_change_parent=False, holds_position_in_org=False)
READER_ABOVE = rules.ActorFacts(can_change_org=False, can_change_parent=False, holds_position_in_org=False)

REQUESTED = rules.ItemFacts(state=State.REQUESTED, evidence_count=1)


def test_level_above_may_approve():
    assert rules.transition_error(Transition.APPROVE, REQUESTED, SUPERIOR) is None


@pytest.mark.parametrize("actor", [OWNER, SUPERIOR_AND_OWNER])
def test_owner_may_not_approve(actor):
    refusal = rules.transition_error(Transition.APPROVE, REQUESTED, actor)
    assert refusal.field == "rights" and "上级" in refusal.message


def test_unrelated_branch_may_not_approve_or_claim():
    assert rules.transition_error(Transition.APPROVE, REQUESTED, OTHER_BRANCH).field == "rights"
    pending = rules.ItemFacts(state=State.PENDING)
    assert rules.transition_error(Transition.CLAIM, pending, OTHER_BRANCH).field == "rights"


def test_top_organisation_item_cannot_be_approved_inside_platform():
    item = rules.ItemFacts(state=State.REQUESTED, evidence_count=1, is_root_org=True)
    assert rules.transition_error(Transition.APPROVE, item, SUPERIOR).field == "rights"


def test_submit_needs_evidence():
    no_evidence = rules.ItemFacts(state=State.IN_PROGRESS, evidence_count=0)
    refusal = rules.transition_error(Transition.SUBMIT, no_evidence, OWNER)
    assert refusal.field == "evidence" and "佐证" in refusal.message
    with_evidence = rules.ItemFacts(state=State.IN_PROGRESS, evidence_count=2)
    assert rules.transition_error(Transition.SUBMIT, with_evidence, OWNER) is None


def test_reject_needs_reason():
    assert rules.transition_error(Transition.REJECT, REQUESTED, SUPERIOR, reason="  ").field == "reason"
    assert rules.transition_error(Transition.REJECT, REQUESTED, SUPERIOR, reason="佐证不足") is None


def test_reopen_by_review_only_when_due_and_with_reason():
    today = dt.date(2026, 6, 1)
    closed = rules.ItemFacts(state=State.CLOSED, evidence_count=1, review_due_on=dt.date(2026, 6, 10))
    assert rules.transition_error(Transition.REOPEN, closed, SUPERIOR, reason="反弹", today=today).field == "review"
    due = rules.ItemFacts(state=State.CLOSED, evidence_count=1, review_due_on=dt.date(2026, 5, 30))
    assert rules.transition_error(Transition.REOPEN, due, SUPERIOR, reason="", today=today).field == "reason"
    assert rules.transition_error(Transition.REOPEN, due, SUPERIOR, reason="问题反弹", today=today) is None
    assert rules.transition_error(Transition.REOPEN, due, OWNER, reason="问题反弹", today=today).field == "rights"
    assert rules.transition_error(Transition.REVIEW_PASS, due, SUPERIOR, today=today) is None


def test_wrong_state_is_refused():
    pending = rules.ItemFacts(state=State.PENDING)
    assert rules.transition_error(Transition.SUBMIT, pending, OWNER).field == "state"
    assert rules.transition_error(Transition.APPROVE, pending, SUPERIOR).field == "state"
    assert rules.transition_error("fly", pending, OWNER).field == "state"


def test_allowed_transitions():
    assert rules.allowed_transitions(rules.ItemFacts(state=State.PENDING), OWNER) == [Transition.CLAIM]
    assert set(rules.allowed_transitions(REQUESTED, SUPERIOR)) == {Transition.APPROVE, Transition.REJECT}
    assert rules.allowed_transitions(REQUESTED, OWNER) == []


def test_overdue_and_due_soon():
    today = dt.date(2026, 6, 15)
    assert rules.is_overdue(dt.date(2026, 6, 14), State.IN_PROGRESS, today)
    assert not rules.is_overdue(dt.date(2026, 6, 14), State.CLOSED, today)
    assert not rules.is_overdue(None, State.PENDING, today)
    assert rules.is_due_soon(dt.date(2026, 6, 22), State.PENDING, today)
    assert not rules.is_due_soon(dt.date(2026, 6, 23), State.PENDING, today)
    assert rules.days_overdue(dt.date(2026, 6, 10), today) == 5


@pytest.mark.parametrize(("recurrence", "end"), [
    (Recurrence.MONTHLY, dt.date(2026, 2, 28)), (Recurrence.QUARTERLY, dt.date(2026, 3, 31)),
    (Recurrence.HALF_YEARLY, dt.date(2026, 6, 30)), (Recurrence.YEARLY, dt.date(2026, 12, 31)),
    (Recurrence.NONE, None),
])
def test_period_end(recurrence, end):
    assert rules.period_end(recurrence, dt.date(2026, 2, 10)) == end


@pytest.mark.parametrize(("text", "expected"), [
    ("6月底前", dt.date(2026, 6, 30)), ("年底前", dt.date(2026, 12, 31)), ("3月底前", dt.date(2027, 3, 31)),
    ("2026年9月30日前", dt.date(2026, 9, 30)), ("十月中旬", dt.date(2026, 10, 20)), ("第三季度", dt.date(2026, 9, 30)),
    ("上半年", dt.date(2026, 6, 30)), ("6月15日前", dt.date(2026, 6, 15)), ("尽快", None), (None, None),
])
def test_deadline_from_text(text, expected):
    assert rules.deadline_from_text(text, dt.date(2026, 4, 20)) == expected


def test_title_and_close_rate():
    assert rules.title_from_text("要严格落实三会一课制度。每月召开支委会。") == "要严格落实三会一课制度"
    assert len(rules.title_from_text("字" * 100)) == 60
    assert rules.close_rate(1, 3) == 33.3 and rules.close_rate(0, 0) is None


def test_evidence_sniffing():
    assert documents.sniff_file_type(b"%PDF-1.7\n") == "pdf"
    assert documents.sniff_file_type(b"\xff\xd8\xff\xe0") == "jpg"
    assert documents.sniff_file_type(b"\x89PNG\r\n\x1a\n") == "png"
    assert documents.sniff_file_type(b"PK\x03\x04", ["word/document.xml"]) == "docx"
    assert documents.sniff_file_type(b"PK\x03\x04", ["xl/workbook.xml"]) == "xlsx"
    assert documents.sniff_file_type(b"PK\x03\x04", ["evil.exe"]) is None
    assert documents.sniff_file_type(b"MZ\x90\x00") is None
    assert "过大" in documents.document_error(documents.MAX_DOCUMENT_BYTES + 1, "pdf")
    assert documents.document_error(0, "pdf") == "文件为空"
    assert documents.document_error(10, None).startswith("只接受")
