"""The assessment API: schemes with their roll-up, grades with their scores, the flow, and the 后进
candidates — the same actions as the pages. Ids outside the user's scope are 404, refusals 403,
stale versions 409, bad input 422 in Chinese."""

from __future__ import annotations

from ninja import Query, Router, Status

from dangjian.apikit import WRITE_ERRORS, PageQuery, page_of, readable_or_404, responses, write_in_scope
from dangjian.orgs.queries import referenced_org

from . import actions, queries
from .models import Candidate, Grade, Indicator, Scheme
from .schemas import (
    CandidateOut,
    ConfirmIn,
    GradeDetail,
    GradePage,
    PublicizeIn,
    RateIn,
    SchemeCreate,
    SchemeDetail,
    SchemeOut,
    SurveyIn,
    VersionIn,
)

router = Router(tags=["考核评价"])


def _grade_out(g: Grade) -> dict:
    return {"id": g.pk, "org_id": g.org_id, "org_name": g.org.name, "year": g.year, "stage": g.stage,
            "score": g.score, "suggested": g.suggested, "grade": g.grade, "satisfaction": g.satisfaction,
            "publicity_start": g.publicity_start, "reported_on": g.reported_on, "version": g.version}


def _grade_detail(g: Grade) -> dict:
    scores = g.scores.select_related("indicator")
    return {**_grade_out(g), "scores": [
        {"id": s.pk, "indicator_id": s.indicator_id, "indicator": s.indicator.name, "weight": s.indicator.weight,
         "value": s.value, "points": s.points, "reason": s.reason, "claim": s.claim} for s in scores]}


def _scheme_detail(request, scheme: Scheme) -> dict:
    roll = queries.rollup(scheme, request.user)
    rows = [("合计", roll["total"])] + [(name, r) for name, _p, r in roll["children"]]
    return {**SchemeOut.from_orm(scheme).dict(), "indicators": list(Indicator.objects.filter(scheme=scheme)),
            "rollup": [{"name": n, "count": r.count, "average": r.average, "grades": r.grades} for n, r in rows],
            "indicator_averages": {i.pk: roll["total"].indicator_average(i.pk) for i in roll["indicators"]},
            "quota_warning": roll["quota_warning"]}


@router.get("/schemes", response=responses(list[SchemeOut], errors=(401,)), summary="考核方案列表")
def list_schemes(request):
    """您管辖范围内的党组织制定的考核方案。"""
    return list(queries.schemes_for(request.user))


@router.get("/schemes/{int:scheme_id}", response=responses(SchemeDetail), summary="考核方案、指标及汇总")
def get_scheme(request, scheme_id: int):
    """指标、按下级党组织汇总的等次分布和平均分、各指标平均得分，以及最高档比例提示。"""
    return _scheme_detail(request, readable_or_404(Scheme.objects.all(), request.user, scheme_id))


@router.post("/schemes", response=responses(SchemeOut, status=201, errors=WRITE_ERRORS), summary="新建考核方案")
def create_scheme(request, payload: SchemeCreate):
    """按默认指标新建（草稿），`preset` 为 four（好、较好、一般、较差）或 stars（星级）。"""
    org = referenced_org(request.user, pk=payload.org, code=None, field="org")
    scheme = write_in_scope(request.user, Scheme.objects.all(), lambda: actions.scheme_create(
        acting_user=request.user, org=org, year=payload.year, name=payload.name, org_kinds=payload.org_kinds,
        preset=payload.preset))
    return Status(201, scheme)


@router.post("/schemes/{int:scheme_id}/issue", response=responses(SchemeOut, errors=WRITE_ERRORS), summary="下发方案")
def issue_scheme(request, scheme_id: int, payload: VersionIn):
    scheme = readable_or_404(Scheme.objects.all(), request.user, scheme_id)
    return write_in_scope(request.user, Scheme.objects.all(), lambda: actions.scheme_issue(
        acting_user=request.user, scheme=scheme, expected_version=payload.version), pk=scheme_id)


@router.post("/schemes/{int:scheme_id}/compute", response=responses(SchemeDetail, errors=WRITE_ERRORS),
             summary="按平台记录计算全部自动指标")
def compute_scheme(request, scheme_id: int):
    """考核结果公示后不能重新计算（422），更正请在页面填写更正记录。"""
    scheme = readable_or_404(Scheme.objects.all(), request.user, scheme_id)
    actions.scheme_compute(acting_user=request.user, scheme=scheme)
    scheme.refresh_from_db()
    return _scheme_detail(request, scheme)


@router.get("/schemes/{int:scheme_id}/grades", response=responses(GradePage), summary="分类定级列表")
def list_grades(request, scheme_id: int, page: Query[PageQuery]):
    readable_or_404(Scheme.objects.all(), request.user, scheme_id)
    result = page_of(queries.grades_for(request.user).filter(scheme_id=scheme_id).order_by("org__path"), page)
    result["items"] = [_grade_out(g) for g in result["items"]]
    return result


@router.get("/candidates", response=responses(list[CandidateOut], errors=(401,)), summary="后进/软弱涣散党组织提示")
def list_candidates(request, year: int | None = None):
    qs = queries.candidates_for(request.user)
    if year:
        qs = qs.filter(year=year)
    return [{"id": c.pk, "org_id": c.org_id, "org_name": c.org.name, "year": c.year, "reasons": c.reasons,
             "state": c.state, "item_id": c.item_id, "deadline": c.deadline} for c in qs[:1000]]


@router.post("/candidates/{int:candidate_id}/confirm", response=responses(CandidateOut, errors=WRITE_ERRORS),
             summary="认定并列入整顿")
def confirm_candidate(request, candidate_id: int, payload: ConfirmIn):
    """在三单中建立整顿问题事项，期限默认 6 个月、最长 12 个月；摘帽须事项销号。"""
    candidate = readable_or_404(Candidate.objects.all(), request.user, candidate_id)
    c = write_in_scope(request.user, Candidate.objects.select_related("org"), lambda: actions.candidate_confirm(
        acting_user=request.user, candidate=candidate, months=payload.months, note=payload.note), pk=candidate_id)
    return {"id": c.pk, "org_id": c.org_id, "org_name": c.org.name, "year": c.year, "reasons": c.reasons,
            "state": c.state, "item_id": c.item_id, "deadline": c.deadline}


@router.get("/grades/{int:grade_id}", response=responses(GradeDetail), summary="分类定级详情及各项得分")
def get_grade(request, grade_id: int):
    return _grade_detail(readable_or_404(Grade.objects.select_related("org"), request.user, grade_id))


def _grade_write(request, grade_id: int, write, version):
    grade = readable_or_404(Grade.objects.select_related("org"), request.user, grade_id)
    done = write_in_scope(request.user, Grade.objects.select_related("org"), lambda: write(grade), pk=grade_id,
                          expected_version=version)
    return _grade_detail(done)


@router.post("/grades/{int:grade_id}/survey", response=responses(GradeDetail, errors=WRITE_ERRORS),
             summary="录入群众测评")
def survey(request, grade_id: int, payload: SurveyIn):
    return _grade_write(request, grade_id, lambda g: actions.survey_enter(
        acting_user=request.user, grade=g, satisfied=payload.satisfied, basic=payload.basic,
        unsatisfied=payload.unsatisfied, expected_version=payload.version), payload.version)


@router.post("/grades/{int:grade_id}/rate", response=responses(GradeDetail, errors=WRITE_ERRORS), summary="上级评定")
def rate(request, grade_id: int, payload: RateIn):
    """满意度门槛不满足时拒绝（422）；最高档比例超过上限只提示，不拒绝。"""
    return _grade_write(request, grade_id, lambda g: actions.grade_rate(
        acting_user=request.user, grade=g, grade_name=payload.grade_name, note=payload.note,
        expected_version=payload.version)[0], payload.version)


@router.post("/grades/{int:grade_id}/publicize", response=responses(GradeDetail, errors=WRITE_ERRORS),
             summary="开始公示")
def publicize(request, grade_id: int, payload: PublicizeIn):
    return _grade_write(request, grade_id, lambda g: actions.grade_publicize(
        acting_user=request.user, grade=g, start=payload.start, expected_version=payload.version), payload.version)


@router.post("/grades/{int:grade_id}/report", response=responses(GradeDetail, errors=WRITE_ERRORS), summary="上报")
def report(request, grade_id: int, payload: VersionIn):
    """公示不少于 5 个工作日且异议均已核实处理后方可上报。"""
    return _grade_write(request, grade_id, lambda g: actions.grade_report(
        acting_user=request.user, grade=g, expected_version=payload.version), payload.version)
