"""Shapes of the 发展党员 API."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from dangjian.apikit import DbId, InputSchema, OrgRef, Page, choices_doc

from .choices import CaseStatus, Outcome, Stage

STAGE_DOC = "阶段：" + "；".join(f"{v} {label}" for v, label in Stage.choices)


class FlagOut(Schema):
    code: str = Field(description="规则代码")
    step: int = Field(description="所涉步骤")
    reason: str = Field(description="原因（中文）")
    source: str = Field(description="依据")
    blocking: bool = Field(description="是否阻止登记")


class CaseOut(Schema):
    id: int
    name: str
    gender: str
    id_number_masked: str = Field(description="公民身份号码（遮蔽）")
    birth_date: dt.date
    org: OrgRef
    applied_on: dt.date
    edition: str = Field(description="适用的细则版本（按递交申请日期选择）")
    stage: int = Field(description=STAGE_DOC)
    current_step: int
    status: str = Field(description=choices_doc("状态", CaseStatus.choices))
    next_due_on: dt.date | None
    next_due_label: str
    flag_count: int
    flags: list[FlagOut]
    member_id: int | None = Field(description="接收为预备党员后的党员档案 id")
    version: int


class CasePage(Page):
    items: list[CaseOut]


class CaseCreate(InputSchema):
    org: DbId | None = Field(None, description="所在党支部 id")
    org_code: str | None = Field(None, max_length=50, description="或组织代码")
    name: str = Field(max_length=50)
    id_number: str = Field(max_length=18, description="公民身份号码")
    applied_on: dt.date = Field(description="递交入党申请书日期")
    work_unit: str = Field("", max_length=200)


class StepIn(InputSchema):
    version: int = Field(description="读取时的版本；不同则 409")
    step: int = Field(ge=1, le=25, description="步骤 1–25")
    done_on: dt.date
    persons: list[DbId] = Field(default_factory=list, max_length=2,
                                description="相关党员 id（谈话人、培养联系人、入党介绍人）")
    person_names: str = Field("", max_length=200)
    meeting: DbId | None = Field(None, description="组织生活会议记录 id（支委会、支部党员大会）")
    voting_expected: int | None = Field(None, ge=0)
    voting_present: int | None = Field(None, ge=0)
    votes_for: int | None = Field(None, ge=0)
    individually: bool = True
    training_days: float = Field(0, ge=0, le=999)
    training_hours: float = Field(0, ge=0, le=9999)
    publicity_start: dt.date | None = None
    publicity_end: dt.date | None = None
    approver: DbId | None = Field(None, description="审批单位（党委）id")
    outcome: str = Field("", description=choices_doc("结果", Outcome.choices))
    extension_months: int = Field(0, ge=0, le=24)
    reason: str = Field("", max_length=500)


class StepOut(Schema):
    id: int
    step: int
    done_on: dt.date
    person_names: str
    meeting_id: int | None
    voting_expected: int | None
    voting_present: int | None
    votes_for: int | None
    outcome: str
    extension_months: int
    reason: str


class StepResult(Schema):
    step: StepOut
    flags: list[FlagOut] = Field(description="记录后整个案卷的规则提示（含本步骤的）")
    case: CaseOut


class StageCount(Schema):
    stage: int
    label: str
    count: int


class PipelineOut(Schema):
    org: OrgRef | None
    total: int
    due_in_30_days: int
    overdue: int
    flagged: int
    stages: list[StageCount]
