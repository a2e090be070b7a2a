"""The organisational-life API: record and read meetings, the compliance report, the flags.
Lookups go through ``restrict``: outside the scope is 404; visible but not writable is 403."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from dangjian.accounts.queries import scope_root
from dangjian.apikit import (
    LOCAL_DATETIME_DOC,
    WRITE_ERRORS,
    InputSchema,
    LocalDateTime,
    OrgRef,
    Page,
    PageQuery,
    page_of,
    readable_or_404,
    responses,
    writable_or_403,
    write_in_scope,
)
from dangjian.core.history import record_export
from dangjian.core.scoping import CHANGE, require
from dangjian.orgs.queries import referenced_org

from . import actions, exporting, queries
from .choices import AttendanceStatus, FlagKind, FlagState, MeetingStatus
from .jobs import SYNC_SCAN_MAX_ORGS, needs_background_scan, start_rescan
from .models import IntegrityFlag, Meeting
from .report import compliance_report

router = Router(tags=["组织生活"])


class AttendanceIn(Schema):
    member: int = Field(description="党员 id（须为本组织或所属党小组的正常党员）")
    status: AttendanceStatus = AttendanceStatus.PRESENT
    reason: str = Field("", max_length=200, description="请假、缺席原因")


class AttendanceOut(Schema):
    member_id: int
    name: str
    status: str
    reason: str


class MeetingIn(Schema):
    org: int | None = Field(None, description="党组织 id")
    org_code: str | None = Field(None, description="或组织代码")
    title: str = Field(min_length=1, max_length=200)
    types: list[str] = Field(min_length=1, description="会议类型代码，可多个，如 theme_day、lecture")
    status: MeetingStatus = MeetingStatus.HELD
    held_at: LocalDateTime = Field(description=f"召开时间。{LOCAL_DATETIME_DOC}")
    ends_at: LocalDateTime | None = Field(None, description=f"结束时间。{LOCAL_DATETIME_DOC}")
    place: str = Field("", max_length=200)
    host: str = Field("", max_length=50)
    recorder: str = Field("", max_length=50)
    topics: str = Field("", max_length=actions.TEXT_LIMITS["topics"], description="议题")
    minutes: str = Field("", max_length=actions.TEXT_LIMITS["minutes"], description="会议内容")
    decisions: str = Field("", max_length=actions.TEXT_LIMITS["decisions"], description="决议")
    lecturer: str = Field("", max_length=50)
    lecture_title: str = Field("", max_length=200)
    attendance: list[AttendanceIn] = []


class MeetingPatch(Schema):
    version: int
    amend_reason: str | None = Field(None, max_length=500, description="已锁定的记录须填写更正原因")
    title: str | None = Field(None, min_length=1, max_length=200)
    types: list[str] | None = None
    status: MeetingStatus | None = None
    held_at: LocalDateTime | None = Field(None, description=f"召开时间。{LOCAL_DATETIME_DOC}")
    ends_at: LocalDateTime | None = Field(None, description=f"结束时间。{LOCAL_DATETIME_DOC}")
    place: str | None = None
    host: str | None = None
    recorder: str | None = None
    topics: str | None = Field(None, max_length=actions.TEXT_LIMITS["topics"], description="议题")
    minutes: str | None = Field(None, max_length=actions.TEXT_LIMITS["minutes"], description="会议内容")
    decisions: str | None = Field(None, max_length=actions.TEXT_LIMITS["decisions"], description="决议")
    lecturer: str | None = None
    lecture_title: str | None = None
    attendance: list[AttendanceIn] | None = None


class FlagOut(Schema):
    id: int
    meeting_id: int
    kind: str
    message: str
    related_id: int | None
    score: float | None
    state: str = Field(description="核实结果：open 待核实、confirmed 属实、explained 已说明、dismissed 不成立")
    explanation: str
    decided_by: str | None = Field(description="核实人用户名")
    decided_at: dt.datetime | None
    cleared_at: dt.datetime | None = Field(description="重新核查不再发现的时间（已核实的提示保留备查）")
    version: int

    @staticmethod
    def resolve_decided_by(obj):
        return obj.decided_by.username if obj.decided_by_id else None


class FlagDecision(InputSchema):
    state: FlagState
    explanation: str = Field("", max_length=500, description="已说明、不成立须填写理由")
    version: int = Field(ge=1, description="读取时的版本号；已被他人处理时返回 409")


class ScanIn(InputSchema):
    org: int | None = Field(None, description="党组织 id；不填为您管辖范围的顶级组织")
    year: int | None = Field(None, ge=2000, le=2100)


class ScanOut(Schema):
    org: OrgRef
    year: int
    flags: int = Field(description="核查后当前的提示条数")


class ScanJobOut(Schema):
    job: int = Field(description="后台任务编号；进度见 GET /api/jobs/{job}")
    state: str
    page_url: str = Field(description="任务页面（进度条）")

    @staticmethod
    def resolve_job(obj):
        return obj.pk

    @staticmethod
    def resolve_page_url(obj):
        return reverse("jobs:detail", args=[obj.pk])


class MeetingOut(Schema):
    id: int
    org: OrgRef
    title: str
    types: list[str]
    status: str
    held_at: dt.datetime
    ends_at: dt.datetime
    place: str
    host: str
    recorder: str
    topics: str
    minutes: str
    decisions: str
    lecturer: str
    lecture_title: str
    expected_count: int
    present_count: int
    leave_count: int
    absent_count: int
    entered_at: dt.datetime
    locked: bool
    version: int

    @staticmethod
    def resolve_types(obj):
        return [t.type for t in obj.type_links.all()]

    @staticmethod
    def resolve_locked(obj):
        return actions.is_locked(obj)


class MeetingFull(MeetingOut):
    attendance: list[AttendanceOut]
    flags: list[FlagOut]

    @staticmethod
    def resolve_attendance(obj):
        return list(obj.attendances.all())

    @staticmethod
    def resolve_flags(obj):
        return list(obj.flags.filter(cleared_at__isnull=True).select_related("decided_by"))


class MeetingPage(Page):
    items: list[MeetingOut]


class MeetingFilters(Schema):
    org: int | None = Field(None, description="党组织 id：该组织及其下级")
    year: int | None = Field(None, ge=2000, le=2100)


class ReportQuery(Schema):
    org: int | None = Field(None, description="党组织 id；不填为您管辖范围的顶级组织")
    year: int | None = Field(None, ge=2000, le=2100)


class FlagFilters(ReportQuery):
    kind: FlagKind | None = None
    state: FlagState | None = None
    cleared: bool = Field(False, description="true 时列出重新核查后已消除的提示")


def _meetings():
    return Meeting.objects.select_related("org").prefetch_related("type_links")


def _attendance(items) -> list[dict] | None:
    return None if items is None else [i.model_dump() for i in items]


@router.get("/meetings", response=responses(MeetingPage, errors=(401, 404, 422)), summary="会议列表")
def list_meetings(request, filters: Query[MeetingFilters], page: Query[PageQuery]):
    qs = _meetings().restrict(request.user)
    if filters.org is not None:
        org = referenced_org(request.user, pk=filters.org, code=None, field="org")
        qs = qs.filter(org__path__startswith=org.path)
    if filters.year is not None:
        start, end = queries.year_bounds(filters.year)
        qs = qs.filter(held_at__gte=start, held_at__lt=end)
    return page_of(qs.order_by("-held_at", "-id"), page)


@router.get("/meetings/{int:meeting_id}", response=responses(MeetingFull), summary="会议详情")
def get_meeting(request, meeting_id: int):
    return readable_or_404(_meetings(), request.user, meeting_id)


@router.post("/meetings", response=responses(MeetingFull, status=201, errors=WRITE_ERRORS), summary="登记会议")
def create_meeting(request, payload: MeetingIn):
    """登记已召开的会议（或 `status=planned` 计划召开的会议），出席名单须为本组织的正常党员。"""
    org = referenced_org(request.user, pk=payload.org, code=payload.org_code, field="org")
    fields = payload.model_dump(exclude={"org", "org_code", "attendance"})
    meeting = write_in_scope(request.user, _meetings(), lambda: actions.meeting_record(
        acting_user=request.user, org=org, attendance=_attendance(payload.attendance), **fields))
    return Status(201, meeting)


@router.patch("/meetings/{int:meeting_id}", response=responses(MeetingFull, errors=WRITE_ERRORS),
              summary="修改或更正会议记录")
def update_meeting(request, meeting_id: int, payload: MeetingPatch):
    """未锁定的记录直接修改；已锁定的记录须提供 `amend_reason`，作为更正保存。`version` 必填。"""
    meeting = writable_or_403(_meetings(), request.user, meeting_id)
    changes = payload.model_dump(exclude_unset=True, exclude={"version", "amend_reason", "attendance", "types"})
    common = {"acting_user": request.user, "meeting": meeting, "expected_version": payload.version,
              "attendance": _attendance(payload.attendance), "types": payload.types, **changes}

    def write():
        if payload.amend_reason:
            return actions.meeting_amend(reason=payload.amend_reason, **common)
        return actions.meeting_update(**common)

    return write_in_scope(request.user, _meetings(), write, pk=meeting_id, expected_version=payload.version)


def _report_root(request, org_id):
    if org_id is not None:
        return referenced_org(request.user, pk=org_id, code=None, field="org")
    root = scope_root(request.user)
    if root is None:
        raise Http404("您没有可查看的党组织")
    return root


@router.get("/compliance", summary="组织生活落实情况")
def compliance(request, params: Query[ReportQuery]):
    """每个党组织、每条规则、每个周期的结果（已完成 / 未开展 / 人数不足 / 未到期 / 不作要求）及原因，
    逐级汇总的落实率，静默支部，即将到期事项。与 `dangjian orglife-report --format json` 相同。"""
    root = _report_root(request, params.org)
    year = params.year or timezone.localdate().year
    report = compliance_report(root, year)
    record_export(actor=request.user, what=f"组织生活落实情况（接口）：{root.name}", model="orgs.organization",
                  rows=len(report.orgs), filters={"org": root.code, "year": year})
    return exporting.report_dict(report)


@router.get("/flags", response=responses(list[FlagOut]), summary="核查提示")
def list_flags(request, params: Query[FlagFilters], page: Query[PageQuery]):
    root = _report_root(request, params.org)
    year = params.year or timezone.localdate().year
    start, end = queries.year_bounds(year)
    qs = (IntegrityFlag.objects.restrict(request.user).select_related("decided_by")
          .filter(meeting__org__path__startswith=root.path, meeting__held_at__gte=start, meeting__held_at__lt=end,
                  cleared_at__isnull=not params.cleared)
          .order_by("meeting_id", "kind", "id"))
    if params.kind:
        qs = qs.filter(kind=params.kind)
    if params.state:
        qs = qs.filter(state=params.state)
    return list(qs[page.offset:page.offset + page.limit])


@router.post("/flags/{int:flag_id}/decision", response=responses(FlagOut, errors=WRITE_ERRORS),
             summary="核实核查提示")
def decide_flag(request, flag_id: int, payload: FlagDecision):
    """属实 / 已说明（须填写说明）/ 不成立（须填写理由）/ 恢复待核实。结论在重新核查后保留，并记入审计日志。"""
    qs = IntegrityFlag.objects.select_related("decided_by")
    flag = writable_or_403(qs, request.user, flag_id)
    return write_in_scope(request.user, qs, lambda: actions.flag_decide(
        acting_user=request.user, flag=flag, state=payload.state, explanation=payload.explanation,
        expected_version=payload.version), pk=flag_id, expected_version=payload.version)


@router.post("/scan", response=responses(ScanOut, errors=WRITE_ERRORS), summary="重新核查")
def scan(request, payload: ScanIn):
    """同步重新核查一个党组织及其下级某一年度的记录（至多 1,500 个党组织；更大范围请用命令
    `dangjian orglife-scan`）。已核实的结论保留；不再发现的待核实提示删除。"""
    root = _report_root(request, payload.org)
    year = payload.year or timezone.localdate().year
    if needs_background_scan(root):
        raise ValidationError({"org": f"“{root.name}”下的党组织超过接口同步核查的上限 {SYNC_SCAN_MAX_ORGS} 个；"
                                      "请用 POST /api/orglife/scan-jobs 在后台核查，或选择下级组织"})
    found = actions.flags_rescan(acting_user=request.user, root=root, year=year)
    return {"org": root, "year": year, "flags": found}


@router.post("/scan-jobs", response=responses(ScanJobOut, status=202, errors=WRITE_ERRORS), summary="后台重新核查")
def scan_job(request, payload: ScanIn):
    """把重新核查交给后台任务（任何规模，例如全市），立即答复 202 和任务；用 `GET /api/jobs/{id}` 查看进度。
    任务运行时按提交人当时的范围重新检查权限。"""
    root = _report_root(request, payload.org)
    require(request.user, CHANGE, root, message="无权核查该党组织的组织生活记录")
    year = payload.year or timezone.localdate().year
    return Status(202, start_rescan(acting_user=request.user, root=root, year=year))
