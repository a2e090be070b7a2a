"""Input and output shapes of the 党费 API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from dangjian.apikit import DbId, InputSchema, Page, choices_doc

from .choices import DuesCategory, PaymentKind, PaymentMethod

MONTH_DOC = "月份，YYYY-MM-01（只看年和月）"


class BaseIn(InputSchema):
    member: DbId = Field(description="党员 id")
    category: DuesCategory = Field(description=choices_doc("党费类别", DuesCategory.choices))
    base: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2,
                                 description="基数（元）；农民为每月交纳金额，学生、下岗失业、低保可不填")
    effective_from: dt.date = Field(description="起始月份：新工资发放的当月，" + MONTH_DOC)
    note: str = Field("", max_length=200)
    version: int | None = Field(None, ge=1, description="修改同一起始月份的基数时必填：读取时的版本号")


class BaseOut(Schema):
    id: int
    member_id: int
    category: str
    base: Decimal | None
    monthly_amount: Decimal = Field(description="按规则计算的每月应交（元），四舍五入到分")
    rule_version: str
    effective_from: dt.date
    version: int


class PaymentIn(InputSchema):
    member: DbId = Field(description="党员 id")
    kind: PaymentKind = Field(PaymentKind.REGULAR, description=choices_doc("类型", PaymentKind.choices))
    month: dt.date = Field(description="所属月份，" + MONTH_DOC)
    amount: Decimal = Field(gt=0, max_digits=12, decimal_places=2, description="金额（元）")
    paid_on: dt.date
    received_by: str = Field(min_length=1, max_length=50, description="收款人")
    method: PaymentMethod = Field(PaymentMethod.CASH, description=choices_doc("方式", PaymentMethod.choices))
    note: str = Field("", max_length=200)
    version: int | None = Field(None, ge=1, description="修改该月已登记的交纳时必填：读取时的版本号")


class PaymentOut(Schema):
    id: int
    member_id: int
    org_id: int
    kind: str
    month: dt.date
    amount: Decimal
    expected: Decimal | None
    paid_on: dt.date
    received_by: str
    method: str
    is_late: bool = Field(description="补交超过 6 个月")
    to_centre: bool = Field(description="1,000 元以上的特殊党费，全额上缴中央")
    version: int


class PaymentPage(Page):
    items: list[PaymentOut]


class MonthLineIn(InputSchema):
    member: DbId
    paid: bool
    amount: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)
    method: PaymentMethod = PaymentMethod.CASH
    version: int | None = Field(None, ge=1, description="页面读取时该月已登记交纳的版本号；未登记时不填")
    note: str = Field("", max_length=200)


class MonthIn(InputSchema):
    month: dt.date = Field(description=MONTH_DOC)
    paid_on: dt.date
    received_by: str = Field(min_length=1, max_length=50)
    lines: list[MonthLineIn] = Field(max_length=500)


class MonthOut(Schema):
    created: int
    updated: int
    deleted: int


class ReconcileRow(Schema):
    org_id: int
    name: str
    level: int
    members: int
    no_base: int
    expected: Decimal
    paid: Decimal
    due_months: int
    paid_months: int
    rate: float | None = Field(description="收缴率（%），已交人月 ÷ 应交人月")
    behind: int
    voluntary: Decimal
    to_centre: Decimal
    handed_up: Decimal


class ArrearsRow(Schema):
    member_id: int
    name: str
    org_id: int
    months: list[dt.date] = Field(description="最近 12 个月中未交的月份")
    run: int = Field(description="到上月为止连续未交的月数")
    flagged: bool = Field(description="连续 6 个月以上未交纳：支部按党章规定处理（平台只提示）")
