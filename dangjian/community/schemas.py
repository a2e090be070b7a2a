"""Input and output shapes of the 双报到 API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from dangjian.apikit import DbId, InputSchema, Page, choices_doc

from .choices import Rating, ReportKind


class ReportIn(InputSchema):
    member: DbId = Field(description="党员 id（您可修改其所在支部）")
    community: DbId = Field(description="报到的村（社区）党组织 id")
    kind: ReportKind | None = Field(None, description=choices_doc("报到类型（不填按人员类别确定）", ReportKind.choices))
    reported_on: dt.date | None = None
    note: str = Field("", max_length=200)


class DecisionIn(InputSchema):
    accept: bool = Field(description="true 接收 / 确认，false 不接收 / 不予确认")
    note: str = Field("", max_length=200, description="不接收或不予确认时必填原因")
    version: int = Field(ge=1, description="读取时的版本号")


class ReportOut(Schema):
    id: int
    member_id: int
    member_name: str = Field(alias="member.name")
    community_id: int
    kind: str
    reported_on: dt.date
    status: str
    decision_note: str
    version: int


class ReportPage(Page):
    items: list[ReportOut]


class NeedIn(InputSchema):
    title: str = Field(min_length=1, max_length=100)
    description: str = ""
    starts_on: dt.date
    ends_on: dt.date | None = None
    places: int | None = Field(None, ge=1, le=999)


class NeedOut(Schema):
    id: int
    community_id: int
    title: str
    description: str
    starts_on: dt.date
    ends_on: dt.date | None
    places: int | None
    is_open: bool


class RecordIn(InputSchema):
    report: DbId = Field(description="报到 id")
    served_on: dt.date
    hours: Decimal = Field(gt=0, max_digits=4, decimal_places=1, description="时长（小时），0.5 小时为单位")
    what: str = Field(min_length=1, max_length=200)
    need: DbId | None = Field(None, description="对应的社区需求 id")


class RecordOut(Schema):
    id: int
    report_id: int
    need_id: int | None
    served_on: dt.date
    hours: Decimal
    what: str
    status: str
    reject_reason: str
    version: int


class RecordPage(Page):
    items: list[RecordOut]


class FeedbackIn(InputSchema):
    report: DbId = Field(description="报到 id")
    year: int = Field(ge=2000, le=2100)
    rating: Rating = Field(description=choices_doc("评价", Rating.choices))
    comment: str = Field("", max_length=500)
    version: int | None = Field(None, ge=1, description="修改已填写的反馈时必填：读取时的版本号")


class FeedbackOut(Schema):
    id: int
    member_id: int
    community_id: int
    year: int
    rating: str
    comment: str
    version: int


class RateRow(Schema):
    org_id: int
    name: str
    should: int = Field(description="应报到党员")
    reported: int = Field(description="已被社区接收的应报到党员")
    rate: Decimal | None = Field(description="报到率（%）")
    rate_in_service: Decimal | None
    rate_retired: Decimal | None
    reporters: int = Field(description="已报到党员（含不在应报到范围内的）")
    hours: Decimal = Field(description="社区已确认的服务小时")
    hours_met: int = Field(description="服务时长达到年度要求的人数")
    feedback: int = Field(description="收到社区年度反馈的人数")
