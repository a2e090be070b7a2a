"""三员分立 pages under /administration/. Each page admits one duty (rules.DUTY_CAPABILITIES);
everyone else — users with positions, and the other two duties — gets 403. Views read the request
and call administration.actions, which check the duty again and keep the audit log."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from dangjian.accounts.models import AdminDuty, ApiToken, Position
from dangjian.accounts.queries import duty_of, tokens_of
from dangjian.core.shortcuts import paginate, querystring_without, run_action
from dangjian.jobs.actions import job_start

from . import actions, queries, rules
from .forms import AccountCreateForm, AccountSearchForm, AuditFilterForm, DutyGrantForm, PositionGrantForm
from .jobs import AUDIT_LOG_EXPORT, audit_job_params


def duty_required(capability: str):
    """Only a user whose duty grants ``capability``; anyone else (logged in) gets 403."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not rules.may(duty_of(request.user), capability):
                return render(request, "administration/denied.html", status=403)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


@login_required
def index(request):
    duty = duty_of(request.user)
    if duty not in rules.HOME_PAGE:
        return render(request, "administration/denied.html", status=403)
    return redirect(rules.HOME_PAGE[duty])


# -- system administrator -------------------------------------------------------------------------

@duty_required(rules.ACCOUNTS)
@require_GET
def account_list(request):
    search = AccountSearchForm(request.GET)
    q = search.cleaned_data["q"] if search.is_valid() else ""
    page = paginate(request, queries.accounts(q))
    return render(request, "administration/accounts.html", {
        "search": search, "page": page, "query": querystring_without(request, "page"),
    })


@duty_required(rules.ACCOUNTS)
def account_new(request):
    form = AccountCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = run_action(form, lambda: actions.account_create(
            acting_user=request.user, username=form.cleaned_data["username"],
            full_name=form.cleaned_data["full_name"]))
        if done:
            user, password = done
            return render(request, "administration/password_shown.html",
                          {"account": user, "password": password, "created": True})
    return render(request, "administration/account_new.html", {"form": form}, status=400 if form.errors else 200)


@duty_required(rules.ACCOUNTS)
@require_GET
def account_detail(request, pk):
    account = get_object_or_404(get_user_model(), pk=pk)
    now = timezone.now()
    return render(request, "administration/account_detail.html", {
        "account": account, "duty": duty_of(account), "positions": queries.positions_of(account),
        "tokens": [(t, t.status(now)) for t in tokens_of(account)],
    })


@duty_required(rules.ACCOUNTS)
@require_POST
def account_token_revoke(request, pk):
    account = get_object_or_404(get_user_model(), pk=pk)
    token = get_object_or_404(ApiToken, user=account, pk=request.POST.get("token") if str(
        request.POST.get("token", "")).isdigit() else 0)
    if _attempt(request, lambda: actions.account_token_revoke(acting_user=request.user, token=token)):
        messages.success(request, f"已吊销 {account.username} 的接口令牌“{token.name}”")
    return redirect("administration:account", pk=account.pk)


@duty_required(rules.ACCOUNTS)
@require_POST
def account_active(request, pk):
    account = get_object_or_404(get_user_model(), pk=pk)
    active = request.POST.get("active") == "1"
    if _attempt(request, lambda: actions.account_set_active(acting_user=request.user, user=account, active=active)):
        messages.success(request, f"已{'启用' if active else '停用'}账号 {account.username}")
    return redirect("administration:account", pk=account.pk)


@duty_required(rules.ACCOUNTS)
@require_POST
def account_password(request, pk):
    account = get_object_or_404(get_user_model(), pk=pk)
    password = _attempt(request, lambda: actions.account_password_reset(acting_user=request.user, user=account))
    if not password:
        return redirect("administration:account", pk=account.pk)
    return render(request, "administration/password_shown.html", {"account": account, "password": password})


# -- security administrator -----------------------------------------------------------------------

@duty_required(rules.POLICY)
def security(request):
    form = DutyGrantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        granted = run_action(form, lambda: actions.duty_grant(
            acting_user=request.user, user=form.cleaned_data["user"], duty=form.cleaned_data["duty"]))
        if granted:
            messages.success(request, f"已授予 {granted.user.username} {granted.get_duty_display()}职责")
            return redirect("administration:security")
    search = AccountSearchForm(request.GET)
    q = search.cleaned_data["q"] if search.is_valid() else ""
    return render(request, "administration/security.html", {
        "policy": queries.security_policy(), "holders": queries.duty_holders(), "form": form,
        "search": search, "page": paginate(request, queries.accounts(q)),
        "query": querystring_without(request, "page"),
    }, status=400 if form.errors else 200)


@duty_required(rules.POSITIONS)
def security_user(request, pk):
    account = get_object_or_404(get_user_model(), pk=pk)
    form = PositionGrantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        position = run_action(form, lambda: actions.position_grant(
            acting_user=request.user, user=account, org=form.cleaned_data["org"], role=form.cleaned_data["role"]))
        if position:
            messages.success(request, f"已设置岗位：{position.org.name} · {position.get_role_display()}")
            return redirect("administration:security_user", pk=account.pk)
    return render(request, "administration/security_user.html", {
        "account": account, "duty": AdminDuty.objects.filter(user=account).first(),
        "positions": queries.positions_of(account), "form": form, "is_self": account.pk == request.user.pk,
    }, status=400 if form.errors else 200)


@duty_required(rules.POSITIONS)
@require_POST
def position_revoke(request, pk):
    position = get_object_or_404(Position.objects.select_related("user", "org"), pk=pk)
    if _attempt(request, lambda: actions.position_revoke(acting_user=request.user, position=position)):
        messages.success(request, f"已撤销岗位：{position.org.name} · {position.get_role_display()}")
    return redirect("administration:security_user", pk=position.user_id)


@duty_required(rules.DUTIES)
@require_POST
def duty_revoke(request, pk):
    duty = get_object_or_404(AdminDuty.objects.select_related("user"), pk=pk)
    if _attempt(request, lambda: actions.duty_revoke(acting_user=request.user, duty=duty)):
        messages.success(request, f"已撤销 {duty.user.username} 的{duty.get_duty_display()}职责")
    return redirect("administration:security")


# -- audit administrator --------------------------------------------------------------------------

@duty_required(rules.AUDIT_LOG)
@require_GET
def audit(request):
    form = AuditFilterForm(request.GET)
    form.is_valid()
    records = queries.audit_records(queries.AuditFilter.from_mapping(request.GET))
    page = paginate(request, records)
    return render(request, "administration/audit.html", {
        "form": form, "page": page, "rows": [queries.AuditRow.of(r) for r in page],
        "query": querystring_without(request, "page"), "archives": queries.archives(),
    })


@duty_required(rules.AUDIT_LOG)
@require_GET
def audit_export(request):
    """The filtered log as .xlsx, made by a background job (a county's log is too long for one
    request): queued here, downloaded from the job's page; the download is an audit record."""
    chosen = queries.AuditFilter.from_mapping(request.GET)
    params = audit_job_params(chosen)
    described = "，".join(f"{k}={v}" for k, v in params["filters"].items()) or "全部记录"
    job = job_start(acting_user=request.user, kind=AUDIT_LOG_EXPORT, title="审计日志导出", params=params,
                    scope=f"筛选：{described}")
    return redirect("jobs:detail", job.pk)


def _attempt(request, call):
    """The action's result, or None with its refusal shown as a message."""
    from django.core.exceptions import ValidationError

    from dangjian.core.errors import ActionDenied

    try:
        return call() or True
    except (ActionDenied, ValidationError) as exc:
        messages.error(request, "；".join(getattr(exc, "messages", None) or [str(exc)]))
        return None
