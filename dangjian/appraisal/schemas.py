"""Shapes of the appraisal API."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.urls import reverse
from ninja import Field, Schema

from dangjian.apikit import MAX_ID, DbId, InputSchema, OrgRef, Page, choices_doc

from .choices import AppealOutcome, Disposal, EntryState, Exclusion, Grade, PointsCategory, Rating, Stage

MAX_VOTES = 100_000  # a count of people: far above any branch or meeting, inside the database's integers
STAGE_DOC = choices_doc("环节", Stage.choices)
GRADE_DOC = choices_doc("评定等次", Grade.choices) + "；空字符串表示未评定"
EXCLUSION_DOC = choices_doc("不参加评议的情形", Exclusion.choices) + "；空字符串表示参加评议"


class YearQuery(Schema):
    org: int | None = Field(None, ge=1, le=MAX_ID, description="党组织 id（默认为您管辖范围的顶层组织）")
    year: int | None = Field(None, ge=2000, le=2100, description="年度（默认今年）")


class DisposalOut(Schema):
    id: int
    kind: str = Field(description=choices_doc("处置方式", Disposal.choices))
    due_on: dt.date
    note: str
    done_on: dt.date | None
    done_note: str
    version: int


class PersonOut(Schema):
    id: int
    member_id: int
    name: str
    exclusion: str = Field(description=EXCLUSION_DOC)
    exclusion_note: str
    self_review: str
    peer_done: bool
    excellent_votes: int
    qualified_votes: int
    basic_votes: int
    unqualified_votes: int
    grade: str = Field(description=GRADE_DOC)
    version: int
    disposal: DisposalOut | None = None

    @staticmethod
    def resolve_disposal(obj):
        return getattr(obj, "disposal", None)


class AppraisalOut(Schema):
    id: int
    org: OrgRef
    year: int
    stage: str = Field(description=STAGE_DOC)
    meeting_id: int | None
    voters: int | None
    finished_on: dt.date | None
    version: int


class AppraisalDetail(AppraisalOut):
    people: list[PersonOut]
    warnings: list[str] = Field(description="提示（如评为优秀的超过三分之一），不阻止提交")

    @staticmethod
    def resolve_people(obj):
        return list(obj.people.select_related("disposal").order_by("id"))

    @staticmethod
    def resolve_warnings(obj):
        return getattr(obj, "warnings", [])


class AppraisalPage(Page):
    items: list[AppraisalOut]


class AppraisalIn(InputSchema):
    org: DbId = Field(description="党支部 id")
    year: int = Field(ge=2000, le=2100)
    meeting: DbId | None = Field(None, description="民主评议党员会议 id（组织生活中登记的会议）")


class AppraisalPatch(InputSchema):
    version: int
    meeting: DbId | None = None
    voters: int | None = Field(None, ge=0, le=MAX_VOTES)


class VersionIn(InputSchema):
    version: int


class PersonPatch(InputSchema):
    version: int
    exclusion: Exclusion | None = Field(None, description=EXCLUSION_DOC)
    exclusion_note: str | None = Field(None, max_length=200)
    self_review: str | None = Field(None, max_length=5000)
    peer_done: bool | None = None
    excellent_votes: int | None = Field(None, ge=0, le=MAX_VOTES)
    qualified_votes: int | None = Field(None, ge=0, le=MAX_VOTES)
    basic_votes: int | None = Field(None, ge=0, le=MAX_VOTES)
    unqualified_votes: int | None = Field(None, ge=0, le=MAX_VOTES)
    grade: Grade | None = Field(None, description=GRADE_DOC)


class DisposalIn(InputSchema):
    kind: Disposal
    due_on: dt.date = Field(ge=dt.date(2000, 1, 1), le=dt.date(2100, 12, 31))
    note: str = Field("", max_length=500)


class DisposalDoneIn(InputSchema):
    version: int
    done_note: str = Field(max_length=500)


class OverviewRow(Schema):
    org: OrgRef
    branches: int
    started: int
    done: int
    excellent: int
    qualified: int
    basic: int
    unqualified: int
    pending: int
    excluded: int
    warning: str | None


class OverviewOut(Schema):
    year: int
    total: OverviewRow
    rows: list[OverviewRow]


class RoundOut(Schema):
    id: int
    org: OrgRef
    year: int
    title: str
    good_share: int
    fair_share: int
    poor_share: int
    voting: bool = Field(description="账号投票是否进行中")
    voters: int = Field(description="已用账号投票的人数（不记名）")
    version: int


class ProblemOut(Schema):
    id: int
    text: str
    item_id: int | None


class EntryOut(Schema):
    id: int
    org: OrgRef
    member_id: int | None
    secretary_name: str
    report_name: str
    good: int
    fairly_good: int
    average: int
    poor: int
    voted_good: int = Field(description="账号投票：好（good 至 poor 为录入的票数，结果按两者合计）")
    voted_fairly_good: int
    voted_average: int
    voted_poor: int
    result: str = Field(description=choices_doc("评议结果", Rating.choices) + "；空字符串表示尚无票数")
    result_reason: str
    version: int
    problems: list[ProblemOut]

    @staticmethod
    def resolve_problems(obj):
        return list(obj.problems.all())


class RoundDetail(RoundOut):
    entries: list[EntryOut]

    @staticmethod
    def resolve_entries(obj):
        return list(obj.entries.select_related("org").prefetch_related("problems"))


class RoundPage(Page):
    items: list[RoundOut]


class RoundIn(InputSchema):
    org: DbId = Field(description="组织单位 id：评议其直属下级党组织的书记")
    year: int = Field(ge=2000, le=2100)
    title: str = Field("", max_length=200)
    good_share: int = Field(60, ge=1, le=100)
    fair_share: int = Field(70, ge=1, le=100)
    poor_share: int = Field(30, ge=1, le=100)


class TallyIn(InputSchema):
    version: int
    good: int = Field(ge=0, le=MAX_VOTES)
    fairly_good: int = Field(ge=0, le=MAX_VOTES)
    average: int = Field(ge=0, le=MAX_VOTES)
    poor: int = Field(ge=0, le=MAX_VOTES)


class VotingIn(InputSchema):
    version: int
    voting: bool = Field(description="true 开始账号投票，false 结束")


class RoundBallotIn(InputSchema):
    choices: dict[int, Rating] = Field(description="书记述职编号（entries 的 id）→ 评议意见")


class RoundBallotOut(Schema):
    round_id: int
    voters: int = Field(description="已用账号投票的人数")


class BallotEntry(Schema):
    id: int
    org: OrgRef
    secretary_name: str


class RoundBallotSheet(Schema):
    round_id: int
    title: str
    voting: bool
    voted: bool
    entries: list[BallotEntry] = Field(description="您需要评议的书记（不含空缺岗位、本人和本人任职党组织的书记）")


class ProblemIn(InputSchema):
    text: str = Field(max_length=300)


class ItemRef(Schema):
    id: int
    title: str


class RuleOut(Schema):
    id: int
    org: OrgRef
    category: str = Field(description=choices_doc("类别", PointsCategory.choices))
    name: str
    description: str
    points: int
    cap_month: int | None
    cap_year: int | None
    active: bool
    version: int


class RuleIn(InputSchema):
    org: DbId
    category: PointsCategory
    name: str = Field(max_length=100)
    description: str = Field("", max_length=300)
    points: int = Field(0, ge=-100, le=100)
    cap_month: int | None = Field(None, ge=1, le=10_000)
    cap_year: int | None = Field(None, ge=1, le=10_000)


class SourceRuleOut(Schema):
    id: int
    org: OrgRef
    year: int
    source: str = Field(description="计分依据（平台登记的数量，如 community_hours：社区确认的双报到服务时长）")
    per: float = Field(description="每满多少（小时等）")
    points: int = Field(description="每满一次计的分")
    cap: int = Field(description="每年上限")
    active: bool
    version: int


class SourceRuleIn(InputSchema):
    org: DbId
    year: int = Field(ge=2000, le=2100)
    source: str = Field(max_length=30)
    per: float = Field(ge=0.5, le=1000)
    points: int = Field(ge=1, le=100)
    cap: int = Field(ge=1, le=10_000)
    active: bool = True
    version: int | None = Field(None, description="修改已有规则时的版本号")


class PointsOut(Schema):
    id: int
    member_id: int
    member_name: str = Field(alias="member.name")
    org: OrgRef
    rule_id: int | None
    on: dt.date
    points: int
    reason: str
    origin: str
    state: str = Field(description=choices_doc("状态", EntryState.choices))
    evidence_text: str
    evidence_name: str = Field(description="佐证文件名（空字符串表示没有文件）")
    evidence_url: str | None = Field(description="佐证文件的下载地址（下载记入审计日志）；没有文件时为 null")
    decision_note: str
    version: int

    @staticmethod
    def resolve_evidence_url(obj):
        return reverse("appraisal:points_evidence", args=[obj.pk]) if obj.evidence_file else None


class PointsPage(Page):
    items: list[PointsOut]


class PointsQuery(YearQuery):
    state: EntryState | None = None


class ClaimIn(InputSchema):
    member: DbId
    rule: DbId
    on: dt.date = Field(ge=dt.date(2000, 1, 1), le=dt.date(2100, 12, 31))
    reason: str = Field(max_length=300)
    evidence_text: str = Field(max_length=500, description="佐证说明（必填；文件另用 POST /points/{id}/evidence 上传）")


class DecisionIn(InputSchema):
    version: int
    approve: bool
    note: str = Field("", max_length=300)


class GenerateIn(InputSchema):
    org: DbId
    start: dt.date = Field(ge=dt.date(2000, 1, 1), le=dt.date(2100, 12, 31))
    end: dt.date = Field(ge=dt.date(2000, 1, 1), le=dt.date(2100, 12, 31))


class GenerateOut(Schema):
    created: int


class LedgerLine(Schema):
    id: int
    on: dt.date
    rule: str
    reason: str
    points: int
    counted: int
    state: str
    note: str


class LedgerOut(Schema):
    year: int
    total: int
    vetoed_by: str | None
    entries: list[LedgerLine]
    results: list[dict]


class RankingRow(Schema):
    member_id: int
    name: str
    org_name: str
    total: int
    vetoed_by: str | None


class SettingIn(InputSchema):
    rankings: bool = Field(description="是否开启积分排名")


class SettingOut(Schema):
    org_id: int
    rankings: bool


class BallotIn(InputSchema):
    choices: dict[int, Grade] = Field(description="参评党员编号（people 的 id）→ 测评意见")


class BallotOut(Schema):
    appraisal_id: int
    voters: int = Field(description="已参加测评的人数")


class AppealIn(InputSchema):
    text: str = Field(description="申诉理由")


class AppealAnswerIn(InputSchema):
    outcome: AppealOutcome
    response: str = Field(description="复查意见")
    grade: Grade | Literal[""] = Field("", description="改变评定等次时的新等次")
    version: int | None = None


class AppealOut(Schema):
    id: int
    person_id: int
    text: str
    filed_on: dt.date
    outcome: str = Field(description=choices_doc("复查结论", AppealOutcome.choices) + "；空字符串表示待复查")
    response: str
    answered_on: dt.date | None
    version: int
