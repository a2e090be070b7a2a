"""The 三员's API operations: the organisation picker of the grant-position form, and everyone's API
tokens for the system administrator. The security administrator holds no position (so ``restrict``
shows them nothing) yet grants positions anywhere in the tree; that search is open to the duty that
grants positions and to nobody else. The tokens are open to the duty that keeps accounts."""

from __future__ import annotations

from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from dangjian.accounts.models import ApiToken
from dangjian.accounts.queries import duty_of
from dangjian.accounts.schemas import TokenOut, TokenPage
from dangjian.apikit import DbId, PageQuery, PickerOut, PickerQuery, page_of, responses
from dangjian.core.errors import ActionDenied
from dangjian.orgs.models import Organization
from dangjian.orgs.queries import org_search

from . import actions, rules

router = Router(tags=["三员管理"])


@router.get("/orgs", response=responses(PickerOut, errors=(401, 403, 422)), summary="查找党组织（设置岗位）",
            url_name="grant_org_picker")
def pick_orgs_to_grant(request, query: Query[PickerQuery]):
    """安全管理员设置岗位时选择党组织：全部党组织中名称、简称或组织代码包含输入文字的。其他用户 403。"""
    if not rules.may(duty_of(request.user), rules.POSITIONS):
        raise ActionDenied("您的管理职责不包括设置岗位")
    orgs = org_search(Organization.objects.all(), query.q, limit=query.limit)
    return {"items": [{"id": o.pk, "code": o.code, "label": o.name_with_code} for o in orgs]}


class TokenFilters(Schema):
    user: DbId | None = Field(None, description="只列此用户（用户 id）的令牌")
    live: bool | None = Field(None, description="true 只列有效的，false 只列已过期或已吊销的")


def _require_accounts_duty(request) -> None:
    if not rules.may(duty_of(request.user), rules.ACCOUNTS):
        raise ActionDenied("您的管理职责不包括管理账号和接口令牌")


@router.get("/tokens", response=responses(TokenPage, errors=(401, 403, 422)), summary="全部接口令牌（系统管理员）")
def list_tokens(request, filters: Query[TokenFilters], page: Query[PageQuery]):
    """系统管理员查看所有用户的接口令牌（不含令牌本身），新的在前。

    其他用户 403（自己的令牌见 /api/accounts/tokens）。"""
    _require_accounts_duty(request)
    qs = ApiToken.objects.select_related("user").order_by("-created_at", "-pk")
    if filters.user is not None:
        qs = qs.filter(user_id=filters.user)
    if filters.live is not None:
        live = Q(revoked_at__isnull=True, expires_at__gt=timezone.now())
        qs = qs.filter(live) if filters.live else qs.exclude(live)
    return page_of(qs, page)


@router.post("/tokens/{int:token_id}/revoke", response=responses(TokenOut, errors=(401, 403, 404, 422)),
             summary="吊销用户的接口令牌（系统管理员）")
def revoke_token(request, token_id: DbId):
    """系统管理员吊销任一用户的接口令牌，立即失效，记入审计日志；已吊销的原样返回。其他用户 403。"""
    _require_accounts_duty(request)
    token = get_object_or_404(ApiToken.objects.select_related("user"), pk=token_id)
    actions.account_token_revoke(acting_user=request.user, token=token)
    token.refresh_from_db()
    return token
