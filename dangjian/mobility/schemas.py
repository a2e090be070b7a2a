"""Input and output shapes of the 流动党员 API."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from dangjian.apikit import DbId, InputSchema, Page, choices_doc

from .choices import OutflowStatus, ReportKind, ReportMethod


class OutflowIn(InputSchema):
    member: DbId = Field(description="党员 id")
    place: str = Field(min_length=1, max_length=200, description="外出地点")
    reason: str = Field("", max_length=200)
    left_on: dt.date
    expected_until: dt.date | None = None
    contact: str = Field("", max_length=100)
    receiving_org: DbId | None = Field(None, description="流入地党组织 id（本系统内）")
    receiving_org_text: str = Field("", max_length=200, description="流入地党组织名称（系统外）")
    note: str = Field("", max_length=200)


class OutflowUpdate(OutflowIn):
    member: DbId | None = Field(None, description="不可修改，忽略")
    version: int = Field(ge=1, description="读取时的版本号")


class OutflowClose(InputSchema):
    status: OutflowStatus = Field(description=choices_doc("结果（不能为外出中）", OutflowStatus.choices))
    on: dt.date
    note: str = Field("", max_length=200)
    version: int = Field(ge=1)


class OutflowOut(Schema):
    id: int
    member_id: int
    org_id: int
    place: str
    reason: str
    left_on: dt.date
    expected_until: dt.date | None
    contact: str
    receiving_org_id: int | None
    receiving_org_text: str
    status: str
    closed_on: dt.date | None
    version: int


class OutflowPage(Page):
    items: list[OutflowOut]


class ReportIn(InputSchema):
    reported_on: dt.date
    kind: ReportKind = Field(ReportKind.YEARLY, description=choices_doc("类型", ReportKind.choices))
    method: ReportMethod = Field(description=choices_doc("方式", ReportMethod.choices))
    content: str = Field(min_length=1, max_length=2000)


class ReportOut(Schema):
    id: int
    outflow_id: int
    reported_on: dt.date
    kind: str
    method: str
    content: str
    source: str


class CardIn(InputSchema):
    number: str = Field(min_length=1, max_length=50)
    issued_on: dt.date
    expires_on: dt.date


class CardOut(Schema):
    id: int
    outflow_id: int
    number: str
    issued_on: dt.date
    expires_on: dt.date


class InflowIn(InputSchema):
    org: DbId = Field(description="参加活动的本地党组织 id")
    name: str = Field("", max_length=50)
    member: DbId | None = Field(None, description="党员 id（本系统内，可不填）")
    origin_org: str = Field(min_length=1, max_length=200)
    origin_place: str = Field(min_length=1, max_length=100)
    home_contact: str = Field("", max_length=100)
    phone: str = Field("", max_length=50)
    arrived_on: dt.date


class InflowOut(Schema):
    id: int
    name: str
    origin_org: str
    origin_place: str
    home_contact: str
    arrived_on: dt.date
    org_id: int
    member_id: int | None
    status: str
    left_on: dt.date | None
    version: int


class InflowPage(Page):
    items: list[InflowOut]


class SummaryRow(Schema):
    org_id: int
    org_name: str
    away: int
    lost: int
    returned: int
    transferred: int
    report_overdue: int
    transfer_due: int
    silent: int = Field(description="疑似失联（外出中且超过规定期限无报告或联系）")
    card_expiring: int
    card_expired: int
    inflows: int
    suggestions: int = Field(description="建议成立临时或流动党员党支部的处数")
