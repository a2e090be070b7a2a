"""The REST API (django-ninja): one NinjaAPI, each app adds its router. Authentication by session
(with CSRF) or by bearer token; scoping is the same ``restrict`` the pages use.

Docs at /api/ (Swagger UI from ninja's own static files: ``ninja`` is in INSTALLED_APPS, so no CDN),
schema at /api/openapi.json."""

from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as RequestInvalid
from ninja.security import APIKeyHeader, HttpBearer
from ninja.security.session import SessionAuth
from ninja.utils import check_csrf

from dangjian.accounts.middleware import API_PASSWORD_CHANGE_MESSAGE
from dangjian.accounts.queries import password_change_due, user_for_token
from dangjian.core.errors import ActionDenied, VersionConflict


def _token_user(request, token):
    """The token's user; 403 while that user must first change the password (first login, expired)."""
    user = user_for_token(token) if token else None
    if user is not None:
        if password_change_due(user):
            raise HttpError(403, API_PASSWORD_CHANGE_MESSAGE)
        request.user = user
    return user


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        return _token_user(request, token)


class HeaderToken(APIKeyHeader):
    param_name = "X-API-Token"

    def authenticate(self, request, key):
        return _token_user(request, key)


class Session(SessionAuth):
    """The browser's login session. Unsafe methods must carry the CSRF token (``X-CSRFToken``
    header); the check runs only for a logged-in session, so a request with no credentials at all,
    or with a wrong token, is answered 401 rather than a CSRF 403."""

    def _get_key(self, request):
        if not request.user.is_authenticated:
            return None
        if check_csrf(request) is not None:
            raise HttpError(403, "CSRF 校验失败：使用登录会话提交时须在 X-CSRFToken 请求头中携带 CSRF 令牌")
        return request.COOKIES.get(self.param_name)


api = NinjaAPI(
    title="党建工作平台 API",
    version="1",
    description=(
        "党组织、党员等数据接口，权限范围与页面相同：只能看到和修改您所在岗位党组织及其下级的数据。\n\n"
        "认证：登录会话（修改类请求需在 `X-CSRFToken` 请求头中携带 CSRF 令牌），"
        "或 `Authorization: Bearer <令牌>`（令牌由管理员用 `dangjian api-token 用户名` 生成）。\n\n"
        "错误：401 未认证；403 无权操作；404 不存在或不在管辖范围内；409 已被他人修改（返回双方内容）；"
        "422 数据有误（`detail` 列出每个字段和原因）。日期均为 `YYYY-MM-DD`。\n\n"
        "分页：列表接口接受 `limit`（1–200，默认 50）和 `offset`，返回 `items` 和 `next_offset`（下一页的 offset，"
        "最后一页为 null）。总数 `count` 要数遍整个管辖范围，默认不计算（为 null），需要时加 `count=true`。"
    ),
    auth=[BearerToken(), HeaderToken(), Session()],
    urls_namespace="api",
    docs_url="/",
    # Swagger UI would otherwise send the schema to validator.swagger.io for its badge: no external calls.
    docs=Swagger(settings={"validatorUrl": None}),
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


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return api.create_response(request, {"detail": str(exc) or "未找到，或不在您的管辖范围内"}, status=404)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    detail = "未认证：请先登录，或在请求头中提供有效的接口令牌（Authorization: Bearer <令牌>）"
    return api.create_response(request, {"detail": detail}, status=401)


_HTTP_MESSAGES = {"Cannot parse request body": "请求体无法解析：应为有效的 JSON"}


@api.exception_handler(HttpError)
def on_http_error(request, exc):
    message = str(exc)
    for english, chinese in _HTTP_MESSAGES.items():
        if message.startswith(english):
            message = chinese
    return api.create_response(request, {"detail": message}, status=exc.status_code)


# -- request validation (types, required fields) in Chinese ---------------------------------------

_REASONS = {
    "missing": "必填",
    "extra_forbidden": "不是可提交的字段",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "bool_parsing": "应为 true 或 false",
    "bool_type": "应为 true 或 false",
    "date_parsing": "日期格式应为 YYYY-MM-DD",
    "date_from_datetime_parsing": "日期格式应为 YYYY-MM-DD",
    "date_from_datetime_inexact": "日期格式应为 YYYY-MM-DD",
    "date_type": "日期格式应为 YYYY-MM-DD",
    "datetime_parsing": "日期时间格式不正确",
    "string_type": "应为文字",
    "json_invalid": "请求体不是有效的 JSON",
    "model_attributes_type": "应为 JSON 对象",
    "dict_type": "应为 JSON 对象",
    "model_type": "应为 JSON 对象",
}
_BOUNDED_REASONS = {
    "string_too_short": "至少 {min_length} 个字符",
    "string_too_long": "最多 {max_length} 个字符",
    "greater_than_equal": "不能小于 {ge}",
    "less_than_equal": "不能大于 {le}",
    "greater_than": "应大于 {gt}",
    "less_than": "应小于 {lt}",
    "enum": "取值应为以下之一：{expected}",
    "literal_error": "取值应为以下之一：{expected}",
}
_SOURCES = {"body", "query", "path", "header", "cookie", "form", "file"}


def error_field(loc) -> str:
    """The field a pydantic error is about: ``("body", "payload", "id_number")`` → ``id_number``.
    The body parameter's own name is dropped; an error about the whole body is ``body``."""
    parts = [str(p) for p in loc]
    source = parts.pop(0) if parts and parts[0] in _SOURCES else ""
    if source == "body" and parts:
        parts.pop(0)
    return ".".join(parts) or source or "请求"


def error_reason(error: dict) -> str:
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    if kind == "string_too_short" and ctx.get("min_length") == 1:
        return "不能为空"
    if kind in _BOUNDED_REASONS:
        values = {k: str(v).replace(" or ", ", ") for k, v in ctx.items()}
        try:
            return _BOUNDED_REASONS[kind].format(**values)
        except KeyError:
            pass
    if kind == "value_error" and ctx.get("error"):
        return str(ctx["error"])
    return _REASONS.get(kind, f"格式不正确（{error.get('msg', '')}）")


@api.exception_handler(RequestInvalid)
def on_request_invalid(request, exc):
    detail = []
    for error in exc.errors:
        field = error_field(error.get("loc", ()))
        detail.append({
            "field": field, "loc": list(error.get("loc", ())), "type": error.get("type", ""),
            "message": f"字段 {field}：{error_reason(error)}",
        })
    return api.create_response(request, {"detail": detail}, status=422)


@csrf_exempt  # it changes nothing; the CSRF page would answer HTML to a PATCH on a bad path
def not_found(request, *args, **kwargs):
    """A path under /api/ that matches no operation (an id that is not a number, say): the API's
    JSON 404, as every operation documents, rather than the site's HTML page."""
    return JsonResponse({"detail": "未找到：没有这个接口地址，或其中的 id 不是正整数"}, status=404,
                        json_dumps_params={"ensure_ascii": False})


def _add_routers() -> None:
    from dangjian.members.api import router as members_router
    from dangjian.orglife.api import router as orglife_router
    from dangjian.orgs.api import router as orgs_router
    from dangjian.worklists.api import router as worklists_router

    api.add_router("/orgs", orgs_router)
    api.add_router("/members", members_router)
    api.add_router("/orglife", orglife_router)
    api.add_router("/worklists", worklists_router)


_add_routers()
