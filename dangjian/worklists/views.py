"""Pages of the 三单 lists. Views read the request and call queries and actions; every lookup is
scoped (an id outside the user's subtree is 404), every write goes through an action."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from dangjian.accounts.queries import scope_root
from dangjian.core.editing import edit_with_conflict
from dangjian.core.errors import ActionDenied, VersionConflict
from dangjian.core.excel import xlsx_response
from dangjian.core.history import history_of, record_export
from dangjian.core.scoping import CHANGE, path_in_scope, scope_prefixes
from dangjian.core.shortcuts import (
    PAGE_SIZE,
    change_scope_required,
    get_scoped_or_404,
    querystring_without,
    run_action,
    submitted_version,
)
from dangjian.orgs.models import Organization

from . import actions, queries, rules
from .choices import State, Transition
from .exporting import ledger_filename, write_ledger
from .forms import EvidenceForm, ItemFilterForm, ItemForm, ProgressForm, TransitionForm
from .models import Evidence, WorkItem
from .queries import ItemFilter, filter_items, items_for, state_counts


def _mark(items, today):
    for item in items:
        item.is_overdue = rules.is_overdue(item.deadline, item.state, today)
        item.is_due_soon = rules.is_due_soon(item.deadline, item.state, today)
        item.overdue_days = rules.days_overdue(item.deadline, today) if item.is_overdue else 0
    return items


class _CountedPaginator(Paginator):
    """A paginator told the total up front (the state counts already counted the same rows). Pages
    after the first sort only (deadline, id) to find their ids, then load those rows: sorting the
    whole width of 50,000 rows to reach page 500 is what made deep pages slow."""

    def __init__(self, object_list, per_page, *, total: int):
        super().__init__(object_list, per_page)
        self.__dict__["count"] = total

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        if bottom == 0:
            return self._get_page(list(self.object_list[: self.per_page]), number, self)
        ids = list(self.object_list.values_list("pk", flat=True)[bottom : bottom + self.per_page])
        rows = {row.pk: row for row in self.object_list.filter(pk__in=ids).order_by()}
        return self._get_page([rows[pk] for pk in ids if pk in rows], number, self)


def _page(request, qs, total: int):
    return _CountedPaginator(qs, PAGE_SIZE, total=total).get_page(request.GET.get("page"))


@login_required
def item_list(request):
    today = timezone.localdate()
    flt = ItemFilter.from_mapping(request.GET)
    qs = filter_items(items_for(request.user), flt, user=request.user, today=today)
    counts = state_counts(qs, today)
    page = _page(request, qs.order_by("deadline", "id"), counts["total"])
    _mark(page.object_list, today)
    scope_org = Organization.objects.restrict(request.user).filter(pk=flt.org).first() if flt.org else None
    return render(request, "worklists/list.html", {
        "page": page,
        "form": ItemFilterForm(request.GET or None, initial={"scope": flt.scope}),
        "flt": flt,
        "scopes": queries.SCOPES,
        "counts": counts,
        "scope_org": scope_org,
        "query": querystring_without(request, "page"),
        "query_no_scope": querystring_without(request, "page", "scope"),
        "can_add": bool(scope_prefixes(request.user, CHANGE)),
        # Detail links are list_url + id + "/": one reverse() per row cost ~0.4 ms, 20 ms a page.
        "list_url": reverse("worklists:list"),
    })


@login_required
def item_stats(request):
    """销号率 and 超期 rolled up the tree: the chosen organisation (default: the user's top) and its
    direct sub-organisations, each counting its whole subtree."""
    orgs = Organization.objects.restrict(request.user)
    root = None
    if str(request.GET.get("org", "")).isdigit():
        root = orgs.filter(pk=request.GET["org"]).first()
    if root is None:
        root = scope_root(request.user)
    rows = queries.rollup(request.user, root, today=timezone.localdate()) if root else []
    return render(request, "worklists/stats.html", {"root": root, "rows": rows})


@login_required
def item_detail(request, pk):
    today = timezone.localdate()
    item = get_scoped_or_404(WorkItem, request.user, pk, queryset=WorkItem.objects.select_related(
        "org", "org__parent", "document", "created_by"))
    _mark([item], today)
    actor = actions.actor_facts(request.user, item.org)
    facts = actions.item_facts(item)
    allowed = rules.allowed_transitions(facts, actor, today)
    can_change = path_in_scope(request.user, CHANGE, item.org.path)
    return render(request, "worklists/detail.html", {
        "item": item,
        "measures": item.measures.all(),
        "evidence": item.evidence.all(),
        "progress": item.progress.all()[:100],
        "steps": item.steps.select_related("actor")[:200],
        "history": history_of(item)[:50],
        "orgs": item.orgs.all(),
        "persons": item.persons.all(),
        "allowed": allowed,
        "transitions": {t: Transition(t).label for t in allowed},
        "can_change": can_change and item.state != State.CLOSED,
        "can_add_evidence": can_change and item.state in (State.PENDING, State.IN_PROGRESS),
        "is_superior": rules.is_superior(actor),
        "review_not_due": item.state == State.CLOSED and item.review_due_on and today < item.review_due_on,
        "transition_form": TransitionForm(initial={"version": item.version}),
        "evidence_form": EvidenceForm(initial={"version": item.version}),
        "progress_form": ProgressForm(),
        "no_evidence_yet": facts.evidence_count == 0,
    })


def _save_item(request, form, item=None):
    if item is None:
        return run_action(form, lambda: actions.item_create(
            acting_user=request.user, org=form.cleaned_data["org"], **form.action_fields()))
    return run_action(form, lambda: actions.item_update(
        acting_user=request.user, item=item, expected_version=submitted_version(form),
        **form.action_fields()))


@change_scope_required
def item_new(request):
    initial = {"org": request.GET["org"]} if request.GET.get("org", "").isdigit() else {}
    form = ItemForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        item = _save_item(request, form)
        if item is not None:
            messages.success(request, f"已建立事项：{item.title}")
            return redirect("worklists:detail", pk=item.pk)
    return render(request, "worklists/form.html", {"form": form, "title": "新建清单事项"})


@login_required
def item_edit(request, pk):
    item = get_scoped_or_404(WorkItem, request.user, pk, CHANGE, queryset=WorkItem.objects.select_related("org"))
    return edit_with_conflict(
        request, form_class=ItemForm, instance=item, form_kwargs={"user": request.user},
        save=lambda form: _save_item(request, form, item),
        done=lambda saved: redirect("worklists:detail", pk=saved.pk),
        template="worklists/form.html", context={"item": item, "title": f"修改事项：{item.title}"},
    )


def _run(request, item, func, success: str, **kwargs):
    """Run a write; report success or the reason for refusal as a message on the detail page."""
    try:
        func(acting_user=request.user, item=item, **kwargs)
    except VersionConflict as exc:
        messages.error(request, f"{exc}（页面显示的内容已过期）")
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    except ActionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, success)
    return redirect("worklists:detail", pk=item.pk)


@login_required
@require_POST
def item_transition(request, pk, transition):
    if transition not in Transition.values:
        raise Http404("未知的操作")
    item = get_scoped_or_404(WorkItem, request.user, pk)
    form = TransitionForm(request.POST)
    form.is_valid()
    return _run(request, item, actions.item_transition, f"已{Transition(transition).label}",
                transition=transition, reason=form.cleaned_data.get("reason") or "",
                expected_version=submitted_version(form))


@login_required
@require_POST
def item_progress(request, pk):
    item = get_scoped_or_404(WorkItem, request.user, pk, CHANGE)
    form = ProgressForm(request.POST)
    if not form.is_valid():
        messages.error(request, "进展情况不能为空，最多 2000 字")
        return redirect("worklists:detail", pk=item.pk)
    return _run(request, item, actions.progress_add, "已记录进展", text=form.cleaned_data["text"])


@login_required
@require_POST
def item_evidence(request, pk):
    item = get_scoped_or_404(WorkItem, request.user, pk, CHANGE)
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
        return redirect("worklists:detail", pk=item.pk)
    data = form.cleaned_data
    if data["submit"]:
        return _run(request, item, actions.item_submit, "已上传佐证并申请销号，等待上级审核",
                    evidence_text=data["text"] or "", upload=data["file"], expected_version=submitted_version(form))
    return _run(request, item, actions.evidence_add, "已上传佐证材料", text=data["text"] or "", upload=data["file"])


@login_required
@require_GET
def evidence_file(request, pk):
    evidence = get_scoped_or_404(Evidence, request.user, pk)
    if not evidence.file:
        raise Http404("该佐证材料没有文件")
    record_export(actor=request.user, what=f"佐证材料：{evidence.file_name or evidence.pk}",
                  model="worklists.evidence", rows=1, object_id=evidence.pk)
    response = FileResponse(evidence.file.open("rb"), as_attachment=True,
                            filename=evidence.file_name or f"佐证{evidence.pk}.{evidence.file_type}")
    return response


@login_required
@require_GET
def item_export(request):
    """台账: the items the user sees, with the list page's filters."""
    today = timezone.localdate()
    chosen = ItemFilter.from_mapping(request.GET)
    qs = filter_items(items_for(request.user), chosen, user=request.user, today=today)

    def write(target):
        rows = write_ledger(target, qs, today=today)
        record_export(actor=request.user, what="三单整改台账", model="worklists.workitem", rows=rows,
                      filters=vars(chosen))

    return xlsx_response(write, ledger_filename(today))
