"""The assessment API: schemes with their roll-up, grades with their scores, the flow, and the 后进
candidates — the same actions as the pages. Ids outside the user's scope are 404, refusals 403,
stale versions 409, bad input 422 in Chinese."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile

from dangjian.apikit import WRITE_ERRORS, PageQuery, page_of, readable_or_404, responses, write_in_scope
from dangjian.orgs.queries import referenced_org

from . import actions, queries
from .models import Candidate, Grade, Indicator, Objection, Scheme, Score
from .schemas import (
    AmendIn,
    AnswerIn,
    CandidateOut,
    ClaimIn,
    ComputedChoiceOut,
    ConfirmIn,
    EvidenceOut,
    GradeDetail,
    GradePage,
    IndicatorsIn,
    NoteIn,
    ObjectionIn,
    ObjectionOut,
    PointsIn,
    PublicityOut,
    PublicizeIn,
    RateIn,
    SchemeCreate,
    SchemeDetail,
    SchemeOut,
    SelfIn,
    SettingsIn,
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
         "value": s.value, "points": s.points, "reason": s.reason, "claim": s.claim, "claim_points": s.claim_points,
         "evidence_name": s.evidence_name} for s in scores]}


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
    return [_candidate_out(c) for c in qs[:1000]]


@router.post("/candidates/{int:candidate_id}/confirm", response=responses(CandidateOut, errors=WRITE_ERRORS),
             summary="认定并列入整顿")
def confirm_candidate(request, candidate_id: int, payload: ConfirmIn):
    """在三单中建立整顿问题事项，期限默认 6 个月、最长 12 个月；摘帽须事项销号。"""
    return _candidate_write(request, candidate_id, lambda c: actions.candidate_confirm(
        acting_user=request.user, candidate=c, months=payload.months, note=payload.note))


def _candidate_out(c: Candidate) -> dict:
    return {"id": c.pk, "org_id": c.org_id, "org_name": c.org.name, "year": c.year, "reasons": c.reasons,
            "state": c.state, "item_id": c.item_id, "deadline": c.deadline}


def _candidate_write(request, candidate_id: int, write) -> dict:
    candidate = readable_or_404(Candidate.objects.all(), request.user, candidate_id)
    qs = Candidate.objects.select_related("org")
    return _candidate_out(write_in_scope(request.user, qs, lambda: write(candidate), pk=candidate_id))


@router.post("/candidates/{int:candidate_id}/dismiss", response=responses(CandidateOut, errors=WRITE_ERRORS),
             summary="不予认定")
def dismiss_candidate(request, candidate_id: int, payload: NoteIn):
    """须写明理由。"""
    return _candidate_write(request, candidate_id, lambda c: actions.candidate_dismiss(
        acting_user=request.user, candidate=c, note=payload.note))


@router.post("/candidates/{int:candidate_id}/lift", response=responses(CandidateOut, errors=WRITE_ERRORS),
             summary="摘帽")
def lift_candidate(request, candidate_id: int):
    """整顿事项销号后方可摘帽。"""
    return _candidate_write(request, candidate_id, lambda c: actions.candidate_lift(
        acting_user=request.user, candidate=c))


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


# -- the scheme's indicators and settings --------------------------------------------------------------

def _scheme_write(request, scheme_id: int, write, version=None):
    scheme = readable_or_404(Scheme.objects.all(), request.user, scheme_id)
    done = write_in_scope(request.user, Scheme.objects.select_related("org"), lambda: write(scheme), pk=scheme_id,
                          expected_version=version)
    return _scheme_detail(request, done)


@router.put("/schemes/{int:scheme_id}/indicators", response=responses(SchemeDetail, errors=WRITE_ERRORS),
            summary="设置考核指标（草稿）")
def set_indicators(request, scheme_id: int, payload: IndicatorsIn):
    """整体替换草稿方案的指标，权重之和须为 100；下发后不能修改。"""
    return _scheme_write(request, scheme_id, lambda s: actions.indicators_set(
        acting_user=request.user, scheme=s, indicators=[i.dict() for i in payload.indicators],
        expected_version=payload.version), payload.version)


@router.get("/computed-indicators", response=responses(list[ComputedChoiceOut], errors=(401,)),
            summary="可选的平台计算指标")
def computed_indicators(request):
    """方案中 `method` 为 computed 的指标可用的 `code` 及中文名称（含其他模块登记的指标）。"""
    return [{"code": code, "label": label} for code, label in queries.computed_choices()]


@router.post("/schemes/{int:scheme_id}/settings", response=responses(SchemeDetail, errors=WRITE_ERRORS),
             summary="修改评分标准")
def scheme_settings(request, scheme_id: int, payload: SettingsIn):
    """等次、满意度门槛、最高档比例、后进提示规则、方案名称；有结果公示后不能修改。"""
    given = payload.model_fields_set - {"version"}
    options = {key: getattr(payload, key) for key in given & {"gate_percent", "top_share"}}
    return _scheme_write(request, scheme_id, lambda s: actions.scheme_settings(
        acting_user=request.user, scheme=s, expected_version=payload.version,
        bands=[list(b) for b in payload.bands] if payload.bands is not None else None,
        backward=payload.backward.dict() if payload.backward else None, name=payload.name, **options),
        payload.version)


@router.post("/schemes/{int:scheme_id}/copy", response=responses(SchemeOut, status=201, errors=WRITE_ERRORS),
             summary="复制为下一年度方案")
def copy_scheme(request, scheme_id: int):
    scheme = readable_or_404(Scheme.objects.all(), request.user, scheme_id)
    copy = write_in_scope(request.user, Scheme.objects.all(), lambda: actions.scheme_copy(
        acting_user=request.user, scheme=scheme, year=scheme.year + 1))
    return Status(201, copy)


# -- one grade: evidence, self-assessment, scoring, objections, amendments ------------------------------

@router.get("/grades/{int:grade_id}/evidence/{int:indicator_id}", response=responses(list[EvidenceOut]),
            summary="计算指标的下钻记录")
def grade_evidence(request, grade_id: int, indicator_id: int):
    """该项指标计入的会议、事项、预警、党员等记录；`url_name` 和 `pk` 指向页面。"""
    grade = readable_or_404(Grade.objects.select_related("org"), request.user, grade_id)
    indicator = Indicator.objects.filter(pk=indicator_id, scheme_id=grade.scheme_id).first()
    if indicator is None:
        raise ValidationError({"indicator_id": "该方案没有这项指标"})
    return queries.evidence(grade.org, grade.year, indicator.code) if indicator.code else []


def _score_write(request, score_id: int, write):
    score = readable_or_404(Score.objects.select_related("grade"), request.user, score_id)
    done = write_in_scope(request.user, Grade.objects.select_related("org"), lambda: write(score) and score.grade,
                          pk=score.grade_id)
    return _grade_detail(done)


@router.post("/scores/{int:score_id}/claim", response=responses(GradeDetail, errors=WRITE_ERRORS),
             summary="填报自评（填报指标）")
def claim(request, score_id: int, payload: ClaimIn):
    return _score_write(request, score_id, lambda s: actions.claim_enter(
        acting_user=request.user, score=s, claim=payload.claim, claim_points=payload.claim_points))


@router.post("/scores/{int:score_id}/file", response=responses(GradeDetail, errors=WRITE_ERRORS),
             summary="上传自评佐证文件")
def claim_file(request, score_id: int, file: File[UploadedFile]):
    """multipart/form-data：`file`（PDF、JPEG、PNG、.docx、.xlsx，按内容检查）；新文件替换旧文件。"""
    return _score_write(request, score_id, lambda s: actions.claim_file(acting_user=request.user, score=s,
                                                                        upload=file))


@router.post("/scores/{int:score_id}/score", response=responses(GradeDetail, errors=WRITE_ERRORS),
             summary="上级评分（填报指标）")
def score(request, score_id: int, payload: PointsIn):
    """只有上级可以评分，在被考核党组织担任岗位的人不能评分（403）。"""
    return _score_write(request, score_id, lambda s: actions.score_enter(
        acting_user=request.user, score=s, points=payload.points))


@router.post("/grades/{int:grade_id}/self", response=responses(GradeDetail, errors=WRITE_ERRORS), summary="提交自评")
def self_submit(request, grade_id: int, payload: SelfIn):
    return _grade_write(request, grade_id, lambda g: actions.self_submit(
        acting_user=request.user, grade=g, summary=payload.summary, expected_version=payload.version),
        payload.version)


@router.post("/grades/{int:grade_id}/objections", response=responses(ObjectionOut, status=201, errors=WRITE_ERRORS),
             summary="登记公示异议")
def add_objection(request, grade_id: int, payload: ObjectionIn):
    grade = readable_or_404(Grade.objects.select_related("org"), request.user, grade_id)
    objection = write_in_scope(request.user, Objection.objects.all(), lambda: actions.objection_add(
        acting_user=request.user, grade=grade, text=payload.text, raised_by=payload.raised_by,
        received_on=payload.received_on, response=payload.response))
    return Status(201, objection)


@router.post("/objections/{int:objection_id}/answer", response=responses(ObjectionOut, errors=WRITE_ERRORS),
             summary="登记异议核实处理情况")
def answer_objection(request, objection_id: int, payload: AnswerIn):
    objection = readable_or_404(Objection.objects.select_related("grade"), request.user, objection_id)
    return write_in_scope(request.user, Objection.objects.all(), lambda: actions.objection_answer(
        acting_user=request.user, objection=objection, response=payload.response), pk=objection_id)


@router.post("/grades/{int:grade_id}/amend", response=responses(GradeDetail, errors=WRITE_ERRORS),
             summary="更正已公示的结果")
def amend(request, grade_id: int, payload: AmendIn):
    """更正某项得分（`indicator_id` 和 `points`）或等次（`grade_name`），须写明原因；更正记录与结果一并保存。"""
    grade = readable_or_404(Grade.objects.select_related("org"), request.user, grade_id)
    indicator = None
    if payload.indicator_id is not None:
        indicator = Indicator.objects.filter(pk=payload.indicator_id, scheme_id=grade.scheme_id).first()
        if indicator is None:
            raise ValidationError({"indicator_id": "该方案没有这项指标"})
    return _grade_write(request, grade_id, lambda g: actions.amendment_make(
        acting_user=request.user, grade=g, reason=payload.reason, indicator=indicator, points=payload.points,
        grade_name=payload.grade_name) and g, None)


@router.get("/schemes/{int:scheme_id}/publicity", response=responses(list[PublicityOut]), summary="分类定级结果公示")
def publicity(request, scheme_id: int):
    """已公示或已上报的结果（您管辖范围内），含公示起止日期（5 个工作日，按节假日表）和异议数。"""
    scheme = readable_or_404(Scheme.objects.all(), request.user, scheme_id)
    return [{**_grade_out(g), "publicity_end": g.publicity_end, "objection_count": g.objection_count}
            for g in queries.publicity(scheme, request.user)]
