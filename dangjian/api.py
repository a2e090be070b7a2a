"""The REST API (django-ninja): one NinjaAPI, each app adds its router. Authentication by session
(with CSRF) or by bearer token; scoping is the same ``restrict`` the pages use."""

from django.core.exceptions import ValidationError
from ninja import NinjaAPI
from ninja.security import APIKeyHeader, HttpBearer, django_auth

from dangjian.accounts.queries import user_for_token
from dangjian.core.errors import ActionDenied, VersionConflict


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


class HeaderToken(APIKeyHeader):
    param_name = "X-API-Token"

    def authenticate(self, request, key):
        user = user_for_token(key) if key else None
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="党建工作平台 API",
    version="1",
    description="党组织、党员等数据接口。认证：登录会话（需 CSRF 令牌）或 `Authorization: Bearer <令牌>`。",
    auth=[BearerToken(), HeaderToken(), django_auth],
    urls_namespace="api",
    docs_url="/",
)


@api.exception_handler(ActionDenied)
def on_denied(request, exc):
    return api.create_response(request, {"detail": str(exc) or "无权操作"}, status=403)


@api.exception_handler(VersionConflict)
def on_conflict(request, exc):
    return api.create_response(
        request, {"detail": str(exc), "current": exc.current, "submitted": exc.submitted}, status=409
    )


@api.exception_handler(ValidationError)
def on_invalid(request, exc):
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    detail = [{"field": f, "message": m} for f, msgs in errors.items() for m in msgs]
    return api.create_response(request, {"detail": detail}, status=422)


def _add_routers() -> None:
    from dangjian.members.api import router as members_router
    from dangjian.orgs.api import router as orgs_router

    api.add_router("/orgs", orgs_router)
    api.add_router("/members", members_router)


_add_routers()
