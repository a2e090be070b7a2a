"""Writes to the lists: keyword-only, atomic, taking ``acting_user``. Each validates through the
pure rules, locks the item, bumps its version, and writes a ``Step`` row plus a history record."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone

from dangjian.accounts.models import Position
from dangjian.core.actors import SYSTEM, actor_name, user_or_none
from dangjian.core.documents import inspect_document
from dangjian.core.errors import ActionDenied, VersionConflict
from dangjian.core.history import audited_transaction, diff, record_change
from dangjian.core.scoping import CHANGE, allows, require
from dangjian.core.tree import parent_path

from . import feeds, rules
from .choices import EventKind, Kind, Priority, Recurrence, Source, State, Transition
from .models import Evidence, Measure, ProgressUpdate, SourceDocument, Step, WorkItem

EDITABLE_FIELDS = [
    "kind", "source", "title", "description", "symptoms", "causes", "person_names", "co_owners", "leader",
    "deadline", "recurrence", "priority", "review_interval_days",
]
TEXT_LIMITS = {"title": 300, "person_names": 300, "co_owners": 300, "leader": 100,
               "description": 5_000, "symptoms": 5_000, "causes": 5_000}
MEASURE_LIMIT, MAX_MEASURES = 1_000, 100  # one measure is a sentence or a paragraph, not a document


def item_snapshot(item: WorkItem) -> dict:
    data = {f: getattr(item, f) for f in EDITABLE_FIELDS}
    data["deadline"] = item.deadline.isoformat() if item.deadline else None
    data["org"] = item.org.code if item.org_id else None
    data["state"] = item.state
    return data


def actor_facts(user, org) -> rules.ActorFacts:
    """What the rules need to know about ``user`` and the owning organisation ``org``."""
    if user is SYSTEM:  # the system itself (demo, commands)
        return rules.ActorFacts(can_change_org=True, can_change_parent=True, holds_position_in_org=False)
    parent = parent_path(org.path)
    return rules.ActorFacts(
        can_change_org=allows(user, CHANGE, org),
        can_change_parent=bool(parent) and allows(user, CHANGE, parent),
        holds_position_in_org=Position.objects.filter(user=user, org=org).exists(),
    )


def item_facts(item: WorkItem) -> rules.ItemFacts:
    return rules.ItemFacts(
        state=item.state, evidence_count=item.evidence.count(), is_root_org=item.org.parent_id is None,
        review_due_on=item.review_due_on,
    )


def _step(item: WorkItem, user, kind: str, *, before: str = "", after: str = "", note: str = "") -> Step:
    org_name = ""
    if user is not SYSTEM:
        org_name = "、".join(
            p.org.display_name for p in Position.objects.filter(user=user).select_related("org")
            if item.org.path.startswith(p.org.path)
        )[:200]
    return Step.objects.create(item=item, kind=kind, from_state=before, to_state=after, actor=user_or_none(user),
                               actor_name=actor_name(user), actor_org=org_name, note=note)


def _lock(item: WorkItem) -> WorkItem:
    return WorkItem.objects.select_for_update().select_related("org").get(pk=item.pk)


def _check_version(locked: WorkItem, expected: int | None, submitted: dict) -> None:
    if expected is not None and locked.version != expected:
        raise VersionConflict("该事项已被他人修改或办理，请刷新后重新操作",
                              current={**item_snapshot(locked), "version": locked.version},
                              submitted={**submitted, "version": expected})


def _clean_text(fields: dict) -> None:
    errors = {}
    for name, limit in TEXT_LIMITS.items():
        value = fields.get(name)
        if value is not None and len(str(value)) > limit:
            errors[name] = f"最多 {limit} 个字（现为 {len(str(value))} 个字）"
    if "title" in fields and not str(fields["title"] or "").strip():
        errors["title"] = "事项不能为空"
    if "kind" in fields and fields["kind"] not in Kind.values:
        errors["kind"] = "类别应为问题、任务或责任"
    if "source" in fields and fields["source"] not in Source.values:
        errors["source"] = "来源不是可选值"
    if "recurrence" in fields and (fields["recurrence"] or "") not in Recurrence.values:
        errors["recurrence"] = "周期应为每月、每季度、每半年或每年"
    if "priority" in fields and fields["priority"] not in Priority.values:
        errors["priority"] = "优先级应为高、中或低"
    interval = fields.get("review_interval_days")
    if interval is not None and not 1 <= int(interval) <= 3650:
        errors["review_interval_days"] = "回头看间隔应在 1 至 3650 天之间"
    if errors:
        raise ValidationError(errors)


def _check_measures(measures: Iterable[str] | None) -> None:
    texts = [m.strip() for m in measures or () if m and m.strip()]
    if len(texts) > MAX_MEASURES:
        raise ValidationError({"measures": f"整改措施最多 {MAX_MEASURES} 条（现为 {len(texts)} 条）"})
    for number, text in enumerate(texts, start=1):
        if len(text) > MEASURE_LIMIT:
            message = f"第 {number} 条整改措施最多 {MEASURE_LIMIT} 个字（现为 {len(text)} 个字）"
            raise ValidationError({"measures": message})


def _set_measures(item: WorkItem, measures: Iterable[str]) -> None:
    texts = [m.strip() for m in measures if m and m.strip()]
    item.measures.all().delete()
    Measure.objects.bulk_create([Measure(item=item, text=t, position=i) for i, t in enumerate(texts, start=1)])


def _set_orgs(user, item: WorkItem, orgs: Sequence) -> None:
    for org in orgs:
        require(user, CHANGE, org, message=f"无权把“{org.name}”列为责任单位")
    item.orgs.set({item.org, *orgs})


@audited_transaction()
def item_create(*, acting_user, org, kind: str, title: str, source: str = Source.OTHER, document=None,
                measures: Iterable[str] = (), orgs: Sequence = (), persons: Sequence = (),
                today: dt.date | None = None, **fields) -> WorkItem:
    """A new item owned by ``org``. A recurring item without a deadline is due at the end of the
    current period."""
    require(acting_user, CHANGE, org, message="无权为该党组织建立清单事项")
    fields = {k: v for k, v in fields.items() if k in EDITABLE_FIELDS}
    fields.update(kind=kind, title=(title or "").strip(), source=source)
    fields.setdefault("recurrence", "")
    fields.setdefault("priority", Priority.NORMAL)
    _clean_text(fields)
    _check_measures(measures)
    if fields["recurrence"] and not fields.get("deadline"):
        fields["deadline"] = rules.period_end(fields["recurrence"], today or timezone.localdate())
    item = WorkItem.objects.create(org=org, document=document, created_by=user_or_none(acting_user), **fields)
    _set_measures(item, measures)
    _set_orgs(acting_user, item, orgs)
    if persons:
        item.persons.set(persons)
    _step(item, acting_user, EventKind.CREATE, after=item.state)
    record_change(actor=acting_user, action="worklist_create", obj=item, after=item_snapshot(item))
    return item


@audited_transaction()
def item_update(*, acting_user, item: WorkItem, expected_version: int | None = None,
                measures: Iterable[str] | None = None, orgs: Sequence | None = None,
                persons: Sequence | None = None, **changes) -> WorkItem:
    locked = _lock(item)
    require(acting_user, CHANGE, locked.org, message="无权修改该事项")
    if locked.state == State.CLOSED:
        raise ValidationError({"state": "已销号的事项不能修改；如需继续整改，请由上级开展回头看重新整改"})
    _check_version(locked, expected_version, {k: str(v) for k, v in changes.items()})
    changes = {k: v for k, v in changes.items() if k in EDITABLE_FIELDS}
    _clean_text(changes)
    _check_measures(measures)
    before = item_snapshot(locked)
    before_measures = list(locked.measures.values_list("text", flat=True))
    for key, value in changes.items():
        setattr(locked, key, value)
    old, new = diff(before, item_snapshot(locked))
    if measures is not None:
        texts = [m.strip() for m in measures if m and m.strip()]
        if texts != before_measures:
            old["measures"], new["measures"] = before_measures, texts
            _set_measures(locked, texts)
    if orgs is not None:
        before_orgs = sorted(locked.orgs.values_list("code", flat=True))
        _set_orgs(acting_user, locked, orgs)
        after_orgs = sorted(locked.orgs.values_list("code", flat=True))
        if after_orgs != before_orgs:
            old["orgs"], new["orgs"] = before_orgs, after_orgs
    if persons is not None:
        before_persons = sorted(locked.persons.values_list("username", flat=True))
        locked.persons.set(persons)
        after_persons = sorted(u.username for u in persons)
        if after_persons != before_persons:
            old["persons"], new["persons"] = before_persons, after_persons
    if new:
        locked.version += 1
        locked.save()
        _step(locked, acting_user, EventKind.UPDATE, note="修改了" + "、".join(_field_label(k) for k in new))
        record_change(actor=acting_user, action="worklist_update", obj=locked, before=old, after=new)
    return locked


def _field_label(name: str) -> str:
    return "整改措施" if name == "measures" else str(WorkItem._meta.get_field(name).verbose_name)


@audited_transaction()
def item_transition(*, acting_user, item: WorkItem, transition: str, reason: str = "",
                    expected_version: int | None = None, today: dt.date | None = None) -> WorkItem:
    """Move ``item`` along the lifecycle. The rules decide; a refusal for want of rights is
    ActionDenied, a refusal for the item's own state (no evidence, no reason) a ValidationError."""
    today = today or timezone.localdate()
    locked = _lock(item)
    _check_version(locked, expected_version, {"transition": transition})
    actor = actor_facts(acting_user, locked.org)
    refusal = rules.transition_error(transition, item_facts(locked), actor, reason=reason, today=today)
    if refusal is not None:
        if refusal.field == "rights":
            raise ActionDenied(refusal.message)
        raise ValidationError({refusal.field: refusal.message})
    before, after = rules.TRANSITIONS[transition]
    locked.state = after
    if transition == Transition.APPROVE:
        locked.closed_on = today
        locked.review_due_on = rules.review_due(today, locked.review_interval_days)
        locked.reviewed_on = None
    elif transition == Transition.REVIEW_PASS:
        locked.reviewed_on = today
        locked.review_due_on = None
    elif transition == Transition.REOPEN:
        locked.closed_on = None
        locked.review_due_on = None
        locked.reviewed_on = today
    locked.version += 1
    locked.save()
    _step(locked, acting_user, transition, before=before, after=after, note=reason.strip())
    record_change(actor=acting_user, action=f"worklist_{transition}", obj=locked,
                  before={"state": before}, after={"state": after}, note=reason.strip())
    feeds.after_transition(locked, transition, reason)
    if transition == Transition.APPROVE and locked.recurrence:
        _next_occurrence(acting_user, locked)
    return locked


def _next_occurrence(acting_user, item: WorkItem) -> WorkItem:
    """A recurring item closed for its period continues as a new item due at the next period's end."""
    start = (item.deadline or timezone.localdate()) + dt.timedelta(days=1)
    following = WorkItem.objects.create(
        org=item.org, document=item.document, created_by=user_or_none(acting_user),
        deadline=rules.period_end(item.recurrence, start),
        **{f: getattr(item, f) for f in EDITABLE_FIELDS if f != "deadline"},
    )
    _set_measures(following, item.measures.values_list("text", flat=True))
    following.orgs.set(item.orgs.all())
    following.persons.set(item.persons.all())
    _step(following, acting_user, EventKind.CREATE, after=following.state,
          note=f"周期性事项：上期（截至 {item.deadline:%Y-%m-%d}）已销号，自动生成本期事项" if item.deadline else "")
    record_change(actor=acting_user, action="worklist_create", obj=following, after=item_snapshot(following),
                  note=f"由事项 {item.pk} 按周期生成")
    return following


def item_claim(*, acting_user, item, **kw):
    return item_transition(acting_user=acting_user, item=item, transition=Transition.CLAIM, **kw)


def item_approve(*, acting_user, item, **kw):
    return item_transition(acting_user=acting_user, item=item, transition=Transition.APPROVE, **kw)


def item_reject(*, acting_user, item, reason: str, **kw):
    return item_transition(acting_user=acting_user, item=item, transition=Transition.REJECT, reason=reason, **kw)


@audited_transaction()
def item_submit(*, acting_user, item: WorkItem, evidence_text: str = "", upload=None, note: str = "",
                expected_version: int | None = None, today: dt.date | None = None) -> WorkItem:
    """申请销号, adding the evidence given with the request (if any) first."""
    if evidence_text.strip() or upload is not None:
        evidence_add(acting_user=acting_user, item=item, text=evidence_text, upload=upload)
    return item_transition(acting_user=acting_user, item=item, transition=Transition.SUBMIT, reason=note,
                           expected_version=expected_version, today=today)


@audited_transaction()
def item_review(*, acting_user, item: WorkItem, reopen: bool, reason: str = "",
                expected_version: int | None = None, today: dt.date | None = None) -> WorkItem:
    """回头看: the level above checks a closed item again; it passes, or it is reopened with the reason."""
    return item_transition(acting_user=acting_user, item=item,
                           transition=Transition.REOPEN if reopen else Transition.REVIEW_PASS,
                           reason=reason, expected_version=expected_version, today=today)


@audited_transaction()
def evidence_add(*, acting_user, item: WorkItem, text: str = "", upload=None) -> Evidence:
    locked = _lock(item)
    require(acting_user, CHANGE, locked.org, message="无权为该事项上传佐证材料")
    if locked.state not in (State.IN_PROGRESS, State.PENDING):
        raise ValidationError({"state": f"事项当前为“{locked.get_state_display()}”，不能再补充佐证材料"})
    text = (text or "").strip()
    if not text and upload is None:
        raise ValidationError({"text": "请填写佐证说明或上传文件"})
    evidence = Evidence(item=locked, text=text, uploaded_by=user_or_none(acting_user))
    if upload is not None:
        file_type, content = inspect_document(upload)
        original = os.path.basename(getattr(upload, "name", "") or "file")[:200]
        evidence.file_name = original
        evidence.file_type = file_type
        evidence.file_size = len(content)
        evidence.file.save(f"{locked.pk}.{file_type}", ContentFile(content), save=False)
    evidence.save()
    _step(locked, acting_user, EventKind.EVIDENCE, note=evidence.file_name or text[:200])
    record_change(actor=acting_user, action="worklist_evidence", obj=locked,
                  after={"evidence": evidence.file_name or text[:100]})
    return evidence


@audited_transaction()
def progress_add(*, acting_user, item: WorkItem, text: str) -> ProgressUpdate:
    locked = _lock(item)
    require(acting_user, CHANGE, locked.org, message="无权报告该事项的进展")
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "进展情况不能为空"})
    if len(text) > 2000:
        raise ValidationError({"text": f"进展情况最多 2000 字（现为 {len(text)} 字）"})
    if locked.state == State.CLOSED:
        raise ValidationError({"state": "事项已销号，不能再报告进展"})
    update = ProgressUpdate.objects.create(item=locked, text=text, author=user_or_none(acting_user),
                                           author_name=actor_name(acting_user))
    locked.progress_note = text
    locked.save(update_fields=["progress_note", "updated_at"])
    _step(locked, acting_user, EventKind.PROGRESS, note=text[:500])
    record_change(actor=acting_user, action="worklist_progress", obj=locked, after={"progress": text[:200]})
    return update


@audited_transaction()
def document_create(*, acting_user, org, title: str, text: str = "", file_name: str = "") -> SourceDocument:
    require(acting_user, CHANGE, org, message="无权在该党组织登记来源文件")
    title = (title or "").strip()[:300] or "未命名文件"
    document = SourceDocument.objects.create(title=title, text=text, file_name=file_name[:255], org=org,
                                             created_by=user_or_none(acting_user))
    record_change(actor=acting_user, action="worklist_document", obj=document, after={"title": title})
    return document


@audited_transaction()
def items_create_from_draft(*, acting_user, document_org, title: str, text: str, file_name: str = "",
                            drafts: Sequence[dict], today: dt.date | None = None) -> tuple[SourceDocument, list]:
    """Create every reviewed draft item in one transaction, linked to a new SourceDocument. Each
    draft is a dict with kind, title (else taken from the text), text, measures, org (an Organization),
    deadline, recurrence, person_names and mechanisms. Any error leaves nothing behind."""
    if not drafts:
        raise ValidationError({"__all__": "没有要创建的事项"})
    document = document_create(acting_user=acting_user, org=document_org, title=title, text=text,
                               file_name=file_name)
    items = []
    for number, draft in enumerate(drafts, start=1):
        body = (draft.get("text") or "").strip()
        if not body:
            raise ValidationError({"__all__": f"第 {number} 条事项的内容为空"})
        try:
            items.append(item_create(
                acting_user=acting_user, org=draft["org"], kind=draft["kind"],
                title=(draft.get("title") or "").strip()[:300] or rules.title_from_text(body),
                description=body, source=Source.SPEECH, document=document, deadline=draft.get("deadline"),
                recurrence=draft.get("recurrence") or "", person_names=(draft.get("person_names") or "")[:300],
                measures=draft.get("measures") or [], today=today,
            ))
        except ValidationError as exc:
            messages = exc.messages
            raise ValidationError({"__all__": [f"第 {number} 条：{m}" for m in messages]})
    return document, items
