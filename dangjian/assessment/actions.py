"""Writes of the assessment: keyword-only, ``acting_user`` first, each in an audited transaction,
scope checked with ``core.scoping.require``, recorded with ``record_change``.

Who may do what: the level above (``change`` on the scheme's organisation) sets, issues and computes
a scheme; the assessed organisation enters its self-assessment; the level above — never a person
holding a post in the assessed organisation itself — scores entered indicators, enters the 群众测评
tallies, rates, starts the 公示, records objections and reports. A published grade (公示 or 上报) is
frozen: recomputing is refused and a correction is an ``Amendment``."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone

from dangjian.accounts.models import Position
from dangjian.core import bulk
from dangjian.core.actors import SYSTEM, actor_name, user_or_none
from dangjian.core.calendar import work_calendar
from dangjian.core.documents import inspect_document
from dangjian.core.errors import ActionDenied, VersionConflict
from dangjian.core.history import audited_transaction, record_change
from dangjian.core.registry import computed_indicators
from dangjian.core.scoping import CHANGE, require
from dangjian.core.tree import parent_path
from dangjian.orgs.choices import BRANCH_KINDS, OrgKind, Post
from dangjian.orgs.models import CommitteePost
from dangjian.worklists import actions as worklist_actions
from dangjian.worklists.choices import Kind, Source, State

from . import queries, rules
from .choices import (
    DEFAULT_RECTIFY_MONTHS,
    MAX_RECTIFY_MONTHS,
    PUBLISHED_STAGES,
    BandPreset,
    CandidateState,
    Method,
    SchemeState,
    Stage,
)
from .models import Amendment, Candidate, Grade, Indicator, Objection, Scheme, Score

DEFAULT_KINDS = sorted(BRANCH_KINDS)
# the text columns of a score row inserted without the model (``core.bulk.insert_rows``): no NULLs
BLANK_SCORE = {"claim": "", "reason": "", "evidence_file": "", "evidence_name": ""}


def _check_version(obj, expected: int | None) -> None:
    if expected is not None and obj.version != expected:
        raise VersionConflict("该记录已被他人修改，请刷新后重新操作", current={"version": obj.version},
                              submitted={"version": expected})


def _decimal(value, field: str, *, low=0, high=100) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({field: "请填写数字"}) from None
    if not Decimal(low) <= number <= Decimal(high):
        raise ValidationError({field: f"应在 {low} 至 {high} 之间"})
    return number.quantize(rules.CENT)


def _require_reviewer(user, org, what: str) -> None:
    """The level above, and never someone holding a post in the organisation itself."""
    if user is SYSTEM:
        return
    above = parent_path(org.path)
    if not above:
        raise ActionDenied(f"顶级党组织没有上级，不能{what}")
    require(user, CHANGE, above, message=f"只有上级党组织可以{what}")
    if Position.objects.filter(user=user, org=org).exists():
        raise ActionDenied(f"不能为本组织{what}")


def _lock_grade(grade: Grade) -> Grade:
    return Grade.objects.select_for_update().select_related("org", "scheme", "scheme__org").get(pk=grade.pk)


def _step(acting_user, obj, action: str, *, note: str = "", **changes):
    """Set ``changes`` on a locked row, bump its version, save, and record what changed (dates as text)."""
    before = {k: _plain(getattr(obj, k)) for k in changes}
    for key, value in changes.items():
        setattr(obj, key, value)
    obj.version += 1
    obj.save()
    record_change(actor=acting_user, action=action, obj=obj, before=before,
                  after={k: _plain(v) for k, v in changes.items()}, note=note)
    return obj


def _plain(value):
    return value.isoformat() if isinstance(value, dt.date) else value


def _not_published(grade: Grade) -> None:
    if grade.stage in PUBLISHED_STAGES:
        raise ValidationError({"stage": "考核结果已公示，不能再修改；如需更正请填写更正记录"})


# -- schemes -------------------------------------------------------------------------------------

@audited_transaction()
def scheme_create(*, acting_user, org, year: int, name: str = "", org_kinds: Sequence[str] = (),
                  preset: str = BandPreset.FOUR, with_defaults: bool = True) -> Scheme:
    require(acting_user, CHANGE, org, message="无权为该党组织制定考核方案")
    if not 2000 <= int(year) <= 2100:
        raise ValidationError({"year": "年度应在 2000 至 2100 之间"})
    kinds = list(org_kinds) or DEFAULT_KINDS
    bad = [k for k in kinds if k not in OrgKind.values]
    if bad:
        raise ValidationError({"org_kinds": f"组织类型不是可选值：{'、'.join(bad)}"})
    if preset not in rules.BAND_PRESETS:
        raise ValidationError({"preset": "等次方案应为“好、较好、一般、较差”或星级"})
    name = (name or "").strip()[:200] or f"{org.display_name}党组织分类定级考核方案"
    scheme = Scheme.objects.create(name=name, year=year, org=org, org_kinds=kinds,
                                   bands=[list(b) for b in rules.BAND_PRESETS[preset]])
    if with_defaults:
        Indicator.objects.bulk_create([
            Indicator(scheme=scheme, position=i, group=g, name=n, method=m, code=c, weight=w, deduct=d)
            for i, (g, n, m, c, w, d) in enumerate(rules.DEFAULT_INDICATORS, start=1)])
    record_change(actor=acting_user, action="assessment_scheme_create", obj=scheme,
                  after={"name": name, "year": year, "org_kinds": kinds})
    return scheme


def _lock_scheme(scheme: Scheme, user) -> Scheme:
    locked = Scheme.objects.select_for_update().select_related("org").get(pk=scheme.pk)
    require(user, CHANGE, locked.org, message="无权修改该考核方案")
    return locked


@audited_transaction()
def scheme_settings(*, acting_user, scheme: Scheme, expected_version: int | None = None, bands=None,
                    gate_percent=..., top_share=..., backward=None, name: str | None = None) -> Scheme:
    """Thresholds, gate, quota and the 后进 rules; refused once any result is published."""
    locked = _lock_scheme(scheme, acting_user)
    _check_version(locked, expected_version)
    if locked.grades.filter(stage__in=PUBLISHED_STAGES).exists():
        raise ValidationError({"bands": "已有考核结果公示，不能再修改本年度的评分标准"})
    before = {"bands": locked.bands, "gate_percent": locked.gate_percent, "top_share": locked.top_share,
              "backward": locked.backward, "name": locked.name}
    if bands is not None:
        error = rules.bands_error(bands)
        if error:
            raise ValidationError({"bands": error})
        locked.bands = [[str(n).strip(), int(b)] for n, b in bands]
    if gate_percent is not ...:
        if gate_percent is not None and not 0 < int(gate_percent) <= 100:
            raise ValidationError({"gate_percent": "满意度门槛应在 1 至 100 之间，或不设"})
        locked.gate_percent = gate_percent
    if top_share is not ...:
        if top_share is not None and not 0 < int(top_share) <= 100:
            raise ValidationError({"top_share": "最高档比例上限应在 1 至 100 之间，或不设"})
        locked.top_share = top_share
    if backward is not None:
        error = rules.backward_error(backward)
        if error:
            raise ValidationError({"backward": error})
        locked.backward = {k: backward.get(k) for k in rules.DEFAULT_BACKWARD}
    if name is not None and name.strip():
        locked.name = name.strip()[:200]
    after = {"bands": locked.bands, "gate_percent": locked.gate_percent, "top_share": locked.top_share,
             "backward": locked.backward, "name": locked.name}
    if after != before:
        locked.version += 1
        locked.save()
        record_change(actor=acting_user, action="assessment_scheme_update", obj=locked,
                      before={k: v for k, v in before.items() if after[k] != v},
                      after={k: v for k, v in after.items() if before[k] != v})
    return locked


@audited_transaction()
def indicators_set(*, acting_user, scheme: Scheme, indicators: Sequence[dict],
                   expected_version: int | None = None) -> Scheme:
    """Replace the indicators of a draft scheme; weights must add up to 100."""
    locked = _lock_scheme(scheme, acting_user)
    _check_version(locked, expected_version)
    if locked.state != SchemeState.DRAFT:
        raise ValidationError({"indicators": "方案已下发，指标不能再修改；请为下一年度另建方案"})
    rows = []
    computable = {code for code, _label in queries.computed_choices()}
    for number, spec in enumerate(indicators, start=1):
        name = str(spec.get("name") or "").strip()
        group = str(spec.get("group") or "").strip() or "其他"
        method = spec.get("method") or Method.ENTERED
        code = spec.get("code") or ""
        if not name:
            raise ValidationError({"indicators": f"第 {number} 项指标没有名称"})
        if method not in Method.values:
            raise ValidationError({"indicators": f"第 {number} 项指标的评分方式应为平台计算或填报评分"})
        if method == Method.COMPUTED and code not in computable:
            raise ValidationError({"indicators": f"第 {number} 项指标的计算规则不是可选值"})
        weight = _decimal(spec.get("weight"), "indicators", low=0, high=100)
        deduct = _decimal(spec.get("deduct") or 0, "indicators", low=0, high=100)
        rows.append(Indicator(scheme=locked, position=number, group=group[:50], name=name[:100], method=method,
                              code=code if method == Method.COMPUTED else "", weight=weight, deduct=deduct,
                              note=str(spec.get("note") or "")[:300]))
    error = rules.weights_error([r.weight for r in rows])
    if error:
        raise ValidationError({"indicators": error})
    before = [f"{i.name}:{i.weight}" for i in locked.indicators.all()]
    locked.indicators.all().delete()
    Indicator.objects.bulk_create(rows)
    locked.version += 1
    locked.save()
    record_change(actor=acting_user, action="assessment_indicators", obj=locked, before={"indicators": before},
                  after={"indicators": [f"{i.name}:{i.weight}" for i in rows]})
    return locked


@audited_transaction()
def scheme_issue(*, acting_user, scheme: Scheme, expected_version: int | None = None) -> Scheme:
    """下发: the indicators are fixed from now on."""
    locked = _lock_scheme(scheme, acting_user)
    _check_version(locked, expected_version)
    if locked.state != SchemeState.DRAFT:
        raise ValidationError({"state": "方案已下发"})
    error = rules.weights_error([i.weight for i in locked.indicators.all()])
    if error:
        raise ValidationError({"indicators": error})
    return _step(acting_user, locked, "assessment_scheme_issue", state=SchemeState.ISSUED)


@audited_transaction()
def scheme_copy(*, acting_user, scheme: Scheme, year: int) -> Scheme:
    """Next year's scheme starts as a draft copy: this year's stays as it was (versioned per year)."""
    require(acting_user, CHANGE, scheme.org, message="无权为该党组织制定考核方案")
    copy = scheme_create(acting_user=acting_user, org=scheme.org, year=year, name=scheme.name,
                         org_kinds=scheme.org_kinds, with_defaults=False)
    copy.bands, copy.gate_percent, copy.gate_blocks = scheme.bands, scheme.gate_percent, scheme.gate_blocks
    copy.top_share, copy.backward = scheme.top_share, scheme.backward
    copy.save()
    Indicator.objects.bulk_create([
        Indicator(scheme=copy, position=i.position, group=i.group, name=i.name, method=i.method, code=i.code,
                  weight=i.weight, deduct=i.deduct, note=i.note) for i in scheme.indicators.all()])
    return copy


# -- computing -------------------------------------------------------------------------------------

@audited_transaction()
def scheme_compute(*, acting_user, scheme: Scheme, today: dt.date | None = None) -> int:
    """Compute every automatic indicator for every organisation the scheme assesses (a fixed number of
    queries, ``queries.gather_facts``), re-total the grades and refresh the open 后进 candidates.
    Refused once any of the year's results is published."""
    today = today or timezone.localdate()
    locked = _lock_scheme(scheme, acting_user)
    if locked.state != SchemeState.ISSUED:
        raise ValidationError({"state": "方案下发后才能计算"})
    if locked.grades.filter(stage__in=PUBLISHED_STAGES).exists():
        raise ValidationError({"state": f"{locked.year} 年度考核结果已公示，不能重新计算；如需更正请填写更正记录"})
    indicators = list(locked.indicators.all())
    org_ids = list(queries.assessed_orgs(locked).values_list("pk", flat=True))
    registered = computed_indicators()
    facts = queries.gather_facts(locked.org, locked.year, org_ids, today=today,
                                 codes={i.code for i in indicators if i.method == Method.COMPUTED})
    now = timezone.now()
    grades = {g.org_id: g for g in Grade.objects.filter(scheme=locked)}
    Grade.objects.bulk_create([Grade(scheme=locked, org_id=pk, year=locked.year) for pk in org_ids
                               if pk not in grades], batch_size=2000)
    grades = {g.org_id: g for g in Grade.objects.filter(scheme=locked)}
    computed = [i for i in indicators if i.method == Method.COMPUTED]
    entered = [i for i in indicators if i.method != Method.COMPUTED]
    entered_points = {(g, i): p for g, i, p in Score.objects.filter(grade__scheme=locked, indicator__in=entered)
                      .values_list("grade_id", "indicator_id", "points")}
    bulk.insert_rows(Score, ["grade_id", "indicator_id", *BLANK_SCORE],
                        [(grades[pk].pk, i.pk, *BLANK_SCORE.values()) for pk in org_ids for i in entered
                         if (grades[pk].pk, i.pk) not in entered_points])
    # computed scores are replaced as a whole: nothing refers to them, and inserting is what databases do fast
    Score.objects.filter(grade__scheme=locked, indicator__in=computed).delete()
    rows, totals = [], {}
    for pk in org_ids:
        grade = grades[pk]
        total = sum((entered_points.get((grade.pk, i.pk)) or Decimal(0) for i in entered), Decimal(0))
        for indicator in computed:
            result = rules.compute(indicator.code, facts[pk], indicator.weight, indicator.deduct,
                                   registered.get(indicator.code))
            rows.append((grade.pk, indicator.pk, result.value, result.points, result.reason[:300], "", "", ""))
            total += result.points
        totals[pk] = total
    bulk.insert_rows(Score, ["grade_id", "indicator_id", "value", "points", "reason", "claim", "evidence_file",
                                "evidence_name"], rows)
    lowest = locked.band_names[-1]
    open_candidates = {c.org_id: c for c in Candidate.objects.filter(scheme=locked)}
    add_candidates, update_candidates, drop = [], [], []
    for pk in org_ids:
        grade = grades[pk]
        _set_total(grade, totals[pk], locked)
        grade.computed_at = now
        reasons = rules.backward_reasons(queries.candidate_facts(facts[pk], grade.grade or grade.suggested, lowest),
                                         locked.backward)
        existing = open_candidates.get(pk)
        if existing is None:
            if reasons:
                add_candidates.append(Candidate(scheme=locked, org_id=pk, year=locked.year, reasons=reasons))
        elif existing.state == CandidateState.OPEN:
            if reasons:
                existing.reasons = reasons
                update_candidates.append(existing)
            else:
                drop.append(existing.pk)
    bulk.update_objects([grades[pk] for pk in org_ids], ["score", "suggested", "computed_at"])
    Candidate.objects.bulk_create(add_candidates, batch_size=2000)
    Candidate.objects.bulk_update(update_candidates, ["reasons"], batch_size=2000)
    Candidate.objects.filter(pk__in=drop).delete()
    locked.computed_at = now
    locked.save(update_fields=["computed_at"])
    record_change(actor=acting_user, action="assessment_compute", obj=locked,
                  after={"organisations": len(org_ids), "candidates": len(add_candidates) + len(update_candidates)})
    return len(org_ids)


def _total(grade: Grade, scores: Sequence[Score], scheme: Scheme) -> None:
    _set_total(grade, sum((s.points or Decimal(0) for s in scores), Decimal(0)), scheme)


def _set_total(grade: Grade, total: Decimal, scheme: Scheme) -> None:
    grade.score = total.quantize(rules.CENT)
    grade.suggested = rules.suggest_grade(grade.score, scheme.bands, satisfaction_percent=grade.satisfaction,
                                          gate_percent=scheme.gate_percent, gate_blocks=scheme.gate_blocks).grade


def _retotal(grade: Grade) -> None:
    _total(grade, list(grade.scores.all()), grade.scheme)


# -- the flow of one grade ---------------------------------------------------------------------------

def _own_entered(acting_user, score: Score, field: str, what: str) -> tuple[Grade, Score]:
    """The locked grade and the score of an entered indicator the assessed organisation may still
    self-assess (its own scope, before the 自评 is submitted)."""
    grade = _lock_grade(score.grade)
    require(acting_user, CHANGE, grade.org, message=f"无权为该党组织{what}自评")
    _not_published(grade)
    if grade.stage != Stage.SELF:
        raise ValidationError({field: f"自评已提交，不能再{what}"})
    score = Score.objects.select_related("indicator").get(pk=score.pk)
    if score.indicator.method != Method.ENTERED:
        raise ValidationError({field: f"该指标由平台计算，不需{what}"})
    return grade, score


@audited_transaction()
def claim_enter(*, acting_user, score: Score, claim: str, claim_points=None) -> Score:
    """自评: the assessed organisation states what it did, with its evidence, for an entered indicator."""
    grade, score = _own_entered(acting_user, score, "claim", "填报")
    claim = (claim or "").strip()
    if not claim:
        raise ValidationError({"claim": "请填写自评说明及佐证"})
    if len(claim) > 5000:
        raise ValidationError({"claim": f"自评说明最多 5000 字（现为 {len(claim)} 字）"})
    score.claim = claim
    if claim_points not in (None, ""):
        score.claim_points = _decimal(claim_points, "claim_points", high=score.indicator.weight)
    score.save()
    record_change(actor=acting_user, action="assessment_claim", obj=grade,
                  after={"indicator": score.indicator.name, "claim_points": str(score.claim_points or "")})
    return score


@audited_transaction()
def claim_file(*, acting_user, score: Score, upload) -> Score:
    """自评佐证文件 of an entered indicator: checked by its content and size, like every evidence file
    (``core.documents.inspect_document``); a new file replaces the previous one."""
    grade, score = _own_entered(acting_user, score, "file", "上传佐证")
    if upload is None:
        raise ValidationError({"file": "请选择佐证文件"})
    file_type, content = inspect_document(upload)
    before = score.evidence_name
    score.evidence_name = os.path.basename(getattr(upload, "name", "") or "file")[:200]
    score.evidence_file.save(f"evidence.{file_type}", ContentFile(content), save=False)
    score.save()
    record_change(actor=acting_user, action="assessment_claim_file", obj=grade,
                  before={"indicator": score.indicator.name, "file": before},
                  after={"indicator": score.indicator.name, "file": score.evidence_name})
    return score


@audited_transaction()
def self_submit(*, acting_user, grade: Grade, summary: str, expected_version: int | None = None) -> Grade:
    locked = _lock_grade(grade)
    require(acting_user, CHANGE, locked.org, message="无权提交该党组织的自评")
    _check_version(locked, expected_version)
    if locked.stage != Stage.SELF:
        raise ValidationError({"stage": "自评已提交"})
    summary = (summary or "").strip()
    if not summary:
        raise ValidationError({"summary": "请填写自评情况"})
    locked.self_summary = summary[:5000]
    return _step(acting_user, locked, "assessment_self", stage=Stage.SURVEY)


@audited_transaction()
def score_enter(*, acting_user, score: Score, points) -> Score:
    """上级评分 of an entered indicator."""
    grade = _lock_grade(score.grade)
    _require_reviewer(acting_user, grade.org, "评分")
    _not_published(grade)
    score = Score.objects.select_related("indicator").get(pk=score.pk)
    if score.indicator.method != Method.ENTERED:
        raise ValidationError({"points": "该指标由平台计算，不能人工评分；如有错误请核对原始记录"})
    before = str(score.points) if score.points is not None else ""
    score.points = _decimal(points, "points", high=score.indicator.weight)
    score.scored_by, score.scored_at = user_or_none(acting_user), timezone.now()
    score.save()
    _retotal(grade)
    grade.version += 1
    grade.save()
    record_change(actor=acting_user, action="assessment_score", obj=grade,
                  before={"indicator": score.indicator.name, "points": before},
                  after={"indicator": score.indicator.name, "points": str(score.points)})
    return score


@audited_transaction()
def survey_enter(*, acting_user, grade: Grade, satisfied: int, basic: int, unsatisfied: int,
                 expected_version: int | None = None) -> Grade:
    """群众测评: the tallies of 满意 / 基本满意 / 不满意."""
    locked = _lock_grade(grade)
    _require_reviewer(acting_user, locked.org, "录入群众测评结果")
    _check_version(locked, expected_version)
    _not_published(locked)
    counts = {}
    for field, value in (("satisfied", satisfied), ("basic", basic), ("unsatisfied", unsatisfied)):
        try:
            counts[field] = int(value)
        except (TypeError, ValueError):
            raise ValidationError({field: "请填写票数（整数）"}) from None
        if not 0 <= counts[field] <= 100_000:
            raise ValidationError({field: "票数应在 0 至 100000 之间"})
    if not sum(counts.values()):
        raise ValidationError({"satisfied": "有效票数不能为 0"})
    before = {f: getattr(locked, f) for f in counts}
    for field, value in counts.items():
        setattr(locked, field, value)
    _retotal(locked)
    locked.version += 1
    locked.save()
    record_change(actor=acting_user, action="assessment_survey", obj=locked, before=before, after=counts)
    return locked


@audited_transaction()
def grade_rate(*, acting_user, grade: Grade, grade_name: str, note: str = "",
               expected_version: int | None = None) -> tuple[Grade, str | None]:
    """上级评定. The 满意度 gate refuses the grades it blocks; the quota only warns (returned)."""
    locked = _lock_grade(grade)
    _require_reviewer(acting_user, locked.org, "评定等次")
    _check_version(locked, expected_version)
    if locked.stage not in (Stage.SURVEY, Stage.RATED):
        raise ValidationError({"grade_name": "自评提交后才能评定" if locked.stage == Stage.SELF
                               else "考核结果已公示，不能再评定；如需更正请填写更正记录"})
    if not (locked.satisfied + locked.basic + locked.unsatisfied):
        raise ValidationError({"grade_name": "请先录入群众测评结果"})
    unscored = locked.scores.filter(indicator__method=Method.ENTERED, points__isnull=True).count()
    if unscored:
        raise ValidationError({"grade_name": f"还有 {unscored} 项填报指标未评分"})
    scheme = locked.scheme
    error = rules.grade_gate_error(grade_name, scheme.bands, locked.satisfaction, scheme.gate_percent,
                                   scheme.gate_blocks)
    if error:
        raise ValidationError({"grade_name": error})
    locked.rating_note = (note or "").strip()[:5000]
    _step(acting_user, locked, "assessment_rate", stage=Stage.RATED, grade=grade_name)
    siblings = Grade.objects.filter(scheme=scheme).exclude(grade="").values_list("grade", flat=True)
    return locked, rules.quota_warning(list(siblings), scheme.bands, scheme.top_share)


@audited_transaction()
def grade_publicize(*, acting_user, grade: Grade, start: dt.date, expected_version: int | None = None) -> Grade:
    """公示 starts: the result is frozen from now on."""
    locked = _lock_grade(grade)
    _require_reviewer(acting_user, locked.org, "公示考核结果")
    _check_version(locked, expected_version)
    if locked.stage != Stage.RATED:
        raise ValidationError({"start": "评定等次后才能公示"})
    if start is None:
        raise ValidationError({"start": "请填写公示开始日期"})
    return _step(acting_user, locked, "assessment_publicize", stage=Stage.PUBLICITY, publicity_start=start)


@audited_transaction()
def objection_add(*, acting_user, grade: Grade, text: str, raised_by: str = "", received_on: dt.date | None = None,
                  response: str = "") -> Objection:
    locked = _lock_grade(grade)
    _require_reviewer(acting_user, locked.org, "登记公示异议")
    if locked.stage != Stage.PUBLICITY:
        raise ValidationError({"text": "只在公示期间登记异议"})
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "请填写异议内容"})
    objection = Objection.objects.create(grade=locked, text=text[:5000], raised_by=(raised_by or "").strip()[:100],
                                         received_on=received_on or timezone.localdate(),
                                         response=(response or "").strip()[:5000])
    record_change(actor=acting_user, action="assessment_objection", obj=locked, after={"objection": text[:200]})
    return objection


@audited_transaction()
def objection_answer(*, acting_user, objection: Objection, response: str) -> Objection:
    locked = _lock_grade(objection.grade)
    _require_reviewer(acting_user, locked.org, "处理公示异议")
    response = (response or "").strip()
    if not response:
        raise ValidationError({"response": "请填写核实处理情况"})
    objection.response = response[:5000]
    objection.save()
    record_change(actor=acting_user, action="assessment_objection_answer", obj=locked,
                  after={"response": response[:200]})
    return objection


@audited_transaction()
def grade_report(*, acting_user, grade: Grade, today: dt.date | None = None,
                 expected_version: int | None = None) -> Grade:
    """上报, after a 公示 of at least five working days with every objection answered."""
    today = today or timezone.localdate()
    locked = _lock_grade(grade)
    _require_reviewer(acting_user, locked.org, "上报考核结果")
    _check_version(locked, expected_version)
    if locked.stage != Stage.PUBLICITY:
        raise ValidationError({"stage": "公示后才能上报"})
    start = locked.publicity_start or today
    error = rules.report_error(locked.publicity_start, today, work_calendar(start, today + dt.timedelta(days=30)))
    if error:
        raise ValidationError({"stage": error})
    if locked.objections.filter(response="").exists():
        raise ValidationError({"stage": "还有公示异议未核实处理"})
    return _step(acting_user, locked, "assessment_report", stage=Stage.REPORTED, reported_on=today)


@audited_transaction()
def amendment_make(*, acting_user, grade: Grade, reason: str, indicator: Indicator | None = None,
                   points=None, grade_name: str = "") -> Amendment:
    """更正 a published result: the change and its reason are kept beside the result."""
    locked = _lock_grade(grade)
    _require_reviewer(acting_user, locked.org, "更正考核结果")
    if locked.stage not in PUBLISHED_STAGES:
        raise ValidationError({"reason": "结果尚未公示，请直接修改"})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写更正原因"})
    if indicator is not None:
        score = locked.scores.select_related("indicator").get(indicator=indicator)
        new = _decimal(points, "points", high=indicator.weight)
        before, after = str(score.points), str(new)
        score.points = new
        score.reason = f"更正：{reason}"[:300]
        score.save()
        _retotal(locked)
    else:
        error = rules.grade_gate_error(grade_name, locked.scheme.bands, locked.satisfaction,
                                       locked.scheme.gate_percent, locked.scheme.gate_blocks)
        if error:
            raise ValidationError({"grade_name": error})
        before, after = locked.grade, grade_name
        locked.grade = grade_name
    locked.version += 1
    locked.save()
    amendment = Amendment.objects.create(grade=locked, indicator=indicator, before=before, after=after,
                                         reason=reason[:2000], made_by=actor_name(acting_user))
    record_change(actor=acting_user, action="assessment_amend", obj=locked, before={"value": before},
                  after={"value": after}, note=reason)
    return amendment


# -- 后进/软弱涣散 and 整顿 ----------------------------------------------------------------------------

def _lock_candidate(candidate: Candidate) -> Candidate:
    return (Candidate.objects.select_for_update(of=("self",)).select_related("org", "org__parent", "item")
            .get(pk=candidate.pk))


@audited_transaction()
def candidate_confirm(*, acting_user, candidate: Candidate, months: int = DEFAULT_RECTIFY_MONTHS, note: str = "",
                      today: dt.date | None = None) -> Candidate:
    """确认为后进/软弱涣散: a 整顿 problem item in 三单, owned by the organisation with its level above,
    its secretary and the contact who confirmed it."""
    today = today or timezone.localdate()
    locked = _lock_candidate(candidate)
    _require_reviewer(acting_user, locked.org, "认定后进/软弱涣散党组织")
    if locked.state != CandidateState.OPEN:
        raise ValidationError({"months": f"该提示已{locked.get_state_display()}"})
    try:
        months = int(months)
    except (TypeError, ValueError):
        raise ValidationError({"months": "整顿期限应为月数"}) from None
    if not 1 <= months <= MAX_RECTIFY_MONTHS:
        raise ValidationError({"months": f"整顿期限应在 1 至 {MAX_RECTIFY_MONTHS} 个月之间（默认 6 个月）"})
    deadline = rules.rectify_deadline(today, months)
    secretaries = list(CommitteePost.objects.filter(term__org=locked.org, term__is_current=True,
                                                    post=Post.SECRETARY).values_list("member__name", flat=True))
    persons = list(_users_at(locked.org))
    if acting_user is not SYSTEM:
        persons.append(acting_user)
    names = "、".join([*secretaries, actor_name(acting_user)])[:300]
    item = worklist_actions.item_create(
        acting_user=acting_user, org=locked.org, kind=Kind.PROBLEM, source=Source.SUPERVISION,
        title=f"{locked.org.display_name}后进/软弱涣散整顿（{locked.year}年）"[:300],
        symptoms="；".join(locked.reasons)[:5000], description=(note or "").strip()[:5000],
        deadline=deadline, person_names=names,
        orgs=[locked.org.parent] if locked.org.parent_id else [], persons=persons,
        measures=["制定整顿方案", "按月报告整顿进展", "整顿完成后申请销号"])
    locked.item, locked.decided_note = item, (note or "").strip()[:5000]
    return _step(acting_user, locked, "assessment_candidate_confirm", state=CandidateState.CONFIRMED,
                 deadline=deadline)


def _users_at(org):
    return [p.user for p in Position.objects.filter(org=org, role="secretary").select_related("user")]


@audited_transaction()
def candidate_dismiss(*, acting_user, candidate: Candidate, note: str) -> Candidate:
    locked = _lock_candidate(candidate)
    _require_reviewer(acting_user, locked.org, "认定后进/软弱涣散党组织")
    if locked.state != CandidateState.OPEN:
        raise ValidationError({"note": f"该提示已{locked.get_state_display()}"})
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": "请填写不予认定的理由"})
    locked.decided_note = note[:5000]
    return _step(acting_user, locked, "assessment_candidate_dismiss", note=note, state=CandidateState.DISMISSED)


@audited_transaction()
def candidate_lift(*, acting_user, candidate: Candidate, today: dt.date | None = None) -> Candidate:
    """摘帽: only after the 整顿 item's 销号."""
    locked = _lock_candidate(candidate)
    _require_reviewer(acting_user, locked.org, "摘帽")
    if locked.state != CandidateState.CONFIRMED:
        raise ValidationError({"state": "只有整顿中的党组织可以摘帽"})
    if locked.item is None or locked.item.state != State.CLOSED:
        raise ValidationError({"state": "整顿事项销号后才能摘帽"})
    return _step(acting_user, locked, "assessment_candidate_lift", state=CandidateState.LIFTED,
                 lifted_on=today or timezone.localdate())
