"""Actions against the database: the rules applied to real users and positions, steps and history."""

import datetime as dt
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from dangjian.core.errors import ActionDenied, VersionConflict
from dangjian.core.history import history_of
from dangjian.testing import make_user
from dangjian.worklists import actions
from dangjian.worklists.choices import EventKind, Recurrence, State
from dangjian.worklists.models import Step, WorkItem
from dangjian.worklists.testing import work_to

pytestmark = pytest.mark.django_db


def _requested(item, user, today):
    item = actions.item_claim(acting_user=user, item=item, today=today)
    return actions.item_submit(acting_user=user, item=item, evidence_text="已召开专题组织生活会", today=today)


def test_full_lifecycle_owner_submits_level_above_approves(tree, items, today):
    item = _requested(items["a"], tree.secretary_a, today)
    assert item.state == State.REQUESTED
    with pytest.raises(ActionDenied):
        actions.item_approve(acting_user=tree.secretary_a, item=item, today=today)
    closed = actions.item_approve(acting_user=tree.county_admin, item=item, today=today)
    assert closed.state == State.CLOSED and closed.closed_on == today
    assert closed.review_due_on == today + dt.timedelta(days=90)
    kinds = list(Step.objects.filter(item=item).values_list("kind", flat=True))
    assert kinds == [EventKind.CREATE, EventKind.CLAIM, EventKind.EVIDENCE, EventKind.SUBMIT, EventKind.APPROVE]
    approve = Step.objects.get(item=item, kind=EventKind.APPROVE)
    assert approve.actor == tree.county_admin and approve.from_state == State.REQUESTED
    assert {"worklist_claim", "worklist_submit", "worklist_approve"} <= {h.action for h in history_of(item)}


def test_town_approves_branch_item_but_not_its_own(tree, items, today):
    town_admin = make_user("town1_admin", org=tree.town1, role="superior_admin")
    item = _requested(items["a"], tree.secretary_a, today)
    assert actions.item_approve(acting_user=town_admin, item=item, today=today).state == State.CLOSED
    own = _requested(items["town1"], town_admin, today)
    with pytest.raises(ActionDenied):
        actions.item_approve(acting_user=town_admin, item=own, today=today)
    assert actions.item_approve(acting_user=tree.county_admin, item=own, today=today).state == State.CLOSED


def test_unrelated_branch_and_reader_cannot_act(tree, items, today):
    item = _requested(items["a"], tree.secretary_a, today)
    for user in (tree.secretary_b, tree.reader_town1):
        with pytest.raises(ActionDenied):
            actions.item_approve(acting_user=user, item=item, today=today)
        with pytest.raises(ActionDenied):
            actions.item_reject(acting_user=user, item=item, reason="x", today=today)
    with pytest.raises(ActionDenied):
        actions.item_claim(acting_user=tree.secretary_b, item=items["c"], today=today)
    with pytest.raises(ActionDenied):
        actions.progress_add(acting_user=tree.secretary_b, item=items["a"], text="越权")
    assert WorkItem.objects.get(pk=item.pk).state == State.REQUESTED


def test_submit_without_evidence_is_refused(tree, items, today):
    item = actions.item_claim(acting_user=tree.secretary_a, item=items["a"], today=today)
    with pytest.raises(ValidationError) as exc:
        actions.item_submit(acting_user=tree.secretary_a, item=item, today=today)
    assert "佐证" in str(exc.value)
    assert WorkItem.objects.get(pk=item.pk).state == State.IN_PROGRESS


def test_reject_needs_reason_and_returns_to_work(tree, items, today):
    item = _requested(items["a"], tree.secretary_a, today)
    with pytest.raises(ValidationError):
        actions.item_reject(acting_user=tree.county_admin, item=item, reason=" ", today=today)
    back = actions.item_reject(acting_user=tree.county_admin, item=item, reason="佐证材料不足", today=today)
    assert back.state == State.IN_PROGRESS
    assert Step.objects.get(item=item, kind=EventKind.REJECT).note == "佐证材料不足"


def test_review_reopens_after_interval(tree, items, today):
    item = _requested(items["a"], tree.secretary_a, today)
    item = actions.item_approve(acting_user=tree.county_admin, item=item, today=today)
    with pytest.raises(ValidationError):
        actions.item_review(acting_user=tree.county_admin, item=item, reopen=True, reason="反弹", today=today)
    later = today + dt.timedelta(days=90)
    with pytest.raises(ActionDenied):
        actions.item_review(acting_user=tree.secretary_a, item=item, reopen=True, reason="反弹", today=later)
    reopened = actions.item_review(acting_user=tree.county_admin, item=item, reopen=True, reason="问题反弹",
                                   today=later)
    assert reopened.state == State.IN_PROGRESS and reopened.closed_on is None and reopened.reviewed_on == later


def test_review_pass_clears_the_reminder(tree, items, today):
    item = work_to(items["b"], State.CLOSED, today=today)
    later = today + dt.timedelta(days=100)
    passed = actions.item_review(acting_user=tree.county_admin, item=item, reopen=False, today=later)
    assert passed.state == State.CLOSED and passed.review_due_on is None and passed.reviewed_on == later


def test_stale_version_is_a_conflict(tree, items, today):
    item = items["a"]
    actions.item_claim(acting_user=tree.secretary_a, item=item, expected_version=item.version, today=today)
    with pytest.raises(VersionConflict):
        actions.item_update(acting_user=tree.secretary_a, item=item, expected_version=item.version, title="新")
    with pytest.raises(VersionConflict):
        actions.item_claim(acting_user=tree.secretary_a, item=item, expected_version=item.version, today=today)


def test_update_records_changes_and_measures(tree, items):
    item = actions.item_update(acting_user=tree.secretary_a, item=items["a"], expected_version=1,
                               title="新标题", measures=["措施一", "措施二", "措施三"])
    assert item.version == 2 and list(item.measures.values_list("text", flat=True)) == ["措施一", "措施二", "措施三"]
    record = history_of(item).filter(action="worklist_update").get()
    assert record.after["title"] == "新标题" and record.after["measures"][2] == "措施三"


def test_create_checks_scope_and_fields(tree, today):
    with pytest.raises(ActionDenied):
        actions.item_create(acting_user=tree.secretary_a, org=tree.b, kind="task", title="越权")
    with pytest.raises(ValidationError):
        actions.item_create(acting_user=tree.secretary_a, org=tree.a, kind="task", title=" ")
    with pytest.raises(ActionDenied):
        actions.item_create(acting_user=tree.secretary_a, org=tree.a, kind="task", title="x", orgs=[tree.b])
    item = actions.item_create(acting_user=tree.secretary_a, org=tree.a, kind="responsibility", title="每季度党课",
                               recurrence=Recurrence.QUARTERLY, today=today)
    assert item.deadline == dt.date(2026, 6, 30) and set(item.orgs.all()) == {tree.a}


def _docx_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.mark.parametrize(("name", "content", "ok"), [
    ("会议记录.pdf", b"%PDF-1.4\n%...", True),
    ("现场.jpg", b"\xff\xd8\xff\xe0" + b"0" * 100, True),
    ("截图.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100, True),
    ("报告.docx", _docx_bytes(), True),
    ("伪装.pdf", b"MZ\x90\x00 this is an exe", False),
    ("空.pdf", b"", False),
])
def test_evidence_file_checked_by_content(tree, items, name, content, ok):
    upload = SimpleUploadedFile(name, content)
    if ok:
        evidence = actions.evidence_add(acting_user=tree.secretary_a, item=items["a"], upload=upload)
        assert evidence.file_type and evidence.file.read() == content
    else:
        with pytest.raises(ValidationError):
            actions.evidence_add(acting_user=tree.secretary_a, item=items["a"], upload=upload)


def test_evidence_size_limit(tree, items, monkeypatch):
    from dangjian.core import documents

    monkeypatch.setattr(documents, "MAX_DOCUMENT_BYTES", 1000)
    with pytest.raises(ValidationError, match="过大"):
        actions.evidence_add(acting_user=tree.secretary_a, item=items["a"],
                             upload=SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * 2000))


def test_progress_forms_a_timeline(tree, items):
    actions.progress_add(acting_user=tree.secretary_a, item=items["a"], text="已制定方案")
    actions.progress_add(acting_user=tree.secretary_a, item=items["a"], text="已完成一半")
    item = WorkItem.objects.get(pk=items["a"].pk)
    assert item.progress_note == "已完成一半"
    assert list(item.progress.values_list("text", flat=True)) == ["已完成一半", "已制定方案"]
    with pytest.raises(ValidationError):
        actions.progress_add(acting_user=tree.secretary_a, item=items["a"], text=" ")


def test_draft_creation_is_all_or_nothing(tree, today):
    drafts = [
        {"kind": "task", "text": "严格落实三会一课制度。", "org": tree.a, "deadline": dt.date(2026, 12, 31)},
        {"kind": "problem", "text": "越权的一条", "org": tree.b},
    ]
    with pytest.raises(ActionDenied):
        actions.items_create_from_draft(acting_user=tree.secretary_a, document_org=tree.a, title="讲话",
                                        text="全文", drafts=drafts, today=today)
    assert not WorkItem.objects.exists()
    document, created = actions.items_create_from_draft(acting_user=tree.secretary_a, document_org=tree.a,
                                                        title="讲话", text="全文", drafts=drafts[:1], today=today)
    assert created[0].document == document and created[0].source == "speech"
    assert created[0].title == "严格落实三会一课制度"


def test_recurring_item_continues_after_closing(tree, today):
    item = actions.item_create(acting_user=tree.secretary_a, org=tree.a, kind="responsibility", title="每季度讲党课",
                               recurrence=Recurrence.QUARTERLY, measures=["书记讲党课"], today=today)
    assert item.deadline == dt.date(2026, 6, 30)
    item = work_to(item, State.CLOSED, today=today)
    following = WorkItem.objects.exclude(pk=item.pk).get(title="每季度讲党课")
    assert following.state == State.PENDING and following.deadline == dt.date(2026, 9, 30)
    assert list(following.measures.values_list("text", flat=True)) == ["书记讲党课"]
    assert "自动生成本期事项" in Step.objects.get(item=following).note
