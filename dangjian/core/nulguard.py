"""Refuse requests carrying the NUL character (U+0000) in the path, the query string, form fields or a
JSON body. PostgreSQL text cannot hold it, so such a value reaching a query or a save was a server
error; Django's form fields refuse it already, but the API's schemas and the list filters read from
the query string did not. Found by schemathesis-style fuzzing (tests/test_api_schemathesis.py)."""

from __future__ import annotations

import json

from django.http import HttpResponseBadRequest, JsonResponse

NUL = "\x00"
MESSAGE = "不能包含空字符（\\0）"


def _strings(value, name: str = ""):
    """(field name, text) for every key and string inside a parsed JSON value. A stack, not
    recursion: however deep the body (core.apiguard caps it anyway), this cannot overflow."""
    stack = [(value, name)]
    while stack:
        item, field = stack.pop()
        if isinstance(item, str):
            yield field, item
        elif isinstance(item, dict):
            for key, child in item.items():
                yield field or str(key), str(key)
                stack.append((child, str(key)))
        elif isinstance(item, list):
            stack.extend((child, field) for child in item)


def nul_field(request) -> tuple[str, str] | None:
    """(where, field) of the first NUL found, or None."""
    if NUL in request.path:
        return "path", "path"
    for key, values in request.GET.lists():
        if NUL in key or any(NUL in v for v in values):
            return "query", key.replace(NUL, "")
    if request.method in ("POST", "PUT", "PATCH"):
        content_type = request.content_type or ""
        if content_type.endswith("json"):
            try:
                body = json.loads(request.body or b"null")
            except (ValueError, RecursionError):  # the view answers a body it cannot parse
                return None
            for field, text in _strings(body):
                if NUL in text:
                    return "body", field.replace(NUL, "") or "body"
        elif content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            for key, values in request.POST.lists():  # form fields only: an uploaded file may hold NUL bytes
                if NUL in key or any(NUL in v for v in values):
                    return "form", key.replace(NUL, "")
    return None


class NulCharacterMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        found = nul_field(request)
        if found is None:
            return self.get_response(request)
        source, field = found
        if request.path.startswith("/api/"):
            detail = [{"field": field, "loc": [source, field], "type": "nul_character",
                       "message": f"字段 {field}：{MESSAGE}"}]
            return JsonResponse({"detail": detail}, status=422, json_dumps_params={"ensure_ascii": False})
        return HttpResponseBadRequest(f"请求中的“{field}”{MESSAGE}，请删除后重试。",
                                      content_type="text/plain; charset=utf-8")
