"""A user's own API tokens: list them and revoke one (issue 12 item 4). Another user's token is
404 here, as if it did not exist; the system administrator's view of everyone's tokens is in the
administration API. Revoking is the same audited action as the 账号安全 page."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from ninja import Query, Router

from dangjian.apikit import DbId, PageQuery, page_of, responses

from .actions import api_token_revoke
from .queries import tokens_of
from .schemas import TokenOut, TokenPage

router = Router(tags=["接口令牌"])


@router.get("/tokens", response=responses(TokenPage, errors=(401, 422)), summary="我的接口令牌")
def list_my_tokens(request, page: Query[PageQuery]):
    """当前用户自己的接口令牌（含已过期、已吊销的），新的在前。不返回令牌本身。"""
    return page_of(tokens_of(request.user).select_related("user"), page)


@router.post("/tokens/{int:token_id}/revoke", response=responses(TokenOut, errors=(401, 403, 404, 422)),
             summary="吊销我的接口令牌")
def revoke_my_token(request, token_id: DbId):
    """吊销自己的一个接口令牌，立即失效，记入审计日志；已吊销的原样返回。他人的令牌返回 404。"""
    token = get_object_or_404(tokens_of(request.user).select_related("user"), pk=token_id)
    api_token_revoke(acting_user=request.user, token=token)
    token.refresh_from_db()
    return token
