"""Shapes of the organisation API. ``PageQuery``, ``page_of``, ``choices_doc`` and ``OrgRef`` are
shared with the member API (members depend on organisations, never the other way round)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.db.models import QuerySet
from ninja import Field, Schema
from pydantic import ConfigDict

from .choices import OrgKind, Post, UnitCategory

MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 50
# Far past any real list, and far below the 64-bit limit where the database refuses the OFFSET.
MAX_OFFSET = 1_000_000_000
# A record id given as input: past 2^63 - 1 an id the databases cannot hold, and SQLite's driver
# raised OverflowError (a server error) when such a number reached a filter.
MAX_ID = 2**63 - 1
DbId = Annotated[int, Field(ge=1, le=MAX_ID)]


def choices_doc(title: str, choices) -> str:
    """A description listing every code with its Chinese label, for the OpenAPI schema."""
    return f"{title}。取值：" + "；".join(f"`{value}` {label}" for value, label in choices if value)


class InputSchema(Schema):
    """Request bodies: unknown fields are refused (a typo must not be silently ignored) and choice
    fields arrive as their plain codes."""

    model_config = ConfigDict(extra="forbid", use_enum_values=True)


class PageQuery(Schema):
    limit: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description=f"每页条数，1–{MAX_PAGE_SIZE}")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="跳过的条数，从 0 开始")


def page_of(qs: QuerySet, page: PageQuery) -> dict:
    """``{"count": …, "items": […]}``: one count query and one query for the page."""
    return {"count": qs.count(), "items": list(qs[page.offset : page.offset + page.limit])}


class OrgRef(Schema):
    id: int
    code: str = Field(description="组织代码")
    name: str = Field(description="名称")


class OrgFilters(Schema):
    q: str = Field("", max_length=100, description="名称、简称或组织代码包含此文字")
    kind: OrgKind | None = Field(None, description=choices_doc("组织类型", OrgKind.choices))
    unit_category: UnitCategory | None = Field(None, description=choices_doc("单位类别", UnitCategory.choices))
    parent: int | None = Field(None, ge=1, le=MAX_ID, description="上级党组织 id：只列它的直接下级")
    within: int | None = Field(None, ge=1, le=MAX_ID, description="党组织 id：只列它和它的全部下级")
    depth: int | None = Field(None, ge=1, description="层级（顶级党组织为 1）")


class OrgOut(Schema):
    id: int
    name: str = Field(description="名称")
    short_name: str = Field(description="简称")
    code: str = Field(description="组织代码")
    kind: str = Field(description=choices_doc("组织类型", OrgKind.choices))
    kind_label: str = Field(description="组织类型（中文）")
    parent_id: int | None = Field(description="上级党组织 id")
    depth: int = Field(description="层级（顶级党组织为 1）")
    founded_on: dt.date | None = Field(description="成立日期")
    unit_name: str = Field(description="所在单位")
    unit_category: str = Field(description=choices_doc("单位类别", UnitCategory.choices))
    unit_category_label: str = Field(description="单位类别（中文）")
    version: int = Field(description="版本号：修改时原样提交，用于检查并发修改")
    updated_at: dt.datetime

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_unit_category_label(obj) -> str:
        return obj.get_unit_category_display()


class OrgPage(Schema):
    count: int = Field(description="符合条件的总数")
    items: list[OrgOut]


class PostOut(Schema):
    member_id: int
    member_name: str
    post: str = Field(description=choices_doc("职务", Post.choices))
    post_label: str
    concurrent_head: bool = Field(description="一肩挑")

    @staticmethod
    def resolve_member_name(obj) -> str:
        return obj.member.name

    @staticmethod
    def resolve_post_label(obj) -> str:
        return obj.get_post_display()


class TermOut(Schema):
    id: int
    started_on: dt.date
    ends_on: dt.date
    posts: list[PostOut]


class OrgDetail(OrgOut):
    path: str = Field(description="组织树路径（每级 4 个字符）")
    parent_code: str | None = Field(description="上级党组织代码")
    parent_name: str | None = Field(description="上级党组织名称")
    children_count: int = Field(description="直接下级党组织数")
    members_direct: int = Field(description="本组织党员数（党籍正常）")
    members_subtree: int = Field(description="本组织及全部下级党员数（党籍正常）")
    current_term: TermOut | None = Field(description="本届委员会及委员；未换届登记时为 null")

    @staticmethod
    def resolve_parent_code(obj) -> str | None:
        return obj.parent.code if obj.parent_id else None

    @staticmethod
    def resolve_parent_name(obj) -> str | None:
        return obj.parent.name if obj.parent_id else None


class OrgCreate(InputSchema):
    parent: int | None = Field(None, description="上级党组织 id（与 parent_code 二选一）")
    parent_code: str | None = Field(None, max_length=50, description="上级党组织代码（与 parent 二选一）")
    name: str = Field(min_length=1, max_length=200, description="名称")
    short_name: str = Field("", max_length=100, description="简称")
    code: str = Field(min_length=1, max_length=50, description="组织代码，全局唯一")
    kind: OrgKind = Field(description=choices_doc("组织类型", OrgKind.choices))
    founded_on: dt.date | None = Field(None, description="成立日期，YYYY-MM-DD")
    unit_name: str = Field("", max_length=200, description="所在单位")
    unit_category: UnitCategory = Field(UnitCategory.OTHER, description=choices_doc("单位类别", UnitCategory.choices))


class OrgPatch(InputSchema):
    """Only the fields sent are changed. ``version`` is the one read with the organisation."""

    version: int = Field(ge=1, description="读取时的版本号；已被他人修改时返回 409")
    name: str | None = Field(None, min_length=1, max_length=200, description="名称")
    short_name: str | None = Field(None, max_length=100, description="简称")
    code: str | None = Field(None, min_length=1, max_length=50, description="组织代码")
    kind: OrgKind | None = Field(None, description=choices_doc("组织类型", OrgKind.choices))
    founded_on: dt.date | None = Field(None, description="成立日期；null 表示清空")
    unit_name: str | None = Field(None, max_length=200, description="所在单位")
    unit_category: UnitCategory | None = Field(None, description=choices_doc("单位类别", UnitCategory.choices))


class HistoryOut(Schema):
    id: int
    at: dt.datetime = Field(description="时间")
    actor_name: str = Field(description="操作人")
    action: str = Field(description="操作")
    before: dict = Field(description="变更前（敏感信息已脱敏）")
    after: dict = Field(description="变更后（敏感信息已脱敏）")
    note: str = Field(description="说明")


class HistoryPage(Schema):
    count: int
    items: list[HistoryOut]
