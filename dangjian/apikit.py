"""The API kit: what every app's ``api.py`` and ``schemas.py`` share, so that no app imports another
app's API. An app's API reads through ``readable_or_404`` / ``writable_or_403`` and ``page_of``,
writes through ``write_in_scope``, and declares its error answers with ``responses``.

- Reads: an id outside the user's scope is 404 (a guessed id says nothing about what exists); a row
  the user may see but not change is 403.
- Writes: ``write_in_scope`` runs the action in one transaction and re-reads its result through
  ``restrict``; a write that would leave the row outside the user's scope is refused and undone.
- Errors (the handlers are in ``dangjian/api.py``): 401 not authenticated, 403 refused, 404 not found
  or out of scope, 409 stale version (both sides returned), 422 bad input (each field and reason).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Annotated

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils import timezone
from ninja import Field, Schema
from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    ModelWrapValidatorHandler,
    ValidationInfo,
    model_validator,
)

from dangjian.core.errors import ActionDenied, VersionConflict
from dangjian.core.scoping import CHANGE, VIEW
from dangjian.core.shortcuts import get_scoped_or_404

MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 50
# Far past any real list, and far below the 64-bit limit where the database refuses the OFFSET.
MAX_OFFSET = 1_000_000_000
# A record id given as input: past 2^63 - 1 an id the databases cannot hold, and SQLite's driver
# raised OverflowError (a server error) when such a number reached a filter.
MAX_ID = 2**63 - 1
DbId = Annotated[int, Field(ge=1, le=MAX_ID)]


# -- date and time given as input ---------------------------------------------------------------------

_DATE_ONLY = re.compile(r"\s*\d{4}-\d{2}-\d{2}\s*")


def _time_required(value):
    """A date alone ("2026-11-25") would be read as midnight: a meeting time nobody meant."""
    if isinstance(value, str) and _DATE_ONLY.fullmatch(value):
        raise ValueError("应为日期和时间，如 2026-11-25T09:00:00+08:00（只有日期，无法确定时间）")
    return value


def _in_local_zone(value: dt.datetime) -> dt.datetime:
    """A time without an offset is the platform's own zone (settings.TIME_ZONE), as the pages read it."""
    return timezone.make_aware(value) if timezone.is_naive(value) else value


LocalDateTime = Annotated[dt.datetime, BeforeValidator(_time_required), AfterValidator(_in_local_zone)]
LOCAL_DATETIME_DOC = "日期和时间，如 `2026-11-25T09:00:00+08:00`；不带时区时按本系统时区理解；只有日期不接受"


def choices_doc(title: str, choices) -> str:
    """A description listing every code with its Chinese label, for the OpenAPI schema."""
    return f"{title}。取值：" + "；".join(f"`{value}` {label}" for value, label in choices if value)


class InputSchema(Schema):
    """Request bodies: unknown fields are refused (a typo must not be silently ignored) and choice
    fields arrive as their plain codes."""

    model_config = ConfigDict(extra="forbid", use_enum_values=True)


class OutputSchema(Schema):
    """Answers built from plain rows (``QuerySet.values()``): a dict is validated as it is. Ninja's
    ``Schema`` wraps every input in a ``DjangoGetter`` so that resolvers, managers and callables
    can be read from model instances; for a dict of plain values with no resolver that wrapping
    changes nothing and cost 5.8 of a city user's 14 ms for a 50-row member page (50 members and
    50 organisations wrapped). Model instances and schemas with resolvers still go through it."""

    @model_validator(mode="wrap")
    @classmethod
    def _run_root_validator(cls, values, handler: ModelWrapValidatorHandler, info: ValidationInfo):
        if type(values) is dict and not cls._ninja_resolvers:
            return handler(values)
        return super()._run_root_validator(values, handler, info)


# -- pagination ----------------------------------------------------------------------------------

COUNT_DOC = ("为 true 时另返回符合条件的总数 `count`。计数要数遍整个管辖范围（市级约 12 万名党员），"
             "默认不计数（`count` 为 null）；翻页看 `next_offset`")


class SubtreeYearQuery(Schema):
    """A yearly report over a subtree: the organisation (default: the top of the user's scope, see
    ``subtree_root``) and the year (default: this year)."""

    org: DbId | None = Field(None, description="党组织 id；不填为您管辖范围的顶层组织")
    year: int = Field(default_factory=lambda: dt.date.today().year, ge=2000, le=2100, description="年度")


class PageQuery(Schema):
    limit: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description=f"每页条数，1–{MAX_PAGE_SIZE}")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="跳过的条数，从 0 开始")
    count: bool = Field(False, description=COUNT_DOC)


class Page(OutputSchema):
    """A page of a list: its items, where the next page starts, and the total only when asked."""

    count: int | None = Field(description="符合条件的总数；只在请求 `count=true` 时给出，否则为 null")
    next_offset: int | None = Field(description="下一页的 offset（原样放入下一次请求）；已是最后一页时为 null")


def page_of(qs: QuerySet, page: PageQuery) -> dict:
    """``{"count": …, "next_offset": …, "items": […]}``: one query for the page, asking for one row
    more than the page holds to know whether another page follows. The exact count over the whole
    scope (24 of 32 ms of a city user's page) is run only when the client asks ``count=true``, and
    not even then when the page itself shows where the list ends."""
    rows = list(qs[page.offset : page.offset + page.limit + 1])
    more = len(rows) > page.limit
    rows = rows[: page.limit]
    count = None
    if page.count:
        ends_here = not more and (rows or page.offset == 0)
        count = page.offset + len(rows) if ends_here else qs.count()
    return {"count": count, "next_offset": page.offset + page.limit if more else None, "items": rows}


# -- pickers (type-to-search form fields, see core/pickers.py) -----------------------------------------

class PickerQuery(Schema):
    q: str = Field("", max_length=100, description="输入的文字（名称、代码等）")
    limit: int = Field(20, ge=1, le=50, description="最多返回条数，1–50")


class PickerItem(Schema):
    id: int
    code: str = Field("", description="代码（党组织）")
    label: str = Field(description="显示的名称")


class PickerOut(Schema):
    items: list[PickerItem]


# -- shared shapes ---------------------------------------------------------------------------------

class OrgRef(OutputSchema):
    """An organisation named inside another record's answer."""

    id: int
    code: str = Field(description="组织代码")
    name: str = Field(description="名称")


class HistoryOut(Schema):
    id: int
    at: dt.datetime = Field(description="时间")
    actor_name: str = Field(description="操作人")
    action: str = Field(description="操作")
    before: dict = Field(description="变更前（敏感信息已脱敏）")
    after: dict = Field(description="变更后（敏感信息已脱敏）")
    note: str = Field(description="说明")


class HistoryPage(Page):
    items: list[HistoryOut]


# -- the error answers, declared on each operation ---------------------------------------------------

class ErrorOut(Schema):
    detail: str = Field(description="原因")


class FieldErrorOut(Schema):
    field: str = Field(description="出错的字段")
    message: str = Field(description="原因")
    loc: list[str | int] | None = Field(None, description="字段位置（请求格式错误时）")
    type: str | None = Field(None, description="错误类型（请求格式错误时）")


class InvalidOut(Schema):
    detail: list[FieldErrorOut] = Field(description="每个字段和原因")


class ConflictOut(Schema):
    detail: str = Field(description="原因")
    current: dict = Field(description="当前内容（含当前版本号 version）")
    submitted: dict = Field(description="您提交的内容（含您提交的版本号 version）")


ERROR_SCHEMAS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ConflictOut, 422: InvalidOut}
READ_ERRORS = (401, 404, 422)
WRITE_ERRORS = (401, 403, 404, 409, 422)


def responses(ok, *, status: int = 200, errors=READ_ERRORS) -> dict:
    """An operation's ``response=``: its success and the error answers it may give, so the OpenAPI
    schema documents them."""
    return {status: ok, **{code: ERROR_SCHEMAS[code] for code in errors}}


# -- scoped lookups --------------------------------------------------------------------------------

def readable_or_404(qs: QuerySet, user, pk: int):
    return get_scoped_or_404(qs.model, user, pk, VIEW, queryset=qs)


def subtree_root(user, org_id: int | None):
    """The organisation a report starts from: ``org_id`` when given (404 outside the scope), else the
    top of the user's scope; 422 when the user has none."""
    from dangjian.accounts.queries import scope_root
    from dangjian.orgs.models import Organization

    if org_id is not None:
        return readable_or_404(Organization.objects.all(), user, org_id)
    root = scope_root(user)
    if root is None:
        raise ValidationError({"org": "您没有可查看的党组织"})
    return root


def writable_or_403(qs: QuerySet, user, pk: int):
    """The row if the user may change it; 403 if they may only view it; 404 if they may not see it."""
    obj = qs.restrict(user, CHANGE).filter(pk=pk).first()
    if obj is not None:
        return obj
    readable_or_404(qs, user, pk)
    raise ActionDenied("无权操作")


def reject_nulls(changes: dict, nullable: set[str]) -> None:
    """PATCH bodies may send null only to clear a field that can be empty."""
    bad = {k: "不能为空" for k, v in changes.items() if v is None and k not in nullable}
    if bad:
        raise ValidationError(bad)


# -- writes ----------------------------------------------------------------------------------------

def with_versions(exc: VersionConflict, model: type[Model], pk: int, submitted: int) -> VersionConflict:
    """A version conflict that carries both version numbers: the row's current one and the one sent."""
    exc.current["version"] = model.objects.filter(pk=pk).values_list("version", flat=True).first()
    exc.submitted["version"] = submitted
    return exc


def write_in_scope(user, qs: QuerySet, write: Callable[[], Model], *, pk: int | None = None,
                   expected_version: int | None = None):
    """The only way the API writes: run ``write`` (an action call) in one transaction, then re-read
    the row through ``qs.restrict(user)``. A write that would leave the row outside the user's scope
    (an organisation moved away, a member transferred out of reach) is refused with 403 and undone.

    The row re-read is ``pk`` when given (the row an update or transfer is about), else the one
    ``write`` returns. With ``expected_version`` a version conflict carries both version numbers."""
    try:
        with transaction.atomic():
            written = write()
            row = qs.restrict(user, VIEW).filter(pk=pk if pk is not None else written.pk).first()
            if row is None:
                raise ActionDenied("操作后记录将不在您的管辖范围内")
            return row
    except VersionConflict as exc:
        if expected_version is None or pk is None:
            raise
        raise with_versions(exc, qs.model, pk, expected_version) from None
