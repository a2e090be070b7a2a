from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Schema

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
