from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from dangjian.apikit import InputSchema, Page


class IndicatorOut(Schema):
    id: int
    position: int
    group: str
    name: str
    method: str
    code: str
    weight: Decimal
    deduct: Decimal


class SchemeOut(Schema):
    id: int
    name: str
    year: int
    org_id: int
    org_kinds: list[str]
    bands: list
    gate_percent: int | None
    top_share: int | None
    backward: dict
    state: str
    version: int
    computed_at: dt.datetime | None


class RollupRow(Schema):
    name: str
    count: int
    average: Decimal | None
    grades: dict[str, int]


class SchemeDetail(SchemeOut):
    indicators: list[IndicatorOut]
    rollup: list[RollupRow] = []
    indicator_averages: dict[int, Decimal | None] = {}
    quota_warning: str | None = None


class SchemeCreate(InputSchema):
    org: int
    year: int
    name: str = ""
    org_kinds: list[str] = []
    preset: str = "four"


class VersionIn(InputSchema):
    version: int | None = None


class ScoreOut(Schema):
    id: int
    indicator_id: int
    indicator: str
    weight: Decimal
    value: Decimal | None
    points: Decimal | None
    reason: str
    claim: str
    claim_points: Decimal | None = None
    evidence_name: str = ""


class GradeOut(Schema):
    id: int
    org_id: int
    org_name: str
    year: int
    stage: str
    score: Decimal | None
    suggested: str
    grade: str
    satisfaction: Decimal | None
    publicity_start: dt.date | None
    reported_on: dt.date | None
    version: int


class PublicityOut(GradeOut):
    publicity_end: dt.date | None = Field(description="公示截止日（第 5 个工作日）")
    objection_count: int


class GradeDetail(GradeOut):
    scores: list[ScoreOut]


class GradePage(Page):
    items: list[GradeOut]


class SurveyIn(InputSchema):
    satisfied: int
    basic: int
    unsatisfied: int
    version: int | None = None


class RateIn(InputSchema):
    grade_name: str
    note: str = ""
    version: int | None = None


class PublicizeIn(InputSchema):
    start: dt.date
    version: int | None = None


class CandidateOut(Schema):
    id: int
    org_id: int
    org_name: str
    year: int
    reasons: list[str]
    state: str
    item_id: int | None
    deadline: dt.date | None


class ConfirmIn(InputSchema):
    months: int = 6
    note: str = ""


class IndicatorIn(InputSchema):
    group: str = ""
    name: str
    method: str = Field("entered", description="computed 平台计算 / entered 填报评分")
    code: str = Field("", description="平台计算指标的规则代码（见方案页面的可选代码）")
    weight: Decimal
    deduct: Decimal = Decimal(0)
    note: str = ""


class IndicatorsIn(InputSchema):
    indicators: list[IndicatorIn]
    version: int | None = None


class BackwardIn(InputSchema):
    vacant_months: int | None = Field(None, description="书记空缺超过几个月（1–24），null 不启用")
    compliance_below: int | None = Field(None, description="组织生活落实率低于百分之几（1–100），null 不启用")
    lowest_grade: bool = True
    structure_warnings: bool = True


class SettingsIn(InputSchema):
    """只改提交了的字段；`gate_percent`、`top_share` 提交 null 表示不设。"""

    name: str | None = None
    bands: list[tuple[str, int]] | None = Field(None, description="[[等次名称, 分数下限], …]，从高到低，最低一档为 0")
    gate_percent: int | None = None
    top_share: int | None = None
    backward: BackwardIn | None = Field(None, description="后进/软弱涣散自动提示规则（整体替换）")
    version: int | None = None


class EvidenceOut(Schema):
    label: str
    detail: str
    url_name: str
    pk: int | None


class ClaimIn(InputSchema):
    claim: str
    claim_points: Decimal | None = None


class SelfIn(InputSchema):
    summary: str
    version: int | None = None


class PointsIn(InputSchema):
    points: Decimal


class ObjectionIn(InputSchema):
    text: str
    raised_by: str = ""
    received_on: dt.date | None = None
    response: str = ""


class ObjectionOut(Schema):
    id: int
    grade_id: int
    text: str
    raised_by: str
    received_on: dt.date
    response: str


class AnswerIn(InputSchema):
    response: str


class AmendIn(InputSchema):
    reason: str
    indicator_id: int | None = Field(None, description="更正某项得分时填指标编号和 points；更正等次时填 grade_name")
    points: Decimal | None = None
    grade_name: str = ""


class NoteIn(InputSchema):
    note: str = ""


class ComputedChoiceOut(Schema):
    code: str
    label: str
