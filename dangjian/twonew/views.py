"""Pages of the 两新 registry, its coverage, 动态排查 and 阵地. Views read the request, call queries
and actions; every lookup is scoped (an id outside the user's subtree is 404)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from dangjian.accounts.queries import scope_root
from dangjian.core.documents import PHOTO_CONTENT_TYPES
from dangjian.core.editing import edit_with_conflict
from dangjian.core.excel import xlsx_response
from dangjian.core.history import history_of, record_export
from dangjian.core.scoping import CHANGE, allows, path_in_scope, scope_prefixes
from dangjian.core.shortcuts import (
    change_scope_required,
    excel_import_page,
    get_scoped_or_404,
    paginate,
    parse_id,
    querystring_without,
    run_action,
    run_reported,
    submitted_version,
)
from dangjian.orgs.models import Organization

from . import actions, exporting, queries
from .forms import CentreForm, CentrePhotoForm, ConfirmForm, EntityFilterForm, EntityForm, ListEntryForm, RoundForm
from .importing import import_entities, template_book
from .models import Centre, CentrePhoto, Entity, Field, Round, Standard


def _root(request) -> Organization | None:
    """The organisation asked for in ``?org=`` (within the user's scope), else the user's top."""
    pk = parse_id(request.GET.get("org"))
    root = Organization.objects.restrict(request.user).filter(pk=pk).first() if pk else None
    return root or scope_root(request.user)


def _round(request, pk) -> Round:
    """A round the user takes part in (launched in their scope or above it), else 404."""
    found = queries.rounds_for(request.user).filter(pk=parse_id(pk) or 0).first()
    if found is None:
        raise Http404("未找到，或不在您的管辖范围内")
    return found


def _filtered(request):
    form = EntityFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    root = _root(request)
    rnd = None
    if parse_id(request.GET.get("unchecked")):
        rnd = queries.rounds_for(request.user).filter(pk=parse_id(request.GET["unchecked"])).first()
    qs = queries.filter_entities(
        queries.entities_for(request.user).select_related("org", "field", "covering_org"), org=root,
        coverage=data.get("coverage") or "", field_id=data["field"].pk if data.get("field") else None,
        text=(data.get("q") or "").strip(), unchecked_round=rnd)
    return form, root, rnd, qs


@login_required
def entity_list(request):
    form, root, rnd, qs = _filtered(request)
    page = paginate(request, qs.order_by("name", "id"))
    return render(request, "twonew/list.html", {"form": form, "root": root, "round": rnd, "page": page,
                                                "query": querystring_without(request, "page")})


@login_required
@require_GET
def entity_export(request):
    _, root, _, qs = _filtered(request)
    filters = {k: v for k, v in request.GET.items() if v}
    rows = qs.count()
    record_export(actor=request.user, what="两新组织名录", model="twonew.entity", rows=rows, filters=filters)
    return xlsx_response(lambda out: exporting.write_registry(qs, out), "两新组织名录.xlsx")


@login_required
def entity_detail(request, pk):
    entity = get_scoped_or_404(Entity, request.user, pk, queryset=Entity.objects.select_related(
        "org", "field", "covering_org", "instructor"))
    checks = entity.checks.select_related("round", "checked_by").order_by("-checked_at")[:20]
    open_rounds = [r for r in queries.rounds_for(request.user) if entity.org.path.startswith(r.org.path)
                   and not any(c.round_id == r.pk for c in checks)][:5]
    return render(request, "twonew/detail.html", {
        "entity": entity, "checks": checks, "history": history_of(entity)[:50], "open_rounds": open_rounds,
        "can_change": path_in_scope(request.user, CHANGE, entity.org.path),
        "confirm_form": ConfirmForm(initial={"version": entity.version}),
    })


def _save(request, form, entity=None, rnd=None):
    if entity is None:
        return run_action(form, lambda: actions.entity_create(
            acting_user=request.user, org=form.cleaned_data["org"], **form.action_fields()))
    if rnd is not None:
        check = run_action(form, lambda: actions.entity_confirm(
            acting_user=request.user, round=rnd, entity=entity, expected_version=submitted_version(form),
            **form.action_fields()))
        return check.entity if check is not None else None
    return run_action(form, lambda: actions.entity_update(
        acting_user=request.user, entity=entity, expected_version=submitted_version(form), **form.action_fields()))


@change_scope_required
def entity_new(request):
    form = EntityForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        entity = _save(request, form)
        if entity is not None:
            messages.success(request, f"已登记：{entity.name}")
            return redirect("twonew:detail", pk=entity.pk)
    return render(request, "twonew/form.html", {"form": form, "title": "登记两新组织"})


@login_required
def entity_edit(request, pk):
    """Edit an entry; with ``?round=`` the edit is this entry's confirmation in that 动态排查 round."""
    entity = get_scoped_or_404(Entity, request.user, pk, CHANGE, queryset=Entity.objects.select_related("org"))
    rnd = None
    if request.GET.get("round"):
        rnd = _round(request, request.GET["round"])
    title = f"{'排查核实' if rnd else '修改'}：{entity.name}"
    return edit_with_conflict(
        request, form_class=EntityForm, instance=entity, form_kwargs={"user": request.user},
        save=lambda form: _save(request, form, entity, rnd),
        done=lambda saved: redirect("twonew:detail", pk=saved.pk),
        template="twonew/form.html", context={"entity": entity, "title": title, "round": rnd},
    )


@login_required
@require_POST
def entity_confirm(request, pk, round_pk):
    """Confirm the entry unchanged in a round (one click for the township)."""
    entity = get_scoped_or_404(Entity, request.user, pk, CHANGE, queryset=Entity.objects.select_related("org"))
    rnd = _round(request, round_pk)
    form = ConfirmForm(request.POST)
    form.is_valid()
    run_reported(request, lambda: actions.entity_confirm(
        acting_user=request.user, round=rnd, entity=entity, note=form.cleaned_data.get("note", ""),
        expected_version=submitted_version(form)), f"已核实：{entity.name}")
    if request.POST.get("next") == "round":
        return redirect("twonew:round", pk=rnd.pk)
    return redirect("twonew:detail", pk=entity.pk)


@login_required
def coverage(request):
    root = _root(request)
    by_org = queries.coverage_by_org(request.user, root) if root else []
    by_field = queries.coverage_by_field(request.user, root) if root else []
    if request.GET.get("format") == "xlsx" and root:
        record_export(actor=request.user, what="两新组织覆盖情况", model="twonew.entity",
                      rows=len(by_org) + len(by_field), filters={"org": root.code})
        return xlsx_response(lambda out: exporting.write_coverage(by_org, by_field, out), "两新组织覆盖情况.xlsx")
    return render(request, "twonew/coverage.html", {"root": root, "by_org": by_org, "by_field": by_field})


# -- 动态排查 ------------------------------------------------------------------------------------

@login_required
def round_list(request):
    form = None
    if scope_prefixes(request.user, CHANGE):
        form = RoundForm(request.POST or None, user=request.user)
        if request.method == "POST" and form.is_valid():
            made = run_action(form, lambda: actions.round_create(acting_user=request.user, **form.cleaned_data))
            if made is not None:
                messages.success(request, f"已发起：{made.title}")
                return redirect("twonew:round", pk=made.pk)
    return render(request, "twonew/rounds.html", {"rounds": queries.rounds_for(request.user)[:100], "form": form})


@login_required
def round_detail(request, pk):
    rnd = _round(request, pk)
    rows = queries.round_progress(request.user, rnd)
    pending = queries.filter_entities(queries.entities_for(request.user), unchecked_round=rnd).select_related("org")
    page = paginate(request, pending.order_by("org__path", "name", "id"))
    return render(request, "twonew/round.html", {"round": rnd, "rows": rows, "page": page,
                                                 "can_change": bool(scope_prefixes(request.user, CHANGE))})


# -- 导入 ---------------------------------------------------------------------------------------

IMPORT_PAGE = {
    "title": "导入两新组织", "done_url": "twonew:list", "done_label": "查看两新组织名录",
    "matching": "已登记的两新组织按统一社会信用代码匹配并更新；覆盖方式不由导入修改",
    "template_url": "twonew:import_template", "template_label": "两新组织导入模板",
    "other_url": "twonew:coverage", "other_label": "查看覆盖情况",
    "required_note": "必填列：企业名称（或名称、单位名称）、统一社会信用代码。可直接使用市场监管部门导出的表格。",
}


@login_required
def entity_import(request):
    return excel_import_page(request, importer=import_entities, page=IMPORT_PAGE)


@login_required
@require_GET
def entity_template(request):
    return xlsx_response(template_book().save, "两新组织导入模板.xlsx")


# -- 阵地 ---------------------------------------------------------------------------------------

@login_required
def centre_list(request):
    root = _root(request)
    centres = queries.centres_for(request.user)
    if root:
        centres = centres.filter(org__path__startswith=root.path)
    listed = centres.annotate(photo_count=Count("photos")).order_by("org__path", "kind", "id")
    page = paginate(request, listed)
    rows = queries.centre_coverage(request.user, root) if root else []
    if request.GET.get("format") == "xlsx" and root:
        record_export(actor=request.user, what="阵地", model="twonew.centre", rows=centres.count(),
                      filters={"org": root.code})
        return xlsx_response(lambda out: exporting.write_centres(
            queries.with_inspections(centres.order_by("org__path", "id")), rows, out),
                             "阵地.xlsx")
    return render(request, "twonew/centres.html", {
        "root": root, "rows": rows, "page": page, "centres": queries.with_inspections(page.object_list),
        "query": querystring_without(request, "page")})


def _save_centre(request, form, centre=None):
    return run_action(form, lambda: actions.centre_save(
        acting_user=request.user, org=centre.org if centre else form.cleaned_data["org"], centre=centre,
        expected_version=submitted_version(form) if centre else None, **form.action_fields()))


@change_scope_required
def centre_new(request):
    form = CentreForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        centre = _save_centre(request, form)
        if centre is not None:
            messages.success(request, f"已登记：{centre.name}")
            return redirect("twonew:centres")
    return render(request, "twonew/form.html", {"form": form, "title": "登记阵地", "back": "twonew:centres"})


@login_required
def centre_edit(request, pk):
    centre = get_scoped_or_404(Centre, request.user, pk, CHANGE, queryset=Centre.objects.select_related("org"))
    return edit_with_conflict(
        request, form_class=CentreForm, instance=centre, form_kwargs={"user": request.user},
        save=lambda form: _save_centre(request, form, centre), done=lambda saved: redirect("twonew:centres"),
        template="twonew/form.html", context={"title": f"修改阵地：{centre.name}", "back": "twonew:centres"},
    )


@login_required
def centre_photos(request, pk):
    """A 阵地's photos: everyone in scope sees them; those who may change the centre add and remove."""
    centre = get_scoped_or_404(Centre, request.user, pk, queryset=Centre.objects.select_related("org"))
    may_change = allows(request.user, CHANGE, centre.org)
    form = CentrePhotoForm(request.POST or None, request.FILES or None) if may_change else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied("您对这个阵地只有查看权限")
        if form.is_valid():
            saved = run_action(form, lambda: actions.centre_add_photos(
                acting_user=request.user, centre=centre, photos=form.cleaned_data["photos"],
                caption=form.cleaned_data["caption"]))
            if saved is not None:
                messages.success(request, f"已上传 {len(saved)} 张照片")
                return redirect("twonew:centre_photos", centre.pk)
    return render(request, "twonew/centre_photos.html", {
        "centre": centre, "photos": queries.centre_photos(request.user, centre), "form": form,
        "may_change": may_change, "limit": actions.MAX_CENTRE_PHOTOS})


@login_required
@require_GET
def centre_photo_file(request, pk):
    photo = get_scoped_or_404(CentrePhoto, request.user, pk)
    response = FileResponse(photo.file.open("rb"), content_type=PHOTO_CONTENT_TYPES[photo.file_type])
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
@require_POST
def centre_photo_remove(request, pk):
    photo = get_scoped_or_404(CentrePhoto, request.user, pk, CHANGE,
                              queryset=CentrePhoto.objects.select_related("centre"))
    actions.centre_remove_photo(acting_user=request.user, photo=photo)
    messages.success(request, "照片已删除")
    return redirect("twonew:centre_photos", photo.centre_id)


# -- 领域和阵地标准 ------------------------------------------------------------------------------

LISTS = {"field": Field, "standard": Standard}


@change_scope_required
def list_settings(request):
    """The fields of the registry and the 阵地 standards: shared by the whole tree, edited at the top."""
    form = ListEntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        model = LISTS[form.cleaned_data["kind"]]
        entry = model.objects.filter(pk=form.cleaned_data.get("entry") or 0).first()
        run_reported(request, lambda: actions.list_entry_save(
            acting_user=request.user, model=model, entry=entry, name=form.cleaned_data["name"],
            position=form.cleaned_data["position"], active=form.cleaned_data["active"]), "已保存")
        return redirect("twonew:settings")
    return render(request, "twonew/settings.html", {"fields": Field.objects.all(), "standards": Standard.objects.all()})
