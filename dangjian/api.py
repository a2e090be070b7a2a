"""The REST API (django-ninja): one NinjaAPI, each app adds its router. Authentication by session
(with CSRF) or by bearer token; scoping is the same ``restrict`` the pages use.

Docs at /api/ (Swagger UI from ninja's own static files: ``ninja`` is in INSTALLED_APPS, so no CDN),
schema at /api/openapi.json."""

from django.core.exceptions import ValidationError
from django.db import OperationalError
from django.http import Http404, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as RequestInvalid
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder
from ninja.security import APIKeyHeader, HttpBearer
from ninja.security.session import SessionAuth
from ninja.utils import check_csrf
from pydantic_core import to_json

from dangjian.accounts.middleware import API_PASSWORD_CHANGE_MESSAGE
from dangjian.accounts.queries import password_change_due, user_for_token
from dangjian.core.context import client_address
from dangjian.core.errors import (
    BUSY_MESSAGE,
    ActionDenied,
    AuditedRefusal,
    RateLimited,
    VersionConflict,
    is_busy_database,
)
from dangjian.core.history import record_refusal


def _token_user(request, token):
    """The token's user; 403 while that user must first change the password (first login, expired)
    or is locked out by failed logins from this address (a token is no way around the lockout)."""
    user = user_for_token(token, address=client_address(request)) if token else None
    if user is not None:
        if password_change_due(user):
            raise HttpError(403, API_PASSWORD_CHANGE_MESSAGE)
        if user.token_locked_until is not None:
            raise HttpError(403, "连续登录失败次数过多，该账号在您所在的地址已临时锁定，接口令牌暂不可用")
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


_MESSAGE = {"type": "object", "properties": {"detail": {"type": "string"}}, "required": ["detail"]}
_FIELD_ERRORS = {"type": "object", "required": ["detail"], "properties": {"detail": {"type": "array", "items": {
    "type": "object", "required": ["field", "message"],
    "properties": {"field": {"type": "string"}, "message": {"type": "string"}, "type": {"type": "string"},
                   "loc": {"type": "array"}}}}}}
_CONFLICT = {"type": "object", "required": ["detail", "current", "submitted"], "properties": {
    "detail": {"type": "string"}, "current": {"type": "object"}, "submitted": {"type": "object"}}}
_SERVER_ERROR = {"type": "object", "required": ["detail"], "properties": {
    "detail": {"type": "string"}, "request_id": {"type": "string"}}}
ERROR_RESPONSES = {
    "401": ("未认证：没有或无效的登录会话、接口令牌", _MESSAGE),
    "403": ("无权操作（岗位、CSRF、须先修改密码、登录锁定）", _MESSAGE),
    "404": ("路径或请求中引用的记录不存在，或不在您的管辖范围内", _MESSAGE),
    "409": ("已被他人修改：返回当前内容和您提交的内容", _CONFLICT),
    "413": ("请求体过大", _FIELD_ERRORS),
    "422": ("数据有误：逐个字段说明原因", _FIELD_ERRORS),
}


class FastJSONRenderer(JSONRenderer):
    """Answers written by pydantic's serializer (in Rust, already a dependency of ninja) instead of
    ``json.dumps`` with a Python ``default`` called for every date: 2–3 ms of a city user's 50-member
    page. Dates, datetimes (ISO 8601, UTC as ``Z``), decimals (as strings), UUIDs and enums come out
    as ``json.dumps`` wrote them except that datetimes keep their microseconds; anything else falls
    back to ninja's encoder. Chinese is written as UTF-8, not ``\\uXXXX`` escapes."""

    _fallback = NinjaJSONEncoder().default

    def render(self, request, data, *, response_status: int) -> bytes:
        return to_json(data, fallback=self._fallback)


class DocumentedErrorsAPI(NinjaAPI):
    """The schema lists each operation's error answers (issue 12, "Also"), so that a client and
    schemathesis know their shape. Operations declare theirs with ``apikit.responses``; this adds
    what any operation may answer whatever it declares: 403 (a token refused during a lockout or
    before a required password change), 413 on writes (a body over the limit, core.apiguard) and
    500 (one short JSON without a traceback, core.apiguard) — and 401/404/422 where missing."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for operations in schema["paths"].values():
            for method, operation in operations.items():
                codes = ["401", "403", "404", "422"]
                codes += ["409", "413"] if method in ("post", "put", "patch", "delete") else []
                responses = operation.setdefault("responses", {})
                declared = {str(code) for code in responses}
                for code in codes:
                    if code not in declared:
                        description, body = ERROR_RESPONSES[code]
                        responses[code] = {"description": description,
                                           "content": {"application/json": {"schema": body}}}
                if "500" not in declared:
                    responses["500"] = {"description": "服务器内部错误（不含任何调用栈），附请求编号",
                                        "content": {"application/json": {"schema": _SERVER_ERROR}}}
        return schema


api = DocumentedErrorsAPI(
    title="党建工作平台 API",
    version="1",
    description=(
        "党组织、党员等数据接口，权限范围与页面相同：只能看到和修改您所在岗位党组织及其下级的数据。\n\n"
        "认证：登录会话（修改类请求需在 `X-CSRFToken` 请求头中携带 CSRF 令牌），"
        "或 `Authorization: Bearer <令牌>`（令牌由管理员用 `dangjian api-token 用户名` 生成，90 天内过期；"
        "本人用 `/api/accounts/tokens` 查看和吊销）。\n\n"
        "错误：401 未认证；403 无权操作；404 不存在或不在管辖范围内；409 已被他人修改（返回双方内容）；"
        "413 请求体过大（JSON 最多 1 MB）；422 数据有误（`detail` 列出每个字段和原因；JSON 最多嵌套 32 层；"
        "日期时间不带时区时按本系统时区理解）；429 操作过于频繁（按号码查找、登记党员、导入、登录有频率限制，"
        "见 `Retry-After`）；503 与他人的操作同时提交、未保存，请重试；"
        "500 服务器错误（只含说明和请求编号）。每个接口的错误格式见各自的响应说明。日期均为 `YYYY-MM-DD`。\n\n"
        "本接口文档和 `/api/openapi.json` 无需登录即可查看：其中只有接口和字段的说明，没有任何数据，"
        "且与开源代码中的内容相同；调用任何接口都需要认证。\n\n"
        "分页：列表接口接受 `limit`（1–200，默认 50）和 `offset`，返回 `items` 和 `next_offset`（下一页的 offset，"
        "最后一页为 null）。总数 `count` 要数遍整个管辖范围，默认不计算（为 null），需要时加 `count=true`。"
    ),
    auth=[BearerToken(), HeaderToken(), Session()],
    renderer=FastJSONRenderer(),
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
    if isinstance(exc, AuditedRefusal):  # its action rolled back; the refusal's record is written now
        record_refusal(exc)
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    detail = [{"field": f, "message": m} for f, msgs in errors.items() for m in msgs]
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(OperationalError)
def on_database_error(request, exc):
    """A write that lost a race (deadlock, serialization failure, SQLite's lock) was rolled back:
    503 with Retry-After, in Chinese. Any other database fault stays a server error."""
    if not is_busy_database(exc):
        raise exc
    response = api.create_response(request, {"detail": BUSY_MESSAGE}, status=503)
    response["Retry-After"] = "1"
    return response


@api.exception_handler(RateLimited)
def on_rate_limited(request, exc):
    response = api.create_response(request, {"detail": str(exc)}, status=429)
    response["Retry-After"] = str(exc.retry_after)
    return response


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
    if message.startswith("Cannot parse request body"):  # bad input: 422 with the reason, like any other
        detail = [{"field": "body", "loc": ["body"], "type": "json_invalid", "message": _HTTP_MESSAGES[
            "Cannot parse request body"]}]
        return api.create_response(request, {"detail": detail}, status=422)
    return api.create_response(request, {"detail": message}, status=exc.status_code)


@api.exception_handler(Exception)
def on_server_error(request, exc):
    """Anything unexpected: logged with its traceback, answered without it — in development mode
    too, where django-ninja would otherwise print the traceback into the response."""
    from dangjian.core.apiguard import server_error_response

    return server_error_response(request, exc)


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
    from dangjian.accounts.api import router as accounts_router
    from dangjian.administration.api import router as administration_router
    from dangjian.appraisal.api import router as appraisal_router
    from dangjian.assessment.api import router as assessment_router
    from dangjian.campaigns.api import router as campaigns_router
    from dangjian.community.api import router as community_router
    from dangjian.dashboard.api import router as dashboard_router
    from dangjian.dues.api import router as dues_router
    from dangjian.jobs.api import router as jobs_router
    from dangjian.learning.api import router as learning_router
    from dangjian.members.api import router as members_router
    from dangjian.mobility.api import router as mobility_router
    from dangjian.notices.api import router as notices_router
    from dangjian.orglife.api import router as orglife_router
    from dangjian.orgs.api import router as orgs_router
    from dangjian.recruitment.api import router as recruitment_router
    from dangjian.twonew.api import router as twonew_router
    from dangjian.worklists.api import router as worklists_router

    api.add_router("/orgs", orgs_router)
    api.add_router("/members", members_router)
    api.add_router("/orglife", orglife_router)
    api.add_router("/dashboard", dashboard_router)
    api.add_router("/worklists", worklists_router)
    api.add_router("/assessment", assessment_router)
    api.add_router("/campaigns", campaigns_router)
    api.add_router("/administration", administration_router)
    api.add_router("/jobs", jobs_router)
    api.add_router("/appraisal", appraisal_router)
    api.add_router("/twonew", twonew_router)
    api.add_router("/learning", learning_router)
    api.add_router("/recruitment", recruitment_router)
    api.add_router("/dues", dues_router)
    api.add_router("/notices", notices_router)
    api.add_router("/mobility", mobility_router)
    api.add_router("/community", community_router)
    api.add_router("/accounts", accounts_router)


_add_routers()
