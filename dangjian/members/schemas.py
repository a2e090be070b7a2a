"""Shapes of the member API. Output carries only the masked ID number and phone: the plaintext
never leaves through the API."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from dangjian.apikit import (
    COUNT_DOC,
    DEFAULT_PAGE_SIZE,
    MAX_OFFSET,
    MAX_PAGE_SIZE,
    InputSchema,
    OrgRef,
    OutputSchema,
    Page,
    choices_doc,
)

from .choices import AGE_BANDS, ETHNICITIES, Category, Education, FlowStatus, Gender, MembershipType, PartyStatus

Ethnicity = Literal[tuple(ETHNICITIES)]
AgeBand = Literal[tuple(label for label, _, _ in AGE_BANDS)]
FlowDirection = Literal["out", "in"]

GENDER_DOC = choices_doc("性别", Gender.choices)
TYPE_DOC = choices_doc("党员类型", MembershipType.choices)
STATUS_DOC = choices_doc("党籍状态", PartyStatus.choices)
EDUCATION_DOC = choices_doc("学历", Education.choices)
CATEGORY_DOC = choices_doc("人员类别", Category.choices)
FLOW_DOC = choices_doc("流动党员", FlowStatus.choices) + "；空字符串表示否"
FLOW_READ_ONLY_DOC = ("只读：由流动党员的外出、流入登记（`/api/mobility/outflows`、`/api/mobility/inflows`）维护。"
                      "提交与当前不同的值返回 422，提交当前值（读出后原样写回）不受影响")
ETHNICITY_DOC = "民族，56 个民族的全称，如“汉族”“回族”"


class MemberFilters(Schema):
    """The filters of the member list page, with the same meaning."""

    q: str = Field("", max_length=100, description="姓名包含此文字；或完整的公民身份号码、手机号码（精确匹配）")
    org: int | None = Field(None, description="党组织 id：该组织及其全部下级的党员")
    membership_type: MembershipType | None = Field(None, description=TYPE_DOC)
    status: PartyStatus | None = Field(None, description=STATUS_DOC)
    gender: Gender | None = Field(None, description=GENDER_DOC)
    education: Education | None = Field(None, description=EDUCATION_DOC)
    category: Category | None = Field(None, description=CATEGORY_DOC)
    age_band: AgeBand | None = Field(None, description="年龄段：" + "、".join(b[0] for b in AGE_BANDS))
    flow_status: FlowDirection | None = Field(None, description="流动党员：`out` 流出；`in` 流入")
    lost_contact: bool | None = Field(None, description="失联党员")
    hardship: bool | None = Field(None, description="困难党员")
    retired: bool | None = Field(None, description="离退休")


class MemberSearch(MemberFilters):
    """The list's filters and paging in a POST body: an ID number or phone never goes in a URL."""

    limit: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description=f"每页条数，1–{MAX_PAGE_SIZE}")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="跳过的条数，从 0 开始")
    count: bool = Field(False, description=COUNT_DOC)


class MemberOut(OutputSchema):
    id: int
    name: str = Field(description="姓名")
    gender: str = Field(description=GENDER_DOC)
    ethnicity: str = Field(description="民族")
    id_number_masked: str = Field(description="公民身份号码（脱敏）")
    phone_masked: str = Field(description="手机号码（脱敏）")
    birth_date: dt.date = Field(description="出生日期")
    education: str = Field(description=EDUCATION_DOC)
    category: str = Field(description=CATEGORY_DOC)
    work_unit: str = Field(description="工作单位")
    job_title: str = Field(description="职务")
    joined_on: dt.date = Field(description="入党日期")
    confirmed_on: dt.date | None = Field(description="转正日期")
    membership_type: str = Field(description=TYPE_DOC)
    status: str = Field(description=STATUS_DOC)
    address: str = Field(description="家庭住址")
    org: OrgRef = Field(description="所在党组织")
    lost_contact: bool = Field(description="失联党员")
    lost_contact_since: dt.date | None = Field(description="失联日期")
    flow_status: str = Field(description=FLOW_DOC)
    flow_place: str = Field(description="流动地点")
    hardship: bool = Field(description="困难党员")
    retired: bool = Field(description="离退休")
    report_community: str = Field(description="报到社区")
    version: int = Field(description="版本号：修改时原样提交，用于检查并发修改")
    updated_at: dt.datetime


class MemberPage(Page):
    items: list[MemberOut]


class _MemberFields(InputSchema):
    """Fields a client may set on create; on PATCH the same names, all optional."""

    phone: str = Field("", max_length=20, description="手机号码，11 位；空字符串表示未填写")
    ethnicity: Ethnicity = Field("汉族", description=ETHNICITY_DOC)
    education: Education | None = Field(None, description=EDUCATION_DOC)
    category: Category | None = Field(None, description=CATEGORY_DOC)
    work_unit: str = Field("", max_length=200, description="工作单位")
    job_title: str = Field("", max_length=100, description="职务")
    confirmed_on: dt.date | None = Field(None, description="转正日期；正式党员入党满一年的必填")
    membership_type: MembershipType = Field(MembershipType.FULL, description=TYPE_DOC)
    status: PartyStatus = Field(PartyStatus.NORMAL, description=STATUS_DOC)
    address: str = Field("", max_length=300, description="家庭住址")
    lost_contact: bool = Field(False, description="失联党员")
    lost_contact_since: dt.date | None = Field(None, description="失联日期")
    flow_status: FlowStatus = Field(FlowStatus.NONE, description=f"{FLOW_DOC}。{FLOW_READ_ONLY_DOC}；登记时只能为空")
    flow_place: str = Field("", max_length=200, description=f"流动地点。{FLOW_READ_ONLY_DOC}；登记时只能为空")
    hardship: bool = Field(False, description="困难党员")
    retired: bool = Field(False, description="离退休")
    report_community: str = Field("", max_length=200, description="报到社区")


class MemberCreate(_MemberFields):
    org: int | None = Field(None, description="所在党组织 id（与 org_code 二选一）")
    org_code: str | None = Field(None, max_length=50, description="所在党组织代码（与 org 二选一）")
    name: str = Field(min_length=1, max_length=50, description="姓名")
    id_number: str = Field(min_length=1, max_length=30, description="公民身份号码，18 位（末位可为 X）")
    gender: Gender | None = Field(None, description=GENDER_DOC + "；不填时按公民身份号码")
    birth_date: dt.date | None = Field(None, description="出生日期；不填时按公民身份号码")
    joined_on: dt.date = Field(description="入党日期，YYYY-MM-DD；入党时须年满 18 周岁")


class MemberPatch(InputSchema):
    """Only the fields sent are changed; null clears a field that may be empty. Moving a member to
    another organisation is a transfer (``POST /api/members/{id}/transfer``), not a PATCH."""

    version: int = Field(ge=1, description="读取时的版本号；已被他人修改时返回 409")
    name: str | None = Field(None, min_length=1, max_length=50, description="姓名")
    id_number: str | None = Field(None, min_length=1, max_length=30, description="公民身份号码")
    phone: str | None = Field(None, max_length=20, description="手机号码；空字符串或 null 表示清空")
    gender: Gender | None = Field(None, description=GENDER_DOC)
    ethnicity: Ethnicity | None = Field(None, description=ETHNICITY_DOC)
    birth_date: dt.date | None = Field(None, description="出生日期")
    education: Education | None = Field(None, description=EDUCATION_DOC)
    category: Category | None = Field(None, description=CATEGORY_DOC)
    work_unit: str | None = Field(None, max_length=200, description="工作单位")
    job_title: str | None = Field(None, max_length=100, description="职务")
    joined_on: dt.date | None = Field(None, description="入党日期")
    confirmed_on: dt.date | None = Field(None, description="转正日期")
    membership_type: MembershipType | None = Field(None, description=TYPE_DOC)
    status: PartyStatus | None = Field(None, description=STATUS_DOC)
    status_effective_on: dt.date | None = Field(
        None, description="党籍状态变更的生效日期（如去世、出党之日），不填为今天；之前的会议仍按当时的名册核查")
    address: str | None = Field(None, max_length=300, description="家庭住址")
    lost_contact: bool | None = Field(None, description="失联党员")
    lost_contact_since: dt.date | None = Field(None, description="失联日期")
    flow_status: FlowStatus | None = Field(None, description=f"{FLOW_DOC}。{FLOW_READ_ONLY_DOC}")
    flow_place: str | None = Field(None, max_length=200, description=f"流动地点。{FLOW_READ_ONLY_DOC}")
    hardship: bool | None = Field(None, description="困难党员")
    retired: bool | None = Field(None, description="离退休")
    report_community: str | None = Field(None, max_length=200, description="报到社区")


class TransferIn(InputSchema):
    to_org: int | None = Field(None, description="转入党组织 id（与 to_org_code 二选一）")
    to_org_code: str | None = Field(None, max_length=50, description="转入党组织代码（与 to_org 二选一）")
    transferred_on: dt.date = Field(description="转接日期，YYYY-MM-DD")
    reason: str = Field("", max_length=300, description="原因")


class TransferOut(Schema):
    id: int
    member_id: int
    member_version: int = Field(description="转接后党员记录的版本号")
    from_org: OrgRef
    to_org: OrgRef
    transferred_on: dt.date
    reason: str

    @staticmethod
    def resolve_member_version(obj) -> int:
        return obj.member.version
