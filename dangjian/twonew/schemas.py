"""Shapes of the 两新组织 API."""

from __future__ import annotations

from ninja import Field, Schema

from dangjian.apikit import DbId, InputSchema, OrgRef, Page, choices_doc

from .choices import Coverage, EntityKind

COVERAGE_DOC = choices_doc("覆盖方式", Coverage.choices)
KIND_DOC = choices_doc("类型", EntityKind.choices)


class EntityFilters(Schema):
    org: DbId | None = Field(None, description="党组织 id：该组织及其全部下级的两新组织")
    coverage: str = Field("", max_length=20, description=COVERAGE_DOC + "；`uncovered` 同 `none`")
    field: DbId | None = Field(None, description="领域 id")
    q: str = Field("", max_length=100, description="名称或统一社会信用代码包含此文字")


class EntityOut(Schema):
    id: int
    name: str
    credit_code: str = Field(description="统一社会信用代码")
    kind: str = Field(description=KIND_DOC)
    field: str = Field(description="领域", alias="field.name")
    employees: int
    address: str
    legal_representative: str
    party_members: int
    coverage: str = Field(description=COVERAGE_DOC)
    covering_org: OrgRef | None = Field(description="所建党组织")
    instructor_name: str = Field(description="党建指导员")
    org: OrgRef = Field(description="属地党组织（决定查看和维护范围）")
    version: int


class EntityPage(Page):
    items: list[EntityOut]


class EntityCreate(InputSchema):
    org: DbId | None = Field(None, description="属地党组织 id")
    org_code: str | None = Field(None, description="或属地党组织代码")
    name: str = Field(max_length=200)
    credit_code: str = Field(max_length=30, description="统一社会信用代码（18 位，校验第 18 位）")
    kind: EntityKind = Field(description=KIND_DOC)
    field: DbId | None = Field(None, description="领域 id；不填按类型")
    employees: int = Field(0, ge=0, le=10_000_000)
    address: str = Field("", max_length=300)
    legal_representative: str = Field("", max_length=50)
    party_members: int = Field(0, ge=0, le=10_000_000)
    coverage: Coverage = Field(Coverage.NONE, description=COVERAGE_DOC)
    covering_org: DbId | None = Field(None, description="所建党组织 id（单独建立、联合建立时必填）")
    instructor_name: str = Field("", max_length=50, description="党建指导员（选派党建指导员时必填）")
    note: str = Field("", max_length=300)


class EntityPatch(InputSchema):
    version: int = Field(description="读取时的版本号")
    name: str | None = Field(None, max_length=200)
    credit_code: str | None = Field(None, max_length=30)
    kind: EntityKind | None = None
    field: DbId | None = None
    employees: int | None = Field(None, ge=0, le=10_000_000)
    address: str | None = Field(None, max_length=300)
    legal_representative: str | None = Field(None, max_length=50)
    party_members: int | None = Field(None, ge=0, le=10_000_000)
    coverage: Coverage | None = None
    covering_org: DbId | None = None
    instructor_name: str | None = Field(None, max_length=50)
    note: str | None = Field(None, max_length=300)


class ConfirmIn(InputSchema):
    version: int | None = Field(None, description="读取时的版本号")
    note: str = Field("", max_length=300)


class CoverageOut(Schema):
    id: int | None = Field(description="党组织 id（按领域时为领域 id）")
    name: str
    level: int
    total: int
    separate: int = Field(description="单独建立")
    joint: int = Field(description="联合建立")
    instructor: int = Field(description="选派党建指导员")
    uncovered: int = Field(description="未覆盖")
    org_rate: float | None = Field(description="组织覆盖率（%），无两新组织时为 null")
    work_rate: float | None = Field(description="工作覆盖率（%），无两新组织时为 null")


class CoverageReport(Schema):
    by_org: list[CoverageOut]
    by_field: list[CoverageOut]


class ProgressOut(Schema):
    id: int
    name: str
    level: int
    total: int
    checked: int
    remaining: int
    percent: float | None


class CentreFilters(Schema):
    org: DbId | None = Field(None, description="党组织 id：该组织及其全部下级的阵地")


class CentreOut(Schema):
    id: int
    org: OrgRef = Field(description="所属党组织")
    kind: str = Field(description="类型：service_centre 党群服务中心，activity_room 党员活动室")
    name: str
    address: str
    area: int = Field(description="面积（平方米）")
    standards: list[str] = Field(description="已达标准")
    inspected_on: str | None = Field(description="最近检查日期")
    inspection_note: str
    photo_count: int = Field(description="照片张数")
    campaign_check: str | None = Field(description="最近一次“检查阵地”督查到访（比手工填写的检查新时），否则为 null")
    version: int


class CentrePage(Page):
    items: list[CentreOut]


class CentrePhotoOut(Schema):
    id: int
    file_name: str = Field(description="原文件名")
    file_type: str = Field(description="jpg 或 png（按内容判断）")
    file_size: int = Field(description="字节数")
    caption: str
    uploaded_at: str
    url: str = Field(description="照片地址（登录后访问，范围外 404）")
