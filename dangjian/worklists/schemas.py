"""Shapes of the 三单 API."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from dangjian.apikit import MAX_ID, DbId, InputSchema, OrgRef, Page, choices_doc

from .choices import EventKind, Kind, Priority, Recurrence, Source, State

KIND_DOC = choices_doc("类别", Kind.choices)
SOURCE_DOC = choices_doc("来源", Source.choices)
STATE_DOC = choices_doc("状态", State.choices)
RECURRENCE_DOC = choices_doc("周期", Recurrence.choices) + "；空字符串表示不重复"
PRIORITY_DOC = "优先级：1 高；2 中；3 低"
RecurrenceValue = Literal["", "monthly", "quarterly", "half-yearly", "yearly"]


class ItemFilters(Schema):
    scope: Literal["mine", "org", "all"] = Field("all", description="`mine` 我的事项；`org` 本组织；`all` 全部下辖")
    q: str = Field("", max_length=100, description="事项、内容或责任人包含此文字")
    kind: Kind | None = Field(None, description=KIND_DOC)
    state: State | None = Field(None, description=STATE_DOC)
    source: Source | None = Field(None, description=SOURCE_DOC)
    priority: int | None = Field(None, ge=1, le=3, description=PRIORITY_DOC)
    org: int | None = Field(None, description="党组织 id：该组织及其全部下级的事项")
    overdue: bool = Field(False, description="只列超期事项")
    due_soon: bool = Field(False, description="只列 7 日内到期的事项")
    review_due: bool = Field(False, description="只列回头看已到期的已销号事项")
    document: int | None = Field(None, ge=1, le=MAX_ID, description="来源文件 id")


class MeasureOut(Schema):
    id: int
    position: int
    text: str
    done: bool


class ItemOut(Schema):
    id: int
    kind: str = Field(description=KIND_DOC)
    source: str = Field(description=SOURCE_DOC)
    title: str = Field(description="事项")
    org: OrgRef = Field(description="牵头责任单位（决定查看和办理范围）")
    person_names: str = Field(description="责任人")
    deadline: dt.date | None = Field(description="完成时限")
    recurrence: str = Field(description=RECURRENCE_DOC)
    priority: int = Field(description=PRIORITY_DOC)
    state: str = Field(description=STATE_DOC)
    state_label: str
    overdue: bool = Field(description="是否超期（按完成时限计算）")
    progress_note: str = Field(description="最新进展")
    closed_on: dt.date | None = Field(description="销号日期")
    review_due_on: dt.date | None = Field(description="回头看日期")
    version: int = Field(description="版本号：修改和办理时原样提交，用于检查并发修改")
    updated_at: dt.datetime

    @staticmethod
    def resolve_state_label(obj) -> str:
        return obj.get_state_display()

    @staticmethod
    def resolve_overdue(obj) -> bool:
        from django.utils import timezone

        from .rules import is_overdue

        return is_overdue(obj.deadline, obj.state, timezone.localdate())


class ItemDetail(ItemOut):
    description: str
    symptoms: str = Field(description="问题表现")
    causes: str = Field(description="原因分析")
    co_owners: str = Field(description="协同责任单位/人")
    leader: str = Field(description="分管领导")
    review_interval_days: int = Field(description="回头看间隔（天）")
    document_id: int | None = Field(description="来源文件 id")
    orgs: list[OrgRef] = Field(description="全部责任单位")
    measures: list[MeasureOut] = Field(description="整改措施")
    persons: list[int] = Field(description="责任人（平台用户 id）")
    evidence_count: int = Field(description="佐证材料数")

    @staticmethod
    def resolve_orgs(obj):
        return list(obj.orgs.all())

    @staticmethod
    def resolve_persons(obj):
        return list(obj.persons.values_list("pk", flat=True))

    @staticmethod
    def resolve_measures(obj):
        return list(obj.measures.all())

    @staticmethod
    def resolve_evidence_count(obj) -> int:
        return obj.evidence.count()


class ItemPage(Page):
    items: list[ItemOut]


class _ItemFields(InputSchema):
    source: Source = Field(Source.OTHER, description=SOURCE_DOC)
    description: str = Field("", max_length=20000, description="具体内容")
    symptoms: str = Field("", max_length=20000, description="问题表现（问题类）")
    causes: str = Field("", max_length=20000, description="原因分析（问题类）")
    measures: list[str] = Field(default_factory=list, max_length=100, description="整改措施，每项一条")
    orgs: list[DbId] = Field(default_factory=list, max_length=100, description="其他责任单位 id")
    persons: list[DbId] = Field(default_factory=list, max_length=100, description="责任人（平台用户 id）")
    person_names: str = Field("", max_length=300, description="责任人")
    co_owners: str = Field("", max_length=300, description="协同责任单位/人")
    leader: str = Field("", max_length=100, description="分管领导")
    deadline: dt.date | None = Field(None, description="完成时限，YYYY-MM-DD")
    recurrence: RecurrenceValue = Field("", description=RECURRENCE_DOC)
    priority: int = Field(Priority.NORMAL, ge=1, le=3, description=PRIORITY_DOC)
    review_interval_days: int = Field(90, ge=1, le=3650, description="回头看间隔（天）")


class ItemCreate(_ItemFields):
    org: int | None = Field(None, description="牵头责任单位 id（与 org_code 二选一）")
    org_code: str | None = Field(None, max_length=50, description="牵头责任单位代码")
    kind: Kind = Field(description=KIND_DOC)
    title: str = Field(min_length=1, max_length=300, description="事项")


class ItemPatch(InputSchema):
    version: int = Field(ge=1, description="读取时的版本号；已被他人修改时返回 409")
    kind: Kind | None = None
    source: Source | None = None
    title: str | None = Field(None, min_length=1, max_length=300)
    description: str | None = Field(None, max_length=20000)
    symptoms: str | None = Field(None, max_length=20000)
    causes: str | None = Field(None, max_length=20000)
    measures: list[str] | None = Field(None, max_length=100)
    orgs: list[DbId] | None = Field(None, max_length=100)
    persons: list[DbId] | None = Field(None, max_length=100)
    person_names: str | None = Field(None, max_length=300)
    co_owners: str | None = Field(None, max_length=300)
    leader: str | None = Field(None, max_length=100)
    deadline: dt.date | None = None
    recurrence: RecurrenceValue | None = None
    priority: int | None = Field(None, ge=1, le=3)
    review_interval_days: int | None = Field(None, ge=1, le=3650)


class TransitionIn(InputSchema):
    version: int | None = Field(None, ge=1, description="读取时的版本号；提交后若事项已被他人办理返回 409")
    reason: str = Field("", max_length=1000, description="原因或意见；退回整改、重新整改时必填")


class SubmitIn(InputSchema):
    version: int | None = Field(None, ge=1, description="读取时的版本号")
    evidence_text: str = Field("", max_length=2000, description="佐证说明；已上传佐证文件时可不填")
    note: str = Field("", max_length=1000, description="申请说明")


class ReviewIn(InputSchema):
    version: int | None = Field(None, ge=1, description="读取时的版本号")
    outcome: Literal["pass", "reopen"] = Field(description="`pass` 回头看通过；`reopen` 重新整改")
    reason: str = Field("", max_length=1000, description="意见；重新整改时必填")


class ProgressIn(InputSchema):
    text: str = Field(min_length=1, max_length=2000, description="进展情况")


class ProgressOut(Schema):
    id: int
    text: str
    author_name: str
    created_at: dt.datetime


class EvidenceOut(Schema):
    id: int
    text: str
    file_name: str
    file_type: str
    file_size: int
    created_at: dt.datetime


class StepOut(Schema):
    id: int
    kind: str = Field(description=choices_doc("操作", EventKind.choices))
    kind_label: str
    from_state: str
    to_state: str
    actor_name: str
    actor_org: str
    note: str
    at: dt.datetime

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return obj.get_kind_display()


class RollupOut(Schema):
    org_id: int
    name: str
    level: int
    total: int
    closed: int
    requested: int
    overdue: int
    close_rate: float | None = Field(description="销号率（%），没有事项时为 null")


class DecomposeIn(InputSchema):
    text: str = Field(min_length=1, max_length=500_000, description="文件全文")
