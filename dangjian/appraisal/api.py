"""The appraisal API: the same reads and actions as the pages. Lookups go through ``restrict``: an id
outside the user's scope is 404; a refusal of rights is 403; a stale version 409; bad input 422."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile

from dangjian.accounts.queries import scope_root
from dangjian.apikit import WRITE_ERRORS, PageQuery, page_of, readable_or_404, responses, write_in_scope
from dangjian.core.errors import ActionDenied
from dangjian.core.scoping import VIEW
from dangjian.members.models import Member
from dangjian.members.queries import member_of
from dangjian.orglife.models import Meeting
from dangjian.orgs.models import Organization
from dangjian.orgs.queries import referenced_org

from . import actions, queries
from .choices import Grade, Stage
from .models import Appeal, AppraisalMember, DisposalRecord, PointsRule, ReportProblem
from .schemas import (
    AppealAnswerIn,
    AppealIn,
    AppealOut,
    AppraisalDetail,
    AppraisalIn,
    AppraisalPage,
    AppraisalPatch,
    BallotIn,
    BallotOut,
    ClaimIn,
    DecisionIn,
    DisposalDoneIn,
    DisposalIn,
    DisposalOut,
    EntryOut,
    GenerateIn,
    GenerateOut,
    ItemRef,
    LedgerOut,
    OverviewOut,
    PersonOut,
    PersonPatch,
    PointsOut,
    PointsPage,
    PointsQuery,
    ProblemIn,
    ProblemOut,
    RankingRow,
    RoundBallotIn,
    RoundBallotOut,
    RoundBallotSheet,
    RoundDetail,
    RoundIn,
    RoundPage,
    RuleIn,
    RuleOut,
    SettingIn,
    SettingOut,
    SourceRuleIn,
    SourceRuleOut,
    TallyIn,
    VersionIn,
    VotingIn,
    YearQuery,
)

router = Router(tags=["述职评议与民主评议"])


def _org_year(request, q: YearQuery) -> tuple[Organization, int]:
    org = referenced_org(request.user, pk=q.org, code=None, field="org") if q.org else scope_root(request.user)
    if org is None:
        raise Http404("您的账号没有可查看的党组织")
    return org, q.year or timezone.localdate().year


def _detail_out(appraisal):
    appraisal.warnings = queries.appraisal_warnings(appraisal)
    return appraisal


# -- 民主评议党员 ----------------------------------------------------------------------------------------

@router.get("/overview", response=responses(OverviewOut), summary="民主评议等次分布")
def overview(request, q: Query[YearQuery]):
    """该组织及其全部下级当年的民主评议等次分布（合计，以及每个直属下级组织）。"""
    org, year = _org_year(request, q)
    data = queries.overview(org, year)

    def row(r):
        return {"org": r.org, "branches": r.branches, "started": r.started, "done": r.done,
                **{g: r.grades[g] for g in Grade.values}, "pending": r.grades_pending, "excluded": r.excluded,
                "warning": r.warning}

    return {"year": year, "total": row(data.total), "rows": [row(r) for r in data.rows]}


@router.get("/reviews", response=responses(AppraisalPage), summary="民主评议党员列表")
def list_reviews(request, q: Query[YearQuery], page: Query[PageQuery]):
    qs = queries.appraisals_for(request.user)
    if q.org:
        qs = qs.filter(org__path__startswith=referenced_org(request.user, pk=q.org, code=None, field="org").path)
    if q.year:
        qs = qs.filter(year=q.year)
    return page_of(qs.order_by("-year", "org__path", "id"), page)


@router.post("/reviews", response=responses(AppraisalDetail, status=201, errors=WRITE_ERRORS),
             summary="开始民主评议党员")
def start_review(request, payload: AppraisalIn):
    """为一个党支部开始某年度的民主评议党员：列入该支部全部党籍正常的党员。"""
    org = referenced_org(request.user, pk=payload.org, code=None, field="org")
    meeting = _meeting(request, payload.meeting)
    appraisal = write_in_scope(request.user, queries.appraisals_for(request.user), lambda: actions.appraisal_start(
        acting_user=request.user, org=org, year=payload.year, meeting=meeting))
    return Status(201, _detail_out(appraisal))


def _meeting(request, pk):
    if pk is None:
        return None
    meeting = Meeting.objects.restrict(request.user, VIEW).filter(pk=pk).first()
    if meeting is None:
        raise ValidationError({"meeting": "会议不存在或不在您的管辖范围内"})
    return meeting


@router.get("/reviews/{int:pk}", response=responses(AppraisalDetail), summary="民主评议党员详情")
def get_review(request, pk: int):
    return _detail_out(readable_or_404(queries.appraisals_for(request.user), request.user, pk))


@router.patch("/reviews/{int:pk}", response=responses(AppraisalDetail, errors=WRITE_ERRORS),
              summary="修改民主评议（关联会议、测评人数）")
def update_review(request, pk: int, payload: AppraisalPatch):
    appraisal = readable_or_404(queries.appraisals_for(request.user), request.user, pk)
    meeting = _meeting(request, payload.meeting)
    appraisal = write_in_scope(request.user, queries.appraisals_for(request.user), lambda: actions.appraisal_update(
        acting_user=request.user, appraisal=appraisal, meeting=meeting, voters=payload.voters,
        expected_version=payload.version), pk=pk, expected_version=payload.version)
    return _detail_out(appraisal)


@router.post("/reviews/{int:pk}/advance", response=responses(AppraisalDetail, errors=WRITE_ERRORS),
             summary="进入下一环节")
def advance_review(request, pk: int, payload: VersionIn):
    """个人自评 → 党员互评 → 民主测评 → 组织评定 → 已完成。完成时每名参加评议的党员都须已评定等次。"""
    appraisal = readable_or_404(queries.appraisals_for(request.user), request.user, pk)
    appraisal = write_in_scope(request.user, queries.appraisals_for(request.user), lambda: actions.appraisal_advance(
        acting_user=request.user, appraisal=appraisal, expected_version=payload.version),
        pk=pk, expected_version=payload.version)
    return _detail_out(appraisal)


@router.patch("/people/{int:pk}", response=responses(PersonOut, errors=WRITE_ERRORS), summary="登记党员评议情况")
def update_person(request, pk: int, payload: PersonPatch):
    """只修改提交的字段；每个环节只能修改该环节的内容（个人自评、互评、测评票数、评定等次）。"""
    person = readable_or_404(queries.people_for(request.user), request.user, pk)
    changes = payload.dict(exclude_unset=True, exclude={"version"})
    return write_in_scope(request.user, queries.people_for(request.user), lambda: actions.person_update(
        acting_user=request.user, person=person, expected_version=payload.version, **changes),
        pk=pk, expected_version=payload.version)


@router.post("/people/{int:pk}/disposal", response=responses(DisposalOut, status=201, errors=WRITE_ERRORS),
             summary="登记组织处置")
def create_disposal(request, pk: int, payload: DisposalIn):
    """评为不合格的党员：限期改正、劝其退党或除名，期限到办结前在支部的待办中。"""
    person = readable_or_404(queries.people_for(request.user), request.user, pk)
    record = write_in_scope(request.user, DisposalRecord.objects.all(), lambda: actions.disposal_create(
        acting_user=request.user, person=person, **payload.dict()))
    return Status(201, record)


@router.post("/disposals/{int:pk}/done", response=responses(DisposalOut, errors=WRITE_ERRORS), summary="办结组织处置")
def finish_disposal(request, pk: int, payload: DisposalDoneIn):
    record = readable_or_404(DisposalRecord.objects.all(), request.user, pk)
    return write_in_scope(request.user, DisposalRecord.objects.all(), lambda: actions.disposal_done(
        acting_user=request.user, disposal=record, done_note=payload.done_note, expected_version=payload.version),
        pk=pk, expected_version=payload.version)


# -- 述职评议 --------------------------------------------------------------------------------------------

@router.get("/rounds", response=responses(RoundPage), summary="述职评议列表")
def list_rounds(request, page: Query[PageQuery]):
    return page_of(queries.rounds_for(request.user).order_by("-year", "org__path", "id"), page)


def _round_out(r):
    return r


@router.post("/rounds", response=responses(RoundDetail, status=201, errors=WRITE_ERRORS), summary="组织述职评议")
def create_round(request, payload: RoundIn):
    """为组织单位直属下级党组织的书记建立某年度的述职评议（按各组织本届委员会的书记）。"""
    org = referenced_org(request.user, pk=payload.org, code=None, field="org")
    fields = payload.dict(exclude={"org"})
    r = write_in_scope(request.user, queries.rounds_for(request.user), lambda: actions.round_create(
        acting_user=request.user, org=org, **fields))
    return Status(201, _round_out(r))


@router.get("/rounds/{int:pk}", response=responses(RoundDetail), summary="述职评议详情")
def get_round(request, pk: int):
    return _round_out(readable_or_404(queries.rounds_for(request.user), request.user, pk))


@router.post("/rounds/{int:pk}/voting", response=responses(RoundDetail, errors=WRITE_ERRORS),
             summary="开始或结束账号投票")
def set_voting(request, pk: int, payload: VotingIn):
    """由组织述职评议的党组织在评议会上开始、会后结束。"""
    r = readable_or_404(queries.rounds_for(request.user), request.user, pk)
    return write_in_scope(request.user, queries.rounds_for(request.user), lambda: actions.round_voting(
        acting_user=request.user, round=r, voting=payload.voting, expected_version=payload.version),
        pk=pk, expected_version=payload.version)


def _ballot_place(request, pk: int):
    place = queries.round_ballot_place(request.user, pk)
    if place is None:
        raise Http404("您不是本次述职评议的投票人")
    return place


@router.get("/rounds/{int:pk}/ballot", response=responses(RoundBallotSheet), summary="述职评议选票")
def round_ballot_sheet(request, pk: int):
    """在组织单位或被评议党组织任职的账号：需要评议的书记、是否已投票。"""
    r, orgs = _ballot_place(request, pk)
    return {"round_id": r.pk, "title": r.title, "voting": r.voting,
            "voted": r.ballots.filter(voter=request.user).exists(),
            "entries": list(queries.rateable_entries(request.user, r, orgs))}


@router.post("/rounds/{int:pk}/ballot", response=responses(RoundBallotOut, status=201, errors=WRITE_ERRORS),
             summary="述职评议投票（本人账号）")
def cast_round_ballot(request, pk: int, payload: RoundBallotIn):
    """对选票上的每一名书记选择 good / fairly_good / average / poor。不记名（只记录已投票），每个账号一次，
    投票后不能更改；只在账号投票进行中。"""
    r, _orgs = _ballot_place(request, pk)
    actions.round_ballot_cast(acting_user=request.user, round=r, choices=payload.choices)
    r.refresh_from_db()
    return Status(201, {"round_id": r.pk, "voters": r.voters})


@router.put("/entries/{int:pk}/tallies", response=responses(EntryOut, errors=WRITE_ERRORS), summary="录入评议票数")
def set_tallies(request, pk: int, payload: TallyIn):
    """由组织述职评议的党组织录入；被评议的党组织不能录入本组织书记的票数。"""
    entry = readable_or_404(queries.entries_for(request.user), request.user, pk)
    tallies = payload.dict(exclude={"version"})
    return write_in_scope(request.user, queries.entries_for(request.user), lambda: actions.entry_tally(
        acting_user=request.user, entry=entry, expected_version=payload.version, **tallies),
        pk=pk, expected_version=payload.version)


@router.post("/entries/{int:pk}/report", response=responses(EntryOut, errors=WRITE_ERRORS), summary="上传述职报告")
def upload_report(request, pk: int, file: File[UploadedFile]):
    """multipart/form-data：`file` 为 Word（.docx）或 PDF，按文件内容检查；由书记所在党组织上传。"""
    entry = readable_or_404(queries.entries_for(request.user), request.user, pk)
    return write_in_scope(request.user, queries.entries_for(request.user), lambda: actions.entry_report(
        acting_user=request.user, entry=entry, upload=file), pk=pk)


@router.post("/entries/{int:pk}/problems", response=responses(ProblemOut, status=201, errors=WRITE_ERRORS),
             summary="登记评议中指出的问题")
def add_problem(request, pk: int, payload: ProblemIn):
    entry = readable_or_404(queries.entries_for(request.user), request.user, pk)
    problem = write_in_scope(request.user, ReportProblem.objects.all(), lambda: actions.problem_add(
        acting_user=request.user, entry=entry, text=payload.text))
    return Status(201, problem)


@router.post("/problems/{int:pk}/item", response=responses(ItemRef, status=201, errors=WRITE_ERRORS),
             summary="问题列入问题清单")
def problem_item(request, pk: int):
    problem = readable_or_404(ReportProblem.objects.all(), request.user, pk)
    item = actions.problem_to_item(acting_user=request.user, problem=problem)
    return Status(201, item)


# -- 党员积分 --------------------------------------------------------------------------------------------

@router.get("/points", response=responses(PointsPage), summary="积分记录")
def list_points(request, q: Query[PointsQuery], page: Query[PageQuery]):
    org, year = _org_year(request, q)
    start, end = queries.year_bounds(year)
    qs = queries.points_for(request.user).filter(org__path__startswith=org.path, on__gte=start, on__lte=end)
    if q.state:
        qs = qs.filter(state=q.state)
    return page_of(qs.order_by("-on", "-id"), page)


@router.post("/points/claims", response=responses(PointsOut, status=201, errors=WRITE_ERRORS), summary="申报积分")
def claim_points(request, payload: ClaimIn):
    """党员本人或支部为党员申报，须有佐证，由党员所在支部审核。"""
    own = member_of(request.user)
    member = own if own is not None and own.pk == payload.member else \
        readable_or_404(Member.objects.all(), request.user, payload.member)
    rule = PointsRule.objects.filter(pk=payload.rule).first()
    if rule is None:
        raise ValidationError({"rule": "积分规则不存在"})
    entry = actions.entry_claim(acting_user=request.user, member=member, rule=rule, on=payload.on,
                                reason=payload.reason, evidence_text=payload.evidence_text)
    return Status(201, entry)


@router.post("/points/{int:pk}/evidence", response=responses(PointsOut, errors=WRITE_ERRORS),
             summary="上传申报佐证文件")
def upload_evidence(request, pk: int, file: File[UploadedFile], version: int | None = None):
    """multipart/form-data：`file` 为 PDF、JPEG/PNG、Word（.docx）或 Excel（.xlsx），按文件内容检查、限制大小；
    待审核的申报由申报人或党员所在支部上传，再次上传替换原文件。`version`（查询参数）可选，用于发现并发修改。"""
    entry = queries.evidence_readable(request.user, pk)
    if entry is None:
        raise Http404("未找到该积分记录")
    actions.entry_evidence(acting_user=request.user, entry=entry, upload=file, expected_version=version)
    entry.refresh_from_db()
    return entry


@router.post("/points/{int:pk}/decision", response=responses(PointsOut, errors=WRITE_ERRORS), summary="审核积分申报")
def decide_points(request, pk: int, payload: DecisionIn):
    entry = readable_or_404(queries.points_for(request.user), request.user, pk)
    return write_in_scope(request.user, queries.points_for(request.user), lambda: actions.entry_decide(
        acting_user=request.user, entry=entry, approve=payload.approve, note=payload.note,
        expected_version=payload.version), pk=pk, expected_version=payload.version)


@router.post("/points/generate", response=responses(GenerateOut, errors=WRITE_ERRORS), summary="生成平台记录的积分")
def generate_points(request, payload: GenerateIn):
    """按“参加组织生活”类规则，为该组织及其下级在期间内出席会议的党员生成积分，并按所涉年度的平台计算项目
    （如社区确认的服务时长）计算积分；重复运行不会重复生成，只更新变化的分值。"""
    org = referenced_org(request.user, pk=payload.org, code=None, field="org")
    return {"created": actions.points_generate(acting_user=request.user, root=org, start=payload.start,
                                               end=payload.end)}


@router.get("/points/rules", response=responses(list[RuleOut]), summary="积分规则")
def list_rules(request):
    return list(queries.rules_visible(request.user).order_by("org__path", "category", "id")[:500])


@router.post("/points/rules", response=responses(RuleOut, status=201, errors=WRITE_ERRORS), summary="新建积分规则")
def create_rule(request, payload: RuleIn):
    """不能对学习时长、浏览、点赞、转发、分享、打卡或上传照片计分（2026 年起的全国性规定）。"""
    org = referenced_org(request.user, pk=payload.org, code=None, field="org")
    fields = payload.dict(exclude={"org"})
    return Status(201, actions.rule_create(acting_user=request.user, org=org, **fields))


@router.get("/points/sources", response=responses(list[SourceRuleOut], errors=(401, 422)),
            summary="平台计算的积分项目")
def list_source_rules(request, q: Query[YearQuery]):
    """某年度按平台记录计分的项目（如社区确认的服务时长：每满 N 小时计若干分，每年有上限）。"""
    return list(queries.source_rules_visible(request.user, q.year or timezone.localdate().year)[:500])


@router.put("/points/sources", response=responses(SourceRuleOut, errors=WRITE_ERRORS), summary="设置平台计算的积分项目")
def set_source_rule(request, payload: SourceRuleIn):
    """同一制定单位、年度、计分依据只有一条，再次提交即修改（带版本号）。生成积分时按最近一级的规则计算。"""
    org = referenced_org(request.user, pk=payload.org, code=None, field="org")
    fields = payload.dict(exclude={"org", "version"})
    fields["per"] = Decimal(str(fields["per"]))
    return actions.source_rule_set(acting_user=request.user, org=org, expected_version=payload.version, **fields)


@router.get("/points/ranking", response=responses(list[RankingRow], errors=(401, 403, 404, 422)), summary="积分排名")
def ranking(request, q: Query[YearQuery]):
    """默认不开启；由党组织在积分设置中开启后才提供。"""
    org, year = _org_year(request, q)
    if not queries.rankings_enabled(org):
        raise ActionDenied("本组织未开启积分排名（默认不开启）")
    return [{"member_id": m, "name": n, "org_name": o, "total": t, "vetoed_by": v}
            for m, n, o, t, v in queries.totals(org, year)[:500]]


@router.get("/me", response=responses(LedgerOut), summary="本人的积分和评议结果")
def my_ledger(request, year: int | None = Query(None, ge=2000, le=2100)):
    member = member_of(request.user)
    if member is None:
        raise Http404("您的账号未关联党员信息")
    year = year or timezone.localdate().year
    ledger = queries.member_ledger(member, year)
    results = AppraisalMember.objects.filter(member=member, appraisal__stage=Stage.DONE).select_related("appraisal")
    return {"year": year, "total": ledger.total, "vetoed_by": ledger.vetoed_by,
            "entries": [{"id": e.pk, "on": e.on, "rule": e.rule.name if e.rule else "", "reason": e.reason,
                         "points": e.points, "counted": e.counted, "state": e.state, "note": e.note}
                        for e in ledger.entries],
            "results": [{"year": r.appraisal.year, "grade": r.grade, "exclusion": r.exclusion} for r in results]}


@router.put("/points/settings/{int:org_id}", response=responses(SettingOut, errors=WRITE_ERRORS),
            summary="积分设置（是否开启排名）")
def set_points_setting(request, org_id: int, payload: SettingIn):
    """积分排名默认不开启，由党组织自行决定是否开启。"""
    org = readable_or_404(Organization.objects.all(), request.user, org_id)
    setting = actions.setting_set(acting_user=request.user, org=org, rankings=payload.rankings)
    return {"org_id": org.pk, "rankings": setting.rankings}


@router.post("/reviews/{int:pk}/ballot", response=responses(BallotOut, status=201, errors=WRITE_ERRORS),
             summary="民主测评投票（本人账号）")
def cast_ballot(request, pk: int, payload: BallotIn):
    """参加本次评议的党员用本人账号投票：对其他每一名参评党员选择 excellent / qualified / basic / unqualified。
    不记名（只记录已投票），每人一次，投票后不能更改；只在民主测评环节。"""
    place = queries.ballot_place(member_of(request.user), pk)
    if place is None:
        raise Http404("您不是本次民主评议的参评党员")
    actions.ballot_cast(acting_user=request.user, appraisal=place.appraisal, choices=payload.choices)
    place.appraisal.refresh_from_db()
    return Status(201, {"appraisal_id": pk, "voters": place.appraisal.voters})


@router.post("/people/{int:pk}/appeal", response=responses(AppealOut, status=201, errors=WRITE_ERRORS),
             summary="对本人的评议结果提出申诉")
def file_appeal(request, pk: int, payload: AppealIn):
    """党员本人账号，评议完成后，每次评议一次；由支部的上级党组织复查。"""
    person = AppraisalMember.objects.filter(pk=pk, member=member_of(request.user)).first()
    if person is None:
        raise Http404("未找到您的评议结果")
    return Status(201, actions.appeal_file(acting_user=request.user, person=person, text=payload.text))


@router.post("/appeals/{int:pk}/answer", response=responses(AppealOut, errors=WRITE_ERRORS), summary="复查申诉")
def answer_appeal(request, pk: int, payload: AppealAnswerIn):
    """上级党组织复查：kept 维持，changed 改变（填 `grade`）；在该支部任职的人不能复查（403）。"""
    appeal = readable_or_404(Appeal.objects.all(), request.user, pk)
    return write_in_scope(request.user, Appeal.objects.all(), lambda: actions.appeal_answer(
        acting_user=request.user, appeal=appeal, outcome=payload.outcome, response=payload.response,
        grade=payload.grade, expected_version=payload.version), pk=pk, expected_version=payload.version)
