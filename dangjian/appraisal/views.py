"""Pages of 述职评议, 民主评议党员 and 党员积分. Views read the request and call queries and actions;
every lookup is scoped (an id outside the user's subtree is 404), every write goes through an action."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from dangjian.accounts.queries import scope_root
from dangjian.core.errors import ActionDenied, VersionConflict
from dangjian.core.excel import xlsx_response
from dangjian.core.history import record_export
from dangjian.core.scoping import CHANGE, path_in_scope, scope_prefixes
from dangjian.core.shortcuts import (
    NO_CHANGE_SCOPE,
    change_scope_required,
    get_scoped_or_404,
    paginate,
    parse_id,
    run_action,
)
from dangjian.core.tree import parent_path
from dangjian.members.queries import member_of
from dangjian.orglife.choices import MeetingType
from dangjian.orglife.models import Meeting
from dangjian.orgs.choices import BRANCH_KINDS
from dangjian.orgs.models import Organization

from . import actions, exporting, queries, rules
from .choices import EXCLUSION_REASONS, STAGE_ORDER, AppealOutcome, EntryState, Grade, Rating, Stage
from .forms import (
    AppraisalForm,
    ClaimForm,
    DecideForm,
    DisposalDoneForm,
    DisposalForm,
    PersonForm,
    ProblemForm,
    ReportUploadForm,
    RoundForm,
    RuleForm,
    SourceRuleForm,
    TallyForm,
)
from .models import (
    Appeal,
    Appraisal,
    AppraisalMember,
    DisposalRecord,
    PointsEntry,
    PointsRule,
    ReportEntry,
    ReportProblem,
    ReportRound,
)


def _year(request) -> int:
    raw = parse_id(request.GET.get("year"))
    return raw if raw and 2000 <= raw <= 2100 else timezone.localdate().year


def _org(request) -> Organization:
    pk = parse_id(request.GET.get("org"))
    org = Organization.objects.restrict(request.user).filter(pk=pk).first() if pk else None
    org = org or scope_root(request.user)
    if org is None:
        raise PermissionDenied("您的账号没有可查看的党组织")
    return org


def _attempt(request, call, success: str) -> bool:
    """Run an action for a one-button form: a message either way, True when it was done."""
    try:
        call()
    except VersionConflict:
        messages.error(request, "该记录已被他人修改，请查看最新内容后重新操作")
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    except ActionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, success)
        return True
    return False


def _version(form) -> int:
    return form.cleaned_data.get("version") or 0


# -- 民主评议党员 ----------------------------------------------------------------------------------------

@login_required
def index(request):
    org, year = _org(request), _year(request)
    data = queries.overview(org, year)
    branch = org.kind in BRANCH_KINDS
    own = Appraisal.objects.filter(org=org, year=year).first() if branch else None
    return render(request, "appraisal/index.html", {
        "org": org, "year": year, "overview": data, "branch": branch, "own": own, "grades": Grade.choices,
        "can_start": branch and own is None and path_in_scope(request.user, CHANGE, org.path),
        "ancestors": Organization.objects.restrict(request.user).filter(path__in=org.ancestor_paths()),
        "years": range(timezone.localdate().year, timezone.localdate().year - 4, -1),
    })


@change_scope_required
@require_POST
def review_start(request):
    org = get_scoped_or_404(Organization, request.user, request.POST.get("org"), CHANGE)
    year = parse_id(request.POST.get("year")) or timezone.localdate().year
    meeting = _review_meetings(org, year).first()
    try:
        appraisal = actions.appraisal_start(acting_user=request.user, org=org, year=year, meeting=meeting)
    except (ValidationError, ActionDenied) as exc:
        messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
        return redirect(f"{reverse('appraisal:index')}?org={org.pk}&year={year}")
    messages.success(request, f"已开始{year}年度民主评议党员，共 {appraisal.people.count()} 名党员")
    return redirect("appraisal:review", appraisal.pk)


def _review_meetings(org, year: int):
    first, last = rules.meeting_window(year)
    return (Meeting.objects.filter(org=org, held_at__date__gte=first, held_at__date__lte=last,
                                   type_codes__contains=MeetingType.REVIEW).order_by("-held_at"))


@login_required
def review(request, pk):
    appraisal = get_scoped_or_404(Appraisal, request.user, pk, queryset=queries.appraisals_for(request.user))
    can_change = path_in_scope(request.user, CHANGE, appraisal.org.path)
    people = list(appraisal.people.select_related("disposal").order_by("id"))
    stage_index = STAGE_ORDER.index(appraisal.stage)
    facts = queries.member_facts([p.member_id for p in people], appraisal.year)
    for person in people:
        person.facts = facts.get(person.member_id, [])
        person.form = PersonForm(initial={**{f: getattr(person, f) for f in actions.PERSON_FIELDS},
                                          "version": person.version}, prefix=f"p{person.pk}")
        person.suggestion = rules.vote_suggestion(person.tallies)
    meetings = _review_meetings(appraisal.org, appraisal.year)
    form = AppraisalForm(initial={"meeting": appraisal.meeting_id, "voters": appraisal.voters,
                                  "version": appraisal.version}, meetings=meetings)
    return render(request, "appraisal/review.html", {
        "appraisal": appraisal, "people": people, "can_change": can_change, "form": form,
        "stages": [(s, s.label, i < stage_index, i == stage_index) for i, s in enumerate(STAGE_ORDER)],
        "warnings": queries.appraisal_warnings(appraisal), "reasons": EXCLUSION_REASONS,
        "disposal_form": DisposalForm(), "done_form": DisposalDoneForm(),
        "fields": actions.STAGE_FIELDS[Stage(appraisal.stage)],
        "appeals": Appeal.objects.filter(person__appraisal=appraisal).select_related("person").order_by("id"),
        "can_answer": bool(parent_path(appraisal.org.path))
        and path_in_scope(request.user, CHANGE, parent_path(appraisal.org.path)),
        "outcomes": AppealOutcome.choices, "grades": Grade.choices,
    })


@change_scope_required
@require_POST
def review_update(request, pk):
    appraisal = get_scoped_or_404(Appraisal, request.user, pk, CHANGE)
    form = AppraisalForm(request.POST, meetings=_review_meetings(appraisal.org, appraisal.year))
    if form.is_valid():
        meeting = _review_meetings(appraisal.org, appraisal.year).filter(pk=form.cleaned_data["meeting"]).first()
        _attempt(request, lambda: actions.appraisal_update(
            acting_user=request.user, appraisal=appraisal, meeting=meeting, voters=form.cleaned_data["voters"],
            expected_version=_version(form)), "已保存")
    else:
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
    return redirect("appraisal:review", pk)


@change_scope_required
@require_POST
def review_advance(request, pk):
    appraisal = get_scoped_or_404(Appraisal, request.user, pk, CHANGE)
    _attempt(request, lambda: actions.appraisal_advance(
        acting_user=request.user, appraisal=appraisal, expected_version=parse_id(request.POST.get("version")) or 0),
        "已进入下一环节")
    return redirect("appraisal:review", pk)


@change_scope_required
@require_POST
def person_update(request, pk):
    person = get_scoped_or_404(AppraisalMember, request.user, pk, CHANGE)
    form = PersonForm(request.POST, prefix=f"p{person.pk}")
    if form.is_valid():
        allowed = actions.STAGE_FIELDS[Stage(person.appraisal.stage)]
        changes = {k: v for k, v in form.cleaned_data.items() if k in allowed}
        _attempt(request, lambda: actions.person_update(acting_user=request.user, person=person,
                                                        expected_version=_version(form), **changes),
                 f"已保存{person.name}的评议情况")
    else:
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
    return redirect(f"{reverse('appraisal:review', args=[person.appraisal_id])}#person-{person.pk}")


@change_scope_required
@require_POST
def disposal_create(request, pk):
    person = get_scoped_or_404(AppraisalMember, request.user, pk, CHANGE)
    form = DisposalForm(request.POST)
    if form.is_valid():
        _attempt(request, lambda: actions.disposal_create(acting_user=request.user, person=person,
                                                          **form.cleaned_data), "已登记组织处置")
    else:
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
    return redirect("appraisal:review", person.appraisal_id)


@change_scope_required
@require_POST
def disposal_done(request, pk):
    record = get_scoped_or_404(DisposalRecord, request.user, pk, CHANGE)
    form = DisposalDoneForm(request.POST)
    if form.is_valid():
        _attempt(request, lambda: actions.disposal_done(acting_user=request.user, disposal=record,
                                                        done_note=form.cleaned_data["done_note"],
                                                        expected_version=_version(form)), "组织处置已办结")
    else:
        messages.error(request, "请填写办结情况")
    return redirect("appraisal:review", record.person.appraisal_id)


@login_required
def review_export(request):
    org, year = _org(request), _year(request)
    qs = queries.people_for(request.user).filter(appraisal__org__path__startswith=org.path, appraisal__year=year)
    rows = qs.count()
    record_export(actor=request.user, what="民主评议党员结果登记表", model="appraisal.appraisalmember", rows=rows,
                  filters={"org": org.code, "year": year})
    return xlsx_response(lambda target: exporting.write_results(target, qs, title=f"{org.name}{year}年度"),
                         f"民主评议党员结果登记表_{year}.xlsx")


# -- 述职评议 --------------------------------------------------------------------------------------------

@login_required
def rounds(request):
    form = RoundForm(request.POST or None, user=request.user,
                     initial={"year": timezone.localdate().year, "good_share": 60, "fair_share": 70, "poor_share": 30})
    if request.method == "POST":
        if not scope_prefixes(request.user, CHANGE):
            raise PermissionDenied(NO_CHANGE_SCOPE)
        if form.is_valid():
            data = dict(form.cleaned_data)
            created = run_action(form, lambda: actions.round_create(acting_user=request.user, **data))
            if created is not None:
                messages.success(request, f"已建立“{created.title}”，共 {created.entries.count()} 名书记")
                return redirect("appraisal:round", created.pk)
    return render(request, "appraisal/rounds.html", {
        "rounds": queries.rounds_for(request.user).order_by("-year", "org__path")[:200], "form": form,
        "can_change": Organization.objects.restrict(request.user, CHANGE).exists(),
        "ballots": queries.round_ballots_open(request.user),
    })


@login_required
def round_detail(request, pk):
    r = get_scoped_or_404(ReportRound, request.user, pk, queryset=queries.rounds_for(request.user))
    entries = list(r.entries.select_related("org").prefetch_related("problems"))
    return render(request, "appraisal/round.html", {
        "round": r, "entries": entries,
        "distribution": [(queries.RATING_LABELS[c], n) for c, n in queries.report_distribution(r).items() if c],
        "can_change": path_in_scope(request.user, CHANGE, r.org.path),
        "can_vote": r.voting and bool(queries.round_voter_orgs(request.user, r))
        and not r.ballots.filter(voter=request.user).exists(),
    })


@login_required
def round_export(request, pk):
    r = get_scoped_or_404(ReportRound, request.user, pk, queryset=queries.rounds_for(request.user))
    record_export(actor=request.user, what="书记述职评议结果表", model="appraisal.reportentry",
                  rows=r.entries.count(), filters={"round": r.pk}, object_id=r.pk)
    return xlsx_response(lambda target: exporting.write_round(target, r), f"书记述职评议结果表_{r.year}.xlsx")


@login_required
@require_POST
def round_voting(request, pk):
    """Open or close account voting (the organising level)."""
    r = get_scoped_or_404(ReportRound, request.user, pk, queryset=queries.rounds_for(request.user))
    voting = request.POST.get("voting") == "1"
    _attempt(request, lambda: actions.round_voting(acting_user=request.user, round=r, voting=voting,
                                                  expected_version=parse_id(request.POST.get("version"))),
             "已开始账号投票" if voting else "已结束账号投票")
    return redirect("appraisal:round", r.pk)


@login_required
def round_ballot(request, pk):
    """述职评议 with one's own account: 好/较好/一般/差 for every secretary one may rate (secret)."""
    place = queries.round_ballot_place(request.user, pk)
    if place is None:
        raise Http404("您不是本次述职评议的投票人")
    r, voter_orgs = place
    entries = list(queries.rateable_entries(request.user, r, voter_orgs))
    if request.method == "POST":
        choices = {e.pk: request.POST.get(f"e{e.pk}", "") for e in entries if request.POST.get(f"e{e.pk}")}
        if _attempt(request, lambda: actions.round_ballot_cast(acting_user=request.user, round=r, choices=choices),
                    "已投票，感谢参加述职评议"):
            return redirect("appraisal:rounds")
    return render(request, "appraisal/round_ballot.html", {
        "round": r, "entries": entries, "ratings": Rating.choices,
        "voted": r.ballots.filter(voter=request.user).exists(), "posted": request.POST,
    })


@login_required
def entry_detail(request, pk):
    entry = get_scoped_or_404(ReportEntry, request.user, pk, queryset=queries.entries_for(request.user))
    organiser = path_in_scope(request.user, CHANGE, entry.round.org.path)
    own = path_in_scope(request.user, CHANGE, entry.org.path)
    tally_form = TallyForm(initial={**entry.entered, "version": entry.version})
    upload_form, problem_form = ReportUploadForm(), ProblemForm()
    if request.method == "POST":
        what = request.POST.get("what")
        if what == "tally":
            tally_form = TallyForm(request.POST)
            if tally_form.is_valid():
                data = {k: v for k, v in tally_form.cleaned_data.items() if k != "version"}
                if run_action(tally_form, lambda: actions.entry_tally(
                        acting_user=request.user, entry=entry, expected_version=_version(tally_form), **data)):
                    messages.success(request, "已保存评议票数")
                    return redirect("appraisal:entry", pk)
        elif what == "report":
            upload_form = ReportUploadForm(request.POST, request.FILES)
            if upload_form.is_valid() and run_action(upload_form, lambda: actions.entry_report(
                    acting_user=request.user, entry=entry, upload=upload_form.cleaned_data["file"])):
                messages.success(request, "已上传述职报告")
                return redirect("appraisal:entry", pk)
        elif what == "problem":
            problem_form = ProblemForm(request.POST)
            if problem_form.is_valid() and run_action(problem_form, lambda: actions.problem_add(
                    acting_user=request.user, entry=entry, text=problem_form.cleaned_data["text"])):
                messages.success(request, "已登记问题")
                return redirect("appraisal:entry", pk)
    return render(request, "appraisal/entry.html", {
        "entry": entry, "organiser": organiser, "own": own, "tally_form": tally_form, "upload_form": upload_form,
        "problem_form": problem_form, "problems": entry.problems.select_related("item"),
    })


@login_required
def entry_report(request, pk):
    entry = get_scoped_or_404(ReportEntry, request.user, pk, queryset=queries.entries_for(request.user))
    if not entry.report_file:
        raise Http404("尚未上传述职报告")
    record_export(actor=request.user, what="述职报告", model="appraisal.reportentry", rows=1,
                  filters={"entry": entry.pk}, action="download")
    return FileResponse(entry.report_file.open("rb"), as_attachment=True, filename=entry.report_name)


@login_required
def points_evidence(request, pk):
    """The evidence file of a points claim, for the branch and levels above, and the member."""
    entry = queries.evidence_readable(request.user, pk)
    if entry is None or not entry.evidence_file:
        raise Http404("没有这份佐证文件")
    record_export(actor=request.user, what="积分申报佐证", model="appraisal.pointsentry", rows=1,
                  filters={"entry": entry.pk}, action="download", object_id=entry.pk)
    return FileResponse(entry.evidence_file.open("rb"), as_attachment=True, filename=entry.evidence_name)


@change_scope_required
@require_POST
def problem_item(request, pk):
    problem = get_scoped_or_404(ReportProblem, request.user, pk, CHANGE)
    done = _attempt(request, lambda: actions.problem_to_item(acting_user=request.user, problem=problem),
                    "已列入问题清单")
    problem.refresh_from_db()
    if done and problem.item_id:
        return redirect("worklists:detail", problem.item_id)
    return redirect("appraisal:entry", problem.entry_id)


# -- 党员积分 --------------------------------------------------------------------------------------------

@login_required
def points(request):
    org, year = _org(request), _year(request)
    start, end = queries.year_bounds(year)
    qs = queries.points_for(request.user).filter(org__path__startswith=org.path, on__gte=start, on__lte=end)
    state = request.GET.get("state")
    if state in EntryState.values:
        qs = qs.filter(state=state)
    can_change = path_in_scope(request.user, CHANGE, org.path)
    claim_form = ClaimForm(user=request.user, rules=actions.applicable_rules(org).exclude(category="attendance"))
    return render(request, "appraisal/points.html", {
        "org": org, "year": year, "page": paginate(request, qs.order_by("-on", "-id")), "state": state,
        "states": EntryState.choices, "can_change": can_change, "claim_form": claim_form,
        "pending": qs.model.objects.restrict(request.user, CHANGE).filter(
            org__path__startswith=org.path, state=EntryState.PENDING).select_related("member", "rule")[:50],
        "rankings": queries.rankings_enabled(org), "decide_form": DecideForm(),
    })


@change_scope_required
@require_POST
def points_claim(request):
    org = _org(request)
    form = ClaimForm(request.POST, request.FILES, user=request.user, rules=actions.applicable_rules(org))
    if form.is_valid():
        rule = PointsRule.objects.get(pk=form.cleaned_data["rule"])
        _attempt(request, lambda: actions.entry_claim(
            acting_user=request.user, member=form.cleaned_data["member"], rule=rule, on=form.cleaned_data["on"],
            reason=form.cleaned_data["reason"], evidence_text=form.cleaned_data["evidence_text"],
            upload=form.cleaned_data["file"]), "已提交积分申报，待支部审核")
    else:
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
    return redirect(f"{reverse('appraisal:points')}?org={org.pk}")


@change_scope_required
@require_POST
def points_decide(request, pk):
    entry = get_scoped_or_404(PointsEntry, request.user, pk, CHANGE)
    form = DecideForm(request.POST)
    form.is_valid()
    approve = request.POST.get("approve") == "1"
    _attempt(request, lambda: actions.entry_decide(acting_user=request.user, entry=entry, approve=approve,
                                                   note=form.cleaned_data.get("note", ""),
                                                   expected_version=_version(form)),
             "已认定" if approve else "已退回")
    return redirect(f"{reverse('appraisal:points')}?org={entry.org_id}")


@login_required
def points_export(request):
    org, year = _org(request), _year(request)
    start, end = queries.year_bounds(year)
    qs = queries.points_for(request.user).filter(org__path__startswith=org.path, on__gte=start, on__lte=end)
    record_export(actor=request.user, what="积分台账", model="appraisal.pointsentry", rows=qs.count(),
                  filters={"org": org.code, "year": year})
    return xlsx_response(lambda target: exporting.write_ledger(target, qs), f"党员积分台账_{year}.xlsx")


@login_required
def ranking(request):
    org, year = _org(request), _year(request)
    if not queries.rankings_enabled(org):
        raise PermissionDenied("本组织未开启积分排名（默认不开启，可由党组织在积分规则页开启）")
    return render(request, "appraisal/ranking.html", {"org": org, "year": year,
                                                      "rows": queries.totals(org, year)[:500]})


@login_required
def points_rules(request):
    what = request.POST.get("what")
    form = RuleForm(request.POST if request.method == "POST" and what is None else None, user=request.user)
    sources = queries.source_labels()
    year = _year(request)
    source_form = SourceRuleForm(request.POST if what == "source" else None, user=request.user, sources=sources,
                                 initial={"year": year})
    if request.method == "POST" and what == "source" and source_form.is_valid():
        data = dict(source_form.cleaned_data)
        if run_action(source_form, lambda: actions.source_rule_set(acting_user=request.user, **data)):
            messages.success(request, "已保存平台计算的积分项目，下次生成积分时按此计算")
            return redirect(f"{reverse('appraisal:rules')}?year={data['year']}")
    if request.method == "POST" and what == "setting":
        org = get_scoped_or_404(Organization, request.user, request.POST.get("org"), CHANGE)
        _attempt(request, lambda: actions.setting_set(acting_user=request.user, org=org,
                                                      rankings=request.POST.get("rankings") == "1"),
                 "已保存积分设置")
        return redirect("appraisal:rules")
    if request.method == "POST" and what is None and form.is_valid():
        data = dict(form.cleaned_data)
        data["points"] = data["points"] or 0
        if run_action(form, lambda: actions.rule_create(acting_user=request.user, **data)):
            messages.success(request, "已新建积分规则")
            return redirect("appraisal:rules")
    root = scope_root(request.user)
    return render(request, "appraisal/rules.html", {
        "rules": queries.rules_visible(request.user).order_by("org__path", "category", "id")[:300], "form": form,
        "root": root, "rankings": queries.rankings_enabled(root) if root else False,
        "can_change": root is not None and path_in_scope(request.user, CHANGE, root.path),
        "year": year, "source_form": source_form, "source_labels": sources,
        "source_rules": queries.source_rules_visible(request.user, year)[:300],
    })


# -- 本人 ------------------------------------------------------------------------------------------------

@login_required
@require_POST
def appeal_file(request, pk):
    """申诉 against one's own completed result (from 我的评议与积分)."""
    person = AppraisalMember.objects.filter(pk=pk if str(pk).isdigit() else None,
                                            member=member_of(request.user)).first()
    if person is None:
        raise Http404("未找到您的评议结果")
    _attempt(request, lambda: actions.appeal_file(acting_user=request.user, person=person,
                                                  text=request.POST.get("text", "")), "已提出申诉，待上级党组织复查")
    return redirect("appraisal:me")


@login_required
@require_POST
def appeal_answer(request, pk):
    appeal = get_scoped_or_404(Appeal, request.user, pk, queryset=Appeal.objects.select_related("person"))
    _attempt(request, lambda: actions.appeal_answer(
        acting_user=request.user, appeal=appeal, outcome=request.POST.get("outcome", ""),
        response=request.POST.get("response", ""), grade=request.POST.get("grade", "")), "已登记复查结果")
    return redirect("appraisal:review", pk=appeal.person.appraisal_id)


@login_required
def ballot(request, pk):
    """民主测评 with the member's own account: a grade for every other member appraised (secret)."""
    person = queries.ballot_place(member_of(request.user), pk)
    if person is None:
        raise Http404("您不是本次民主评议的参评党员")
    appraisal = person.appraisal
    others = list(appraisal.people.filter(exclusion="").exclude(pk=person.pk).order_by("id"))
    if request.method == "POST":
        choices = {p.pk: request.POST.get(f"p{p.pk}", "") for p in others if request.POST.get(f"p{p.pk}")}
        if _attempt(request, lambda: actions.ballot_cast(acting_user=request.user, appraisal=appraisal,
                                                         choices=choices), "已投票，感谢参加民主测评"):
            return redirect("appraisal:me")
    return render(request, "appraisal/ballot.html", {
        "appraisal": appraisal, "others": others, "grades": Grade.choices,
        "voted": appraisal.ballots.filter(voter=person).exists(), "posted": request.POST,
    })


@login_required
def me(request):
    member = member_of(request.user)
    if member is None:
        raise Http404("您的账号未关联党员信息")
    year = _year(request)
    ledger = queries.member_ledger(member, year)
    results = (AppraisalMember.objects.filter(member=member, appraisal__stage=Stage.DONE)
               .select_related("appraisal__org", "disposal", "appeal").order_by("-appraisal__year"))
    rules = actions.applicable_rules(member.org).exclude(category="attendance")
    form = ClaimForm(request.POST or None, request.FILES or None, user=request.user, rules=rules, member=member)
    if request.method == "POST" and form.is_valid():
        rule = rules.get(pk=form.cleaned_data["rule"])
        data = {k: form.cleaned_data[k] for k in ("on", "reason", "evidence_text")}
        if run_action(form, lambda: actions.entry_claim(acting_user=request.user, member=member, rule=rule,
                                                        upload=form.cleaned_data["file"], **data)):
            messages.success(request, "已提交积分申报，待支部审核")
            return redirect("appraisal:me")
    return render(request, "appraisal/me.html", {"member": member, "year": year, "ledger": ledger,
                                                 "results": results, "form": form,
                                                 "ballots": queries.ballots_open(member)})

