"""Pages of the assessment: the schemes and the county/town overview (roll-up by child, grade
distribution, indicator averages, the grades and the 后进 candidates), one organisation's grade
("what pulled my score down", with the drill-down to the counted records) and its flow. Views read
the request and call queries and actions; every lookup is scoped."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from dangjian.accounts.queries import positions_of
from dangjian.core.errors import ActionDenied, VersionConflict
from dangjian.core.excel import xlsx_response
from dangjian.core.history import record_export
from dangjian.core.scoping import CHANGE, VIEW, path_in_scope
from dangjian.core.shortcuts import get_scoped_or_404
from dangjian.core.tree import parent_path
from dangjian.orgs.choices import OrgKind
from dangjian.orgs.models import Organization

from . import actions, queries
from .choices import BandPreset, CandidateState, Method, SchemeState, Stage
from .exporting import write_grades, write_summary
from .models import Candidate, Grade, Indicator, Objection, Scheme, Score

INDICATOR_HELP = "每行一项：类别，指标名称，计算规则代码（填报评分的留空），权重，每项扣分"


def _run(request, call, done: str) -> bool:
    """Run an action; its Chinese refusal becomes a message. True when it succeeded."""
    try:
        call()
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return False
    except (ActionDenied, VersionConflict) as exc:
        messages.error(request, str(exc))
        return False
    messages.success(request, done)
    return True


def _version(request) -> int | None:
    raw = request.POST.get("version")
    return int(raw) if raw and raw.isdigit() else None


@login_required
def scheme_list(request):
    schemes = list(queries.schemes_assessing(request.user))
    grades = list(queries.grades_for(request.user).filter(scheme__state=SchemeState.ISSUED)
                  .order_by("-year", "org__path")[:50])
    change_orgs = [p.org for p in positions_of(request.user)
                   if path_in_scope(request.user, CHANGE, p.org.path)]
    return render(request, "assessment/list.html", {
        "schemes": schemes, "grades": grades, "change_orgs": change_orgs, "presets": BandPreset.choices,
        "year": timezone.localdate().year,
    })


@login_required
@require_POST
def scheme_new(request):
    org = get_scoped_or_404(Organization, request.user, request.POST.get("org"), CHANGE)
    created = {}

    def call():
        created["scheme"] = actions.scheme_create(
            acting_user=request.user, org=org, year=int(request.POST.get("year") or 0),
            name=request.POST.get("name", ""), preset=request.POST.get("preset") or BandPreset.FOUR)

    if _run(request, call, "考核方案已建立，默认指标已列出，可修改后下发"):
        return redirect("assessment:scheme", pk=created["scheme"].pk)
    return redirect("assessment:list")


def _scheme_context(request, scheme: Scheme) -> dict:
    root = scheme.org
    if request.GET.get("org"):
        chosen = get_scoped_or_404(Organization, request.user, request.GET["org"])
        if chosen.path.startswith(scheme.org.path):
            root = chosen
    grades = list(queries.grades_for(request.user).filter(scheme=scheme, org__path__startswith=root.path)
                  .order_by("org__path")[:500])
    rollup = queries.rollup(scheme, request.user, root)
    candidates = list(queries.candidates_for(request.user).filter(scheme=scheme, org__path__startswith=root.path))
    for candidate in candidates:  # decided by the level above the candidate, wherever the scheme was set
        candidate.can_decide = path_in_scope(request.user, CHANGE, parent_path(candidate.org.path))
    counts = queries.stage_counts(scheme, request.user)
    for _name, _path, r in [("", "", rollup["total"]), *rollup["children"]]:
        r.band_counts = [r.grades.get(b, 0) for b in rollup["bands"]]
    indicators = rollup["indicators"]
    for indicator in indicators:
        indicator.average = rollup["total"].indicator_average(indicator.pk)
    return {
        "scheme": scheme, "root": root, "indicators": indicators, "grades": grades,
        "rollup": rollup,
        "candidates": candidates,
        "can_change": path_in_scope(request.user, CHANGE, scheme.org.path),
        "indicator_text": "\n".join(f"{i.group}，{i.name}，{i.code}，{i.weight.normalize():f}，{i.deduct.normalize():f}"
                                    for i in indicators),
        "indicator_help": INDICATOR_HELP, "computed_codes": queries.computed_choices(),
        "bands_text": "，".join(f"{n}:{b}" for n, b in scheme.bands),
        "kinds": [OrgKind(k).label for k in scheme.org_kinds if k in OrgKind.values],
        "stages": [(label, counts.get(value, 0)) for value, label in Stage.choices],
        "band_rows": [("合计", rollup["total"])] + [(name, r) for name, _p, r in rollup["children"]],
    }


@login_required
def scheme_detail(request, pk):
    scheme = _scheme_for(request, pk)
    return render(request, "assessment/scheme.html", _scheme_context(request, scheme))


def _scheme_for(request, pk, action=VIEW) -> Scheme:
    """A scheme the user may see: set in their scope, or assessing an organisation in it."""
    scheme = Scheme.objects.select_related("org").filter(pk=pk).first() if str(pk).isdigit() else None
    if scheme is None:
        raise_404()
    if path_in_scope(request.user, action, scheme.org.path):
        return scheme
    if action == VIEW and queries.grades_for(request.user).filter(scheme=scheme).exists():
        return scheme
    raise_404()


def raise_404():
    from django.http import Http404

    raise Http404("未找到，或不在您的管辖范围内")


def parse_indicator_lines(text: str) -> list[dict]:
    rows = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.replace(",", "，").split("，")]
        if len(parts) < 4:
            raise ValidationError({"indicators": f"第 {number} 行应为：{INDICATOR_HELP}"})
        group, name, code, weight = parts[:4]
        rows.append({"group": group, "name": name, "code": code, "weight": weight,
                     "deduct": parts[4] if len(parts) > 4 else "0",
                     "method": Method.COMPUTED if code else Method.ENTERED})
    return rows


@login_required
@require_POST
def scheme_action(request, pk, what):
    scheme = _scheme_for(request, pk, CHANGE)
    version = _version(request)
    calls = {
        "indicators": (lambda: actions.indicators_set(
            acting_user=request.user, scheme=scheme, expected_version=version,
            indicators=parse_indicator_lines(request.POST.get("indicators", ""))), "考核指标已保存"),
        "issue": (lambda: actions.scheme_issue(acting_user=request.user, scheme=scheme, expected_version=version),
                  "考核方案已下发"),
        "compute": (lambda: actions.scheme_compute(acting_user=request.user, scheme=scheme),
                    "已按平台记录计算全部指标"),
        "settings": (lambda: actions.scheme_settings(
            acting_user=request.user, scheme=scheme, expected_version=version,
            bands=parse_bands(request.POST.get("bands", "")),
            gate_percent=_int_or_none(request.POST.get("gate_percent")),
            top_share=_int_or_none(request.POST.get("top_share")),
            backward={"vacant_months": _int_or_none(request.POST.get("vacant_months")),
                      "compliance_below": _int_or_none(request.POST.get("compliance_below")),
                      "lowest_grade": bool(request.POST.get("lowest_grade")),
                      "structure_warnings": bool(request.POST.get("structure_warnings"))}), "评分标准已保存"),
        "copy": (lambda: actions.scheme_copy(acting_user=request.user, scheme=scheme, year=scheme.year + 1),
                 f"已复制为 {scheme.year + 1} 年度方案（草稿）"),
    }
    if what not in calls:
        raise_404()
    call, done = calls[what]
    _run(request, call, done)
    return redirect("assessment:scheme", pk=scheme.pk)


def parse_bands(text: str) -> list | None:
    """“好:90，较好:80，一般:60，较差:0” → [["好", 90], …]; empty → unchanged."""
    text = (text or "").strip()
    if not text:
        return None
    bands = []
    for part in text.replace(",", "，").replace("、", "，").split("，"):
        name, _, bound = part.replace("：", ":").partition(":")
        if not bound.strip().isdigit():
            raise ValidationError({"bands": f"“{part}”应写成 等次名称:分数下限，如 好:90"})
        bands.append([name.strip(), int(bound)])
    return bands


def _int_or_none(raw):
    raw = (raw or "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise ValidationError({"__all__": f"“{raw}”不是整数"})
    return int(raw)


@login_required
def scheme_publicity(request, pk):
    """分类定级结果公示: the published grades of the scheme in the user's scope, with the 公示 period."""
    scheme = _scheme_for(request, pk)
    return render(request, "assessment/publicity.html", {"scheme": scheme,
                                                         "grades": queries.publicity(scheme, request.user)})


@login_required
def scheme_export(request, pk, layout):
    scheme = _scheme_for(request, pk)
    writers = {"summary": (write_summary, "考核结果汇总表"), "grades": (write_grades, "分类定级结果表")}
    if layout not in writers:
        raise_404()
    writer, title = writers[layout]

    def write(target):
        rows = writer(target, scheme, request.user)
        record_export(actor=request.user, what=f"{scheme.year}年{title}", model="assessment.grade", rows=rows,
                      filters={"scheme": scheme.pk})

    return xlsx_response(write, f"{scheme.year}年{title}.xlsx")


@login_required
def grade_detail(request, pk):
    grade = get_scoped_or_404(Grade, request.user, pk, queryset=Grade.objects.select_related("org", "scheme"))
    page = queries.grade_page(grade)
    above = parent_path(grade.org.path)
    reviewer = bool(above) and path_in_scope(request.user, CHANGE, above) and not any(
        p.org_id == grade.org_id for p in positions_of(request.user))
    return render(request, "assessment/grade.html", {
        "grade": grade, **page, "reviewer": reviewer, "own": path_in_scope(request.user, CHANGE, grade.org.path),
        "published": grade.stage in (Stage.PUBLICITY, Stage.REPORTED), "today": timezone.localdate(),
        "bands": grade.scheme.band_names, "entered": Method.ENTERED,
    })


@login_required
def grade_evidence(request, pk, indicator_pk):
    grade = get_scoped_or_404(Grade, request.user, pk, queryset=Grade.objects.select_related("org", "scheme"))
    indicator = Indicator.objects.filter(pk=indicator_pk, scheme=grade.scheme).first()
    if indicator is None:
        raise_404()
    score = Score.objects.filter(grade=grade, indicator=indicator).first()
    rows = queries.evidence(grade.org, grade.year, indicator.code) if indicator.code else []
    return render(request, "assessment/evidence.html", {"grade": grade, "indicator": indicator, "score": score,
                                                        "rows": rows})


@login_required
def score_file(request, pk):
    """The 自评佐证文件 of one score, for whoever may see the grade (the download is audited)."""
    score = Score.objects.filter(pk=pk, grade__in=queries.grades_for(request.user)).first()
    if score is None or not score.evidence_file:
        raise_404()
    record_export(actor=request.user, what="自评佐证文件", model="assessment.score", rows=1,
                  filters={"score": score.pk}, action="download")
    return FileResponse(score.evidence_file.open("rb"), as_attachment=True, filename=score.evidence_name)


def _date(raw) -> dt.date | None:
    try:
        return dt.date.fromisoformat((raw or "").strip())
    except ValueError:
        return None


@login_required
@require_POST
def grade_action(request, pk, what):
    grade = get_scoped_or_404(Grade, request.user, pk, queryset=Grade.objects.select_related("org", "scheme"))
    post, user, version = request.POST, request.user, _version(request)

    def score():
        found = Score.objects.filter(grade=grade, pk=post.get("score") if str(post.get("score", "")).isdigit()
                                     else None).first()
        if found is None:
            raise ValidationError({"score": "请选择指标"})
        return found

    def rate():
        _, warning = actions.grade_rate(acting_user=user, grade=grade, grade_name=post.get("grade_name", ""),
                                        note=post.get("note", ""), expected_version=version)
        if warning:
            messages.warning(request, warning)

    def objection():
        found = Objection.objects.filter(grade=grade, pk=post.get("objection") or 0).first()
        if found is None:
            raise ValidationError({"objection": "请选择异议"})
        return found

    def amend():
        indicator = Indicator.objects.filter(scheme=grade.scheme, pk=post.get("indicator") or 0).first()
        actions.amendment_make(acting_user=user, grade=grade, reason=post.get("reason", ""), indicator=indicator,
                               points=post.get("points"), grade_name=post.get("grade_name", ""))

    calls = {
        "claim": (lambda: actions.claim_enter(acting_user=user, score=score(), claim=post.get("claim", ""),
                                              claim_points=post.get("claim_points")), "自评已保存"),
        "file": (lambda: actions.claim_file(acting_user=user, score=score(), upload=request.FILES.get("file")),
                 "佐证文件已上传"),
        "self": (lambda: actions.self_submit(acting_user=user, grade=grade, summary=post.get("summary", ""),
                                             expected_version=version), "自评已提交"),
        "score": (lambda: actions.score_enter(acting_user=user, score=score(), points=post.get("points")),
                  "评分已保存"),
        "survey": (lambda: actions.survey_enter(acting_user=user, grade=grade, satisfied=post.get("satisfied"),
                                                basic=post.get("basic"), unsatisfied=post.get("unsatisfied"),
                                                expected_version=version), "群众测评结果已录入"),
        "rate": (rate, "等次已评定"),
        "publicize": (lambda: actions.grade_publicize(acting_user=user, grade=grade, start=_date(post.get("start")),
                                                      expected_version=version), "已开始公示，结果已冻结"),
        "objection": (lambda: actions.objection_add(acting_user=user, grade=grade, text=post.get("text", ""),
                                                    raised_by=post.get("raised_by", ""),
                                                    received_on=_date(post.get("received_on")),
                                                    response=post.get("response", "")), "异议已登记"),
        "answer": (lambda: actions.objection_answer(acting_user=user, objection=objection(),
                                                    response=post.get("response", "")), "异议处理情况已登记"),
        "report": (lambda: actions.grade_report(acting_user=user, grade=grade, expected_version=version), "已上报"),
        "amend": (amend, "更正已记录"),
    }
    if what not in calls:
        raise_404()
    call, done = calls[what]
    _run(request, call, done)
    return redirect("assessment:grade", pk=grade.pk)


@login_required
@require_POST
def candidate_action(request, pk, what):
    candidate = get_scoped_or_404(Candidate, request.user, pk, queryset=Candidate.objects.select_related("org"))
    post, user = request.POST, request.user
    calls = {
        "confirm": (lambda: actions.candidate_confirm(acting_user=user, candidate=candidate,
                                                      months=post.get("months") or 6, note=post.get("note", "")),
                    "已认定，整顿事项已列入问题清单"),
        "dismiss": (lambda: actions.candidate_dismiss(acting_user=user, candidate=candidate,
                                                      note=post.get("note", "")), "已不予认定"),
        "lift": (lambda: actions.candidate_lift(acting_user=user, candidate=candidate), "已摘帽"),
    }
    if what not in calls:
        raise_404()
    call, done = calls[what]
    _run(request, call, done)
    if what == "confirm":
        candidate.refresh_from_db()
        if candidate.state == CandidateState.CONFIRMED and candidate.item_id:
            return redirect("worklists:detail", pk=candidate.item_id)
    return redirect("assessment:scheme", pk=candidate.scheme_id)


