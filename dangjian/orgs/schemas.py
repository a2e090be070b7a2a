"""Shapes of the organisation API. Pagination, references and the shared input rules come from
the API kit (``dangjian.apikit``)."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from dangjian.apikit import MAX_ID, InputSchema, Page, choices_doc

from .choices import OrgKind, Post, UnitCategory


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


class OrgPage(Page):
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
