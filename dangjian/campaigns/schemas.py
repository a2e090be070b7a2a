"""Shapes of the campaigns API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from dangjian.apikit import DbId, InputSchema, OrgRef, Page, choices_doc
from dangjian.orgs.choices import OrgKind

from .choices import CampaignKind, CombineMethod, Role, Schedule

KIND_DOC = choices_doc("类型", CampaignKind.choices)
COMBINE_DOC = choices_doc("合成方法", CombineMethod.choices)
Score = Decimal


class SheetItemIn(InputSchema):
    title: str = Field(min_length=1, max_length=300, description="检查/评分项目")
    max_score: Decimal = Field(gt=0, le=1000, max_digits=6, decimal_places=2, description="满分")
    guidance: str = Field("", max_length=2000, description="评分说明")


class SheetItemOut(Schema):
    id: int
    position: int
    title: str
    max_score: Decimal
    guidance: str


class CampaignCreate(InputSchema):
    kind: CampaignKind = Field(description=KIND_DOC)
    title: str = Field(min_length=1, max_length=200)
    org: DbId = Field(description="组织单位 id（需有修改权限）")
    scope_org: DbId | None = Field(None, description="范围党组织 id（组织单位或其下级；空为组织单位）")
    starts_on: dt.date
    ends_on: dt.date
    schedule: Schedule = Field(Schedule.NONE, description=choices_doc("周期", Schedule.choices))
    sheet: list[SheetItemIn] = Field(min_length=1, max_length=100, description="评分表 / 检查清单")
    combine_method: CombineMethod = Field(CombineMethod.TRIMMED, description=COMBINE_DOC)
    trim_min_judges: int = Field(5, ge=3, le=50, description="评委不少于几人时去掉一个最高分和一个最低分")
    advanced_share: int = Field(30, ge=0, le=100, description="先进比例（%）")
    lagging_share: int = Field(10, ge=0, le=100, description="落后比例（%）")
    requirements: str = Field("", max_length=5000, description="整改要求")
    checks_centres: bool = Field(False, description="检查阵地：到访记录作为对象党组织阵地的最近检查")
    revisits: DbId | None = Field(None, description="整改回头看：回头看的督查 id")


class CampaignPatch(InputSchema):
    version: int = Field(ge=0, description="读取时的版本号")
    title: str | None = Field(None, min_length=1, max_length=200)
    ends_on: dt.date | None = None
    combine_method: CombineMethod | None = Field(None, description=COMBINE_DOC)
    trim_min_judges: int | None = Field(None, ge=3, le=50)
    advanced_share: int | None = Field(None, ge=0, le=100)
    lagging_share: int | None = Field(None, ge=0, le=100)
    requirements: str | None = Field(None, max_length=5000)


class TargetOut(Schema):
    id: int
    org: OrgRef
    stratum: str = Field(description="抽样层（乡镇/组织类型）")
    draw_order: int
    visited_at: dt.datetime | None = Field(description="到访时间（随机暗访在此之前对被检查单位隐藏）")


class CampaignOut(Schema):
    id: int
    kind: str = Field(description=KIND_DOC)
    title: str
    org: OrgRef = Field(description="组织单位")
    scope_org: OrgRef = Field(description="范围（含下级）")
    starts_on: dt.date
    ends_on: dt.date
    schedule: str
    target_method: str
    sample_size: int | None
    sample_seed: int | None
    combine_method: str
    trim_min_judges: int
    advanced_share: int
    lagging_share: int
    requirements: str
    checks_centres: bool = Field(description="检查阵地")
    closed: bool
    version: int


class CampaignPage(Page):
    items: list[CampaignOut]


class AccessOut(Schema):
    organiser: bool = Field(description="组织单位一方（可查看）")
    manager: bool = Field(description="可管理（对组织单位有修改权限）")
    roles: list[str] = Field(description="本活动授予的角色（督查人员 inspector、评委 judge），仅在活动期间有效")
    inspected: bool = Field(description="被检查单位一方")


class CampaignDetail(CampaignOut):
    access: AccessOut
    targets: list[TargetOut]
    sheet: list[SheetItemOut]


class SampleIn(InputSchema):
    size: int = Field(ge=1, le=5000, description="抽取数量")
    seed: int | None = Field(None, ge=0, le=10**15, description="随机种子；空则自动生成并记录")
    kinds: list[OrgKind] = Field(default_factory=list, description="组织类型；空为全部类型")


class KindsIn(InputSchema):
    kinds: list[OrgKind] = Field(min_length=1)


class ChosenIn(InputSchema):
    orgs: list[DbId] = Field(min_length=1, max_length=5000, description="党组织 id")


class CountOut(Schema):
    added: int


class CheckOut(Schema):
    ok: bool
    message: str


class GrantIn(InputSchema):
    username: str = Field(min_length=1, max_length=150)
    role: Role = Field(description=choices_doc("角色", Role.choices))
    home_org: DbId | None = Field(None, description="评委所在党组织 id（回避本单位）")


class GrantOut(Schema):
    id: int
    username: str
    role: str
    home_org: OrgRef | None
    revoked: bool


class FindingIn(InputSchema):
    sheet_item: DbId | None = None
    score: Decimal | None = Field(None, ge=0, le=1000, max_digits=6, decimal_places=2)
    text: str = Field("", max_length=5000)
    is_problem: bool = False
    deadline: dt.date | None = None


class FindingOut(Schema):
    id: int
    target: TargetOut
    sheet_item: str | None
    score: Decimal | None
    text: str
    is_problem: bool
    deadline: dt.date | None
    item: int | None = Field(description="问题清单事项 id")
    status: str = Field(description="整改状态：rectifying 整改中；closed 已销号；overdue 超期；空为未转问题清单")
    status_label: str
    inspector_name: str
    photos: int


class ToItemIn(InputSchema):
    deadline: dt.date | None = Field(None, description="整改时限（空则用发现中填写的）")


class RevisitIn(InputSchema):
    reopen: bool
    reason: str = Field("", max_length=5000)


class ScoresIn(InputSchema):
    scores: dict[int, Decimal] = Field(description="评分项目 id → 得分")


class RankOut(Schema):
    place: int
    target: TargetOut
    judges: int
    totals: list[Decimal]
    combined: Decimal | None
    grade: str
    grade_label: str


class ApplicationIn(InputSchema):
    org: DbId
    name: str = Field(min_length=1, max_length=200)
    description: str = Field(min_length=1, max_length=5000)


class ObjectionOut(Schema):
    id: int
    text: str
    raised_by: str
    received_on: dt.date
    answer: str
    answered_on: dt.date | None


class ApplicationOut(Schema):
    id: int
    campaign_id: int
    org: OrgRef
    name: str
    description: str
    state: str
    screening_note: str
    publicity_starts_on: dt.date | None
    publicity_ends_on: dt.date | None
    objections: list[ObjectionOut]


class StageIn(InputSchema):
    note: str = Field("", max_length=5000, description="初审意见或不予命名理由")
    starts_on: dt.date | None = Field(None, description="公示开始")
    ends_on: dt.date | None = Field(None, description="公示结束")
    text: str = Field("", max_length=5000, description="异议内容")
    raised_by: str = Field("", max_length=100)
    received_on: dt.date | None = None
    certificate_no: str = Field("", max_length=50, description="证书编号（命名）")


class AnswerIn(InputSchema):
    answer: str = Field(min_length=1, max_length=5000)


class ReviewOut(Schema):
    year: int
    kept: bool
    note: str
    reviewed_on: dt.date


class TitleOut(Schema):
    id: int
    org: OrgRef
    name: str
    campaign_id: int
    certificate_no: str
    named_on: dt.date
    state: str
    withdrawn_on: dt.date | None
    reviews: list[ReviewOut]


class TitlePage(Page):
    items: list[TitleOut]


class ReviewIn(InputSchema):
    year: int = Field(ge=2000, le=2100)
    kept: bool
    note: str = Field("", max_length=5000)
