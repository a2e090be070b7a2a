"""Pages of 督查、观摩、评选. Every campaign is opened through ``queries.campaign_or_404`` (organiser,
granted inspector or judge, or the inspected); every write goes through an action."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST

from dangjian.core.documents import PHOTO_CONTENT_TYPES
from dangjian.core.excel import xlsx_response
from dangjian.core.excel.responses import content_disposition
from dangjian.core.history import history_of, record_export
from dangjian.core.replicas import reading
from dangjian.core.scoping import CHANGE, allows, scope_prefixes
from dangjian.core.shortcuts import change_scope_required, get_scoped_or_404, paginate, parse_id, run_action

from . import actions, exporting, forms, queries
from .choices import OBSERVATION_KINDS, SELECTION_KINDS, ApplicationState, CampaignKind, ItemStatus
from .models import Application, Finding, FindingPhoto, Objection, Target, Title

MANAGER_ONLY = "只有组织单位（对其有修改权限的岗位）可以进行此操作"


def _open(request, pk):
    return queries.campaign_or_404(request.user, pk, timezone.localdate())


def _managed(request, pk):
    campaign, access = _open(request, pk)
    if not access.manager:
        raise PermissionDenied(MANAGER_ONLY)
    return campaign, access


def _target(campaign, access, request, tid) -> Target:
    target = queries.targets_for(request.user, access).filter(pk=parse_id(tid) or 0).first()
    if target is None:
        raise Http404("未找到该对象")
    return target


@login_required
def campaign_list(request):
    today = timezone.localdate()
    qs = queries.campaigns_for(request.user, today).order_by("-starts_on", "-id")
    kind = request.GET.get("kind", "")
    if kind in CampaignKind.values:
        qs = qs.filter(kind=kind)
    return render(request, "campaigns/list.html", {
        "page": paginate(request, qs), "kinds": CampaignKind.choices, "kind": kind,
        "can_add": bool(scope_prefixes(request.user, CHANGE)),
    })


@change_scope_required
def campaign_new(request):
    form = forms.CampaignForm(request.POST or None, user=request.user, initial={
        "starts_on": timezone.localdate(), "sheet": "三会一课落实|40|查阅会议记录\n阵地建设|30|\n党员教育管理|30|"})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def create():
            revisits = None
            if data.get("revisits"):
                revisits = queries.campaigns_for(request.user).filter(pk=data["revisits"]).first()
                if revisits is None:
                    from django.core.exceptions import ValidationError

                    raise ValidationError({"revisits": "没有这个督查，或不在您的管辖范围内"})
            return actions.campaign_create(
                acting_user=request.user, org=data["org"], kind=data["kind"], title=data["title"],
                scope_org=data["scope_org"], starts_on=data["starts_on"], ends_on=data["ends_on"],
                sheet_items=actions.parse_sheet_lines(data["sheet"]), revisits=revisits,
                schedule=data["schedule"] or "", combine_method=data["combine_method"],
                trim_min_judges=data["trim_min_judges"], advanced_share=data["advanced_share"],
                lagging_share=data["lagging_share"], requirements=data["requirements"],
                checks_centres=data["checks_centres"])

        campaign = run_action(form, create)
        if campaign:
            messages.success(request, "已建立")
            return redirect("campaigns:detail", campaign.pk)
    return render(request, "campaigns/form.html", {"form": form, "title": "新建督查、观摩或评选", "multipart": False})


@login_required
def campaign_detail(request, pk):
    campaign, access = _open(request, pk)
    targets = queries.targets_for(request.user, access)
    ctx = {
        "campaign": campaign, "access": access, "targets": targets, "sheet_items": campaign.sheet.items.all()
        if campaign.sheet_id else [],
        "is_observation": campaign.kind in OBSERVATION_KINDS, "is_selection": campaign.kind in SELECTION_KINDS,
        "is_revisit": campaign.kind == CampaignKind.REVISIT,
    }
    if access.organiser:
        ctx["participants"] = campaign.participants.select_related("user", "home_org")
        ctx["history"] = history_of(campaign)[:30]
    if access.manager and not campaign.closed:
        ctx.update(sample_form=forms.SampleForm(), kinds_form=forms.KindsForm(),
                   chosen_form=forms.ChosenForm(user=request.user), grant_form=forms.GrantForm())
    if campaign.target_method == "sample":
        ctx["sample_ok"], ctx["sample_message"] = actions.sample_check(campaign)
    if ctx["is_selection"]:
        apps = campaign.applications.select_related("org")
        ctx["applications"] = apps if access.sees_all_targets else apps.filter(target__in=targets)
    if ctx["is_revisit"] and campaign.revisits_id and access.organiser:
        ctx["closed_findings"] = Finding.objects.filter(campaign_id=campaign.revisits_id, item__state="closed") \
            .select_related("target__org", "item")
    return render(request, "campaigns/detail.html", ctx)


def _post_form(request, pk, form_class, call, success, **form_kwargs):
    campaign, _ = _managed(request, pk)
    form = form_class(request.POST, **form_kwargs)
    if form.is_valid() and run_action(form, lambda: call(campaign, form.cleaned_data)) is not None:
        messages.success(request, success)
    else:
        for error in form.errors.values():
            messages.error(request, "；".join(error))
    return redirect("campaigns:detail", campaign.pk)


@login_required
@require_POST
def campaign_sample(request, pk):
    return _post_form(request, pk, forms.SampleForm, lambda c, d: actions.targets_sample(
        acting_user=request.user, campaign=c, size=d["size"], seed=d["seed"], kinds=d["kinds"]), "已随机抽取对象")


@login_required
@require_POST
def campaign_kinds(request, pk):
    return _post_form(request, pk, forms.KindsForm, lambda c, d: actions.targets_by_kinds(
        acting_user=request.user, campaign=c, kinds=d["kinds"]), "已按组织类型确定对象")


@login_required
@require_POST
def campaign_chosen(request, pk):
    return _post_form(request, pk, forms.ChosenForm, lambda c, d: actions.targets_choose(
        acting_user=request.user, campaign=c, orgs=d["codes"]), "已加入对象", user=request.user)


@login_required
@require_POST
def campaign_revisit_targets(request, pk):
    campaign, _ = _managed(request, pk)
    actions.targets_for_revisit(acting_user=request.user, campaign=campaign)
    return redirect("campaigns:detail", campaign.pk)


@login_required
@require_POST
def campaign_grant(request, pk):
    return _post_form(request, pk, forms.GrantForm, lambda c, d: actions.participant_grant(
        acting_user=request.user, campaign=c, user=d["username"], role=d["role"], home_org=d["home_org"]),
        "已授权（随活动结束而终止）")


@login_required
@require_POST
def campaign_revoke(request, pk, gid):
    campaign, _ = _managed(request, pk)
    grant = get_object_or_404(campaign.participants, pk=parse_id(gid) or 0)
    actions.participant_revoke(acting_user=request.user, grant=grant)
    return redirect("campaigns:detail", campaign.pk)


@login_required
@require_POST
def campaign_close(request, pk):
    campaign, _ = _managed(request, pk)
    actions.campaign_close(acting_user=request.user, campaign=campaign)
    messages.success(request, "活动已结束，督查人员和评委的授权随之终止")
    return redirect("campaigns:detail", campaign.pk)


@login_required
def finding_new(request, pk, tid):
    """The on-site form: narrow enough for a phone (390 px)."""
    campaign, access = _open(request, pk)
    if not access.inspector:
        raise PermissionDenied("您不是本活动的督查人员，或授权已过期")
    target = _target(campaign, access, request, tid)
    form = forms.FindingForm(request.POST or None, request.FILES or None, campaign=campaign)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        finding = run_action(form, lambda: actions.finding_record(
            acting_user=request.user, target=target, sheet_item=d["sheet_item"], score=d["score"], text=d["text"],
            is_problem=d["is_problem"], deadline=d["deadline"], photos=d["photos"]))
        if finding:
            messages.success(request, "已记录" + ("，并转为问题清单事项" if finding.item_id else ""))
            return redirect("campaigns:finding_new", campaign.pk, target.pk)
    mine = target.findings.select_related("sheet_item", "item").order_by("-id")[:50]
    return render(request, "campaigns/finding_form.html", {
        "campaign": campaign, "target": target, "form": form, "findings": mine})


@login_required
@require_POST
def finding_to_item(request, pk, fid):
    campaign, _ = _managed(request, pk)
    finding = get_object_or_404(Finding, campaign=campaign, pk=parse_id(fid) or 0)
    form = forms.ToItemForm(request.POST)
    if form.is_valid() and run_action(form, lambda: actions.finding_to_item(
            acting_user=request.user, finding=finding, deadline=form.cleaned_data["deadline"])):
        messages.success(request, "已转为问题清单事项")
    else:
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
    return redirect("campaigns:report", campaign.pk)


@login_required
@require_POST
def finding_revisit(request, pk, fid):
    campaign, access = _open(request, pk)
    if not access.inspector:
        raise PermissionDenied("您不是本次回头看的督查人员")
    finding = get_object_or_404(Finding, campaign_id=campaign.revisits_id, pk=parse_id(fid) or 0)
    form = forms.NoteForm(request.POST)
    reopen = request.POST.get("reopen") == "1"
    if form.is_valid() and run_action(form, lambda: actions.revisit_item(
            acting_user=request.user, campaign=campaign, finding=finding, reopen=reopen,
            reason=form.cleaned_data["note"])):
        messages.success(request, "已重新整改" if reopen else "回头看通过")
    else:
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
    return redirect("campaigns:detail", campaign.pk)


@login_required
@require_GET
def photo_file(request, pk):
    photo = get_object_or_404(FindingPhoto.objects.select_related("finding__campaign__org"), pk=parse_id(pk) or 0)
    campaign, access = _open(request, photo.finding.campaign_id)
    if not queries.findings_for(request.user, access).filter(pk=photo.finding_id).exists():
        raise Http404("未找到")
    return FileResponse(photo.file.open("rb"), content_type=PHOTO_CONTENT_TYPES[photo.file_type])


def _report_rows(request, campaign, access):
    findings = queries.findings_for(request.user, access).prefetch_related("photos")
    return queries.report_rows(findings, timezone.localdate())


def _prefix(name: str, *args) -> str:
    """A URL ending in ``…/1/`` without its last id: rows add their own (one reverse() per row was slow)."""
    return reverse(name, args=[*args, 1])[:-2]


def report_table_rows(request, campaign, access, rows) -> str:
    """The report's rows rendered in Python: 500 rows through the template engine took most of the
    page's time (thousands of variable lookups and localised numbers)."""
    item_url, photo_url = _prefix("worklists:detail"), _prefix("campaigns:photo")
    to_item = reverse("campaigns:to_item", args=[campaign.pk, 1])[: -len("1/to-item/")]
    token = get_token(request) if access.manager else ""
    out = []
    for r in rows:
        f = r.finding
        photos = format_html_join("", ' <a href="{}{}/">照片{}</a>',
                                  ((photo_url, p.pk, n) for n, p in enumerate(f.photos.all(), start=1)))
        if f.item_id:
            status = format_html('<a href="{}{}/"><span class="badge{}">{}</span></a>', item_url, f.item_id,
                                 " danger" if r.status == ItemStatus.OVERDUE else "", r.status_label)
        elif f.is_problem and access.manager:
            status = format_html(
                '<form method="post" action="{}{}/to-item/"><input type="hidden" name="csrfmiddlewaretoken" '
                'value="{}"><input type="date" name="deadline" value="{}" aria-label="整改时限">'
                '<button type="submit">转为问题清单</button></form>', to_item, f.pk, token,
                f.deadline.isoformat() if f.deadline else "")
        else:
            status = "待转问题清单" if f.is_problem else ""
        out.append(format_html(
            '<tr data-finding="{}"><td data-label="党组织">{}</td><td data-label="项目">{}</td>'
            '<td data-label="得分" class="num">{}</td><td data-label="发现">{}{}</td><td data-label="时限">{}</td>'
            '<td data-label="状态" class="status">{}</td></tr>\n', f.pk, f.target.org.name,
            f.sheet_item.title if f.sheet_item_id else "—", f.score if f.score is not None else "—", f.text, photos,
            f.deadline.isoformat() if f.deadline else "—", status))
    return mark_safe("".join(out))  # noqa: S308 - every piece above went through format_html


@login_required
def campaign_report(request, pk):
    campaign, access = _open(request, pk)
    rows = _report_rows(request, campaign, access)
    targets = queries.targets_for(request.user, access).count()
    return render(request, "campaigns/report.html", {
        "campaign": campaign, "access": access, "rows": rows,
        "table": report_table_rows(request, campaign, access, rows),
        "summary": exporting.summary_lines(campaign, rows, targets)})


@login_required
@require_GET
@reading()
def report_xlsx(request, pk):
    campaign, access = _open(request, pk)
    rows = _report_rows(request, campaign, access)
    targets = queries.targets_for(request.user, access).count()

    def write(out):
        count = exporting.report_xlsx(out, campaign, rows, targets)
        record_export(actor=request.user, what=f"督查通报：{campaign.title}", model="campaigns.finding", rows=count,
                      object_id=campaign.pk)

    return xlsx_response(write, f"督查通报-{campaign.title}.xlsx")


@login_required
@require_GET
@reading()
def report_docx(request, pk):
    campaign, access = _open(request, pk)
    rows = _report_rows(request, campaign, access)
    data = exporting.report_docx(campaign, rows, queries.targets_for(request.user, access).count())
    record_export(actor=request.user, what=f"督查通报：{campaign.title}", model="campaigns.finding", rows=len(rows),
                  object_id=campaign.pk)
    response = HttpResponse(data, content_type=exporting.DOCX)
    response["Content-Disposition"] = content_disposition(f"督查通报-{campaign.title}.docx").replace(
        "download.xlsx", "report.docx")
    return response


@login_required
def score_sheet(request, pk, tid):
    """A judge's own sheet for one site; other judges' scores are not shown."""
    campaign, access = _open(request, pk)
    if not access.judge:
        raise PermissionDenied("您不是本活动的评委，或授权已过期")
    target = _target(campaign, access, request, tid)
    items = list(campaign.sheet.items.all()) if campaign.sheet_id else []
    mine = {s.sheet_item_id: s.score for s in target.scores.filter(judge=request.user)}
    error = None
    if request.method == "POST":
        scores = {i.pk: request.POST.get(f"item-{i.pk}", "") for i in items}
        form = forms.NoteForm(request.POST)
        form.is_valid()
        if run_action(form, lambda: actions.scores_record(acting_user=request.user, target=target, scores=scores)):
            messages.success(request, "评分已保存")
            return redirect("campaigns:detail", campaign.pk)
        error = "；".join(form.non_field_errors()) or "；".join(e for es in form.errors.values() for e in es)
        mine = scores
    rows = [(i, mine.get(i.pk, "")) for i in items]
    return render(request, "campaigns/score_form.html", {"campaign": campaign, "target": target, "rows": rows,
                                                          "error": error})


@login_required
def campaign_ranking(request, pk):
    campaign, access = _open(request, pk)
    if not access.organiser:
        raise PermissionDenied("评分汇总只对组织单位开放")
    return render(request, "campaigns/ranking.html", {"campaign": campaign, "rows": queries.ranking(campaign)})


@login_required
@require_GET
def ranking_xlsx(request, pk):
    campaign, access = _open(request, pk)
    if not access.organiser:
        raise PermissionDenied("评分汇总只对组织单位开放")
    rows = queries.ranking(campaign)

    def write(out):
        count = exporting.ranking_xlsx(out, campaign, rows)
        record_export(actor=request.user, what=f"评分汇总：{campaign.title}", model="campaigns.judgescore",
                      rows=count, object_id=campaign.pk)

    return xlsx_response(write, f"评分汇总-{campaign.title}.xlsx")


@change_scope_required
def application_new(request, pk):
    campaign, _ = _open(request, pk)
    form = forms.ApplicationForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        application = run_action(form, lambda: actions.application_submit(
            acting_user=request.user, campaign=campaign, org=d["org"], name=d["name"], description=d["description"],
            files=d["files"]))
        if application:
            messages.success(request, "已申报")
            return redirect("campaigns:application", application.pk)
    return render(request, "campaigns/form.html", {"form": form, "title": f"申报：{campaign.title}",
                                                   "multipart": True, "campaign": campaign})


def _application(request, aid):
    application = get_object_or_404(Application.objects.select_related("campaign", "org", "target"),
                                     pk=parse_id(aid) or 0)
    campaign, access = _open(request, application.campaign_id)
    if not access.sees_all_targets and not queries.targets_for(request.user, access).filter(
            pk=application.target_id).exists():
        raise Http404("未找到")
    return application, campaign, access


@login_required
def application_detail(request, aid):
    application, campaign, access = _application(request, aid)
    return render(request, "campaigns/application.html", {
        "application": application, "campaign": campaign, "access": access,
        "objections": application.objections.all(), "files": application.files.all(),
        "title_record": Title.objects.filter(application=application).first(), "states": ApplicationState,
        "note_form": forms.NoteForm(), "publicity_form": forms.PublicityForm(),
        "objection_form": forms.ObjectionForm(initial={"received_on": timezone.localdate()}),
        "answer_form": forms.AnswerForm(), "name_form": forms.NameForm(),
    })


STAGES = {
    "pass": (forms.NoteForm, lambda u, a, d: actions.application_screen(acting_user=u, application=a, passed=True,
                                                                         note=d["note"]), "初审通过"),
    "reject": (forms.NoteForm, lambda u, a, d: actions.application_screen(acting_user=u, application=a, passed=False,
                                                                           note=d["note"]), "初审未通过"),
    "publicity": (forms.PublicityForm, lambda u, a, d: actions.publicity_start(
        acting_user=u, application=a, starts_on=d["starts_on"], ends_on=d["ends_on"]), "已开始公示"),
    "objection": (forms.ObjectionForm, lambda u, a, d: actions.objection_add(
        acting_user=u, application=a, text=d["text"], raised_by=d["raised_by"], received_on=d["received_on"]),
        "已登记异议"),
    "name": (forms.NameForm, lambda u, a, d: actions.application_name(
        acting_user=u, application=a, certificate_no=d["certificate_no"]), "已命名"),
    "decline": (forms.NoteForm, lambda u, a, d: actions.application_decline(acting_user=u, application=a,
                                                                             note=d["note"]), "不予命名"),
}


@login_required
@require_POST
def application_stage(request, aid, stage):
    application, campaign, access = _application(request, aid)
    if stage not in STAGES:
        raise Http404("没有这个操作")
    if not access.manager:
        raise PermissionDenied(MANAGER_ONLY)
    form_class, call, success = STAGES[stage]
    form = form_class(request.POST)
    if form.is_valid() and run_action(form, lambda: call(request.user, application, form.cleaned_data)):
        messages.success(request, success)
    else:
        messages.error(request, "；".join(e for es in form.errors.values() for e in es))
    return redirect("campaigns:application", application.pk)


@login_required
@require_POST
def objection_answer(request, oid):
    objection = get_object_or_404(Objection, pk=parse_id(oid) or 0)
    application, campaign, access = _application(request, objection.application_id)
    if not access.manager:
        raise PermissionDenied(MANAGER_ONLY)
    form = forms.AnswerForm(request.POST)
    if form.is_valid() and run_action(form, lambda: actions.objection_answer(
            acting_user=request.user, objection=objection, answer=form.cleaned_data["answer"])):
        messages.success(request, "已答复")
    else:
        messages.error(request, "；".join(e for es in form.errors.values() for e in es))
    return redirect("campaigns:application", application.pk)


@login_required
def title_list(request):
    titles = queries.titles_for(request.user).order_by("-named_on", "-id")
    return render(request, "campaigns/titles.html", {"page": paginate(request, titles)})


@login_required
@require_GET
def titles_export(request):
    titles = queries.titles_for(request.user).order_by("org__path", "-named_on")

    def write(out):
        count = exporting.titles_xlsx(out, titles)
        record_export(actor=request.user, what="命名称号名单", model="campaigns.title", rows=count)

    return xlsx_response(write, "命名称号名单.xlsx")


@login_required
def title_detail(request, pk):
    title = get_scoped_or_404(Title, request.user, pk, queryset=Title.objects.select_related("org", "campaign__org"))
    form = forms.ReviewForm(request.POST or None, initial={"year": timezone.localdate().year, "kept": "1"})
    can_review = allows(request.user, CHANGE, title.campaign.org)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if run_action(form, lambda: actions.title_review(acting_user=request.user, title=title, year=d["year"],
                                                         kept=d["kept"], note=d["note"])):
            messages.success(request, "已复评")
            return redirect("campaigns:title", title.pk)
    return render(request, "campaigns/title.html", {"title_record": title, "form": form, "can_review": can_review,
                                                    "reviews": title.reviews.all()})
