"""Request bodies and error bodies at the edge (issue 12 item 8).

``JsonBodyLimitMiddleware`` refuses, before anything parses it, a JSON body larger than
``API_MAX_JSON_BYTES`` (413) or nested deeper than ``API_MAX_JSON_DEPTH`` (422): a 3,000-level
body used to exhaust the recursion of the parsers and of the NUL check, answering 500. The depth is
counted on the raw bytes with the strings taken out, without recursion.

``ApiErrorBodyMiddleware`` makes sure no answer under /api/ carries a traceback, in development
mode too (Django's and django-ninja's debug pages print one): a server error under /api/ is always
the same short Chinese JSON, with the request id to find the logged traceback by. Any other error
answered outside the API's own handlers (a path no route matches, a method not allowed) is turned
into JSON as well, instead of Django's HTML page (which in development lists every URL pattern).
"""

from __future__ import annotations

import logging
import re

from django.conf import settings
from django.http import HttpResponseBadRequest, JsonResponse

from .context import current_request

logger = logging.getLogger(__name__)
STRINGS = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
BRACKETS = re.compile(rb"[\[\]{}]")
SERVER_ERROR = "服务器内部错误，操作未完成；请稍后重试，或把请求编号告诉管理员"
OTHER_ERRORS = {400: "请求无效", 403: "无权访问", 404: "未找到：没有这个接口，或路径中的编号格式不对",
                405: "该接口不支持此请求方法", 413: "请求体过大"}


def json_depth(body: bytes, limit: int) -> int:
    """The nesting depth of a JSON text, counted up to ``limit + 1`` (enough to refuse it)."""
    depth = deepest = 0
    for bracket in BRACKETS.finditer(STRINGS.sub(b"", body)):
        if bracket.group() in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
            if deepest > limit:
                break
        else:
            depth -= 1
    return deepest


def _refusal(request, status: int, field: str, kind: str, message: str):
    if request.path.startswith("/api/"):
        detail = [{"field": field, "loc": ["body"], "type": kind, "message": message}]
        return JsonResponse({"detail": detail}, status=status, json_dumps_params={"ensure_ascii": False})
    response = HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
    response.status_code = status
    return response


class JsonBodyLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("POST", "PUT", "PATCH") and (request.content_type or "").endswith("json"):
            refused = self._check(request)
            if refused is not None:
                return refused
        return self.get_response(request)

    def _check(self, request):
        limit, depth_limit = settings.API_MAX_JSON_BYTES, settings.API_MAX_JSON_DEPTH
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit:
            return _refusal(request, 413, "body", "body_too_large",
                            f"请求体过大：JSON 最多 {limit // 1024} KB（本次 {length // 1024} KB）")
        if json_depth(request.body, depth_limit) > depth_limit:
            return _refusal(request, 422, "body", "body_too_deep", f"请求体嵌套过深：JSON 最多 {depth_limit} 层")
        return None


class ApiErrorBodyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith("/api/") or response.status_code < 400:
            return response
        if response.status_code == 503:  # a lost database race, already answered in Chinese (dangjian/api.py)
            return response
        if response.status_code >= 500:
            return response if getattr(response, "dangjian_clean_error", False) else server_error_response(request)
        if not response.get("Content-Type", "").startswith("application/json"):
            message = OTHER_ERRORS.get(response.status_code, "请求无法处理")
            replaced = JsonResponse({"detail": message}, status=response.status_code,
                                    json_dumps_params={"ensure_ascii": False})
            if response.has_header("Allow"):
                replaced["Allow"] = response["Allow"]
            return replaced
        return response


def server_error_response(request, exc: BaseException | None = None):
    """The one answer to a server error under /api/: Chinese, with the request id, no traceback."""
    request_id = current_request().request_id
    if exc is not None:
        logger.error("API 服务器错误（请求编号 %s）：%s %s", request_id, request.method, request.path, exc_info=exc)
    response = JsonResponse({"detail": SERVER_ERROR, "request_id": request_id}, status=500,
                            json_dumps_params={"ensure_ascii": False})
    response.dangjian_clean_error = True
    return response
