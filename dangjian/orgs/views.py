from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from dangjian.core.editing import edit_with_conflict
from dangjian.core.history import history_of
from dangjian.core.replicas import reading
from dangjian.core.scoping import CHANGE, path_in_scope
from dangjian.core.shortcuts import get_scoped_or_404, paginate, run_action, submitted_version
from dangjian.members.models import Member

from . import actions, queries
from .forms import MoveForm, OrgForm, PostForm, TermForm
from .models import Organization
from .rules import has_committee
from .stats import subtree_statistics


@login_required
def org_tree(request):
    return render(request, "orgs/tree.html", {"rows": queries.org_tree_rows(request.user)})


@login_required
@reading()
def org_detail(request, pk):
    org = get_scoped_or_404(Organization, request.user, pk)
    term = org.terms.filter(is_current=True).prefetch_related("posts__member").first()
    members = Member.objects.restrict(request.user).filter(org=org).order_by("name", "id")
    return render(request, "orgs/detail.html", {
        "org": org,
        "crumbs": queries.breadcrumbs(request.user, org),
        "term": term,
        "children": queries.children_of(request.user, org),
        "members": paginate(request, members, per_page=30),
        "stats": subtree_statistics(org),
        "warnings": queries.subtree_warnings(org),
        "history": history_of(org)[:20],
        "can_change": path_in_scope(request.user, CHANGE, org.path),
        "has_committee": has_committee(org.kind),
    })


@login_required
def org_edit(request, pk):
    org = get_scoped_or_404(Organization, request.user, pk, CHANGE)
    return edit_with_conflict(
        request, form_class=OrgForm, instance=org,
        save=lambda form: run_action(form, lambda: actions.org_update(
            acting_user=request.user, org=org, expected_version=submitted_version(form),
            **form.action_fields())),
        done=lambda saved: redirect("orgs:detail", pk=org.pk),
        template="orgs/form.html", context={"org": org, "title": f"修改：{org.name}"},
    )


@login_required
def org_new_child(request, pk):
    parent = get_scoped_or_404(Organization, request.user, pk, CHANGE)
    form = OrgForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        org = run_action(form, lambda: actions.org_create(
            acting_user=request.user, parent=parent, **form.action_fields()))
        if org is not None:
            messages.success(request, f"已设立 {org.name}")
            return redirect("orgs:detail", pk=org.pk)
    return render(request, "orgs/form.html", {"form": form, "org": parent, "title": f"在 {parent.name} 下设立党组织"})


@login_required
def org_move_view(request, pk):
    org = get_scoped_or_404(Organization, request.user, pk, CHANGE)
    form = MoveForm(request.POST or None, user=request.user, org=org)
    if request.method == "POST" and form.is_valid():
        moved = run_action(form, lambda: actions.org_move(
            acting_user=request.user, org=org, new_parent=form.cleaned_data["new_parent"]))
        if moved is not None:
            messages.success(request, f"已将 {org.name} 调整到 {form.cleaned_data['new_parent'].name} 之下")
            return redirect("orgs:detail", pk=org.pk)
    return render(request, "orgs/move.html", {"form": form, "org": org})


@login_required
def term_new(request, pk):
    """换届: start a new term; the previous one stops being current."""
    org = get_scoped_or_404(Organization, request.user, pk, CHANGE)
    form = TermForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        term = run_action(form, lambda: actions.term_start(acting_user=request.user, org=org, **form.cleaned_data))
        if term is not None:
            messages.success(request, f"已登记新一届委员会（{term.started_on:%Y年%m月}至{term.ends_on:%Y年%m月}）")
            return redirect("orgs:detail", pk=org.pk)
    return render(request, "orgs/simple_form.html", {"form": form, "org": org, "title": f"换届：{org.name}"})


@login_required
def post_new(request, pk):
    org = get_scoped_or_404(Organization, request.user, pk, CHANGE)
    term = org.terms.filter(is_current=True).first()
    if term is None:
        messages.warning(request, "请先登记本届委员会（换届），再任命委员")
        return redirect("orgs:term_new", pk=org.pk)
    form = PostForm(request.POST or None, user=request.user, org=org)
    if request.method == "POST" and form.is_valid():
        post = run_action(form, lambda: actions.post_assign(acting_user=request.user, term=term, **form.cleaned_data))
        if post is not None:
            messages.success(request, f"已任命 {post.member.name} 为{post.get_post_display()}")
            return redirect("orgs:detail", pk=org.pk)
    return render(request, "orgs/simple_form.html", {"form": form, "org": org, "title": f"任命委员：{org.name}"})
