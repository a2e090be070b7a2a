"""The 学习教育 API: programmes, sessions (attendance as the organiser recorded it) and 学时 against
the target. No endpoint ranks members by study time; the hours list is in the tree's order."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from django.http import Http404
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from dangjian.accounts.queries import scope_root
from dangjian.apikit import (
    WRITE_ERRORS,
    DbId,
    InputSchema,
    OrgRef,
    Page,
    PageQuery,
    page_of,
    readable_or_404,
    responses,
    write_in_scope,
)
from dangjian.core.scoping import CHANGE
from dangjian.orgs.models import Organization

from . import actions, queries
from .choices import ProgrammeKind
from .models import Programme, Session

router = Router(tags=["学习教育"])
Year = Annotated[int, Field(ge=2000, le=2100, description="年度，默认今年")]


class ProgrammeOut(Schema):
    id: int
    org: OrgRef
    kind: str
    title: str
    year: int
    description: str
    version: int


class ProgrammePage(Page):
    items: list[ProgrammeOut]


class SessionOut(Schema):
    id: int
    programme_id: int
    title: str
    held_on: dt.date
    speaker: str
    place: str
    hours: Decimal
    meeting_id: int | None = Field(description="对应的组织生活会议：出席情况以会议记录为准")
    version: int


class SessionIn(InputSchema):
    title: str = Field(max_length=200)
    held_on: dt.date
    hours: Decimal = Field(description="学时，以 0.5 为单位")
    speaker: str = Field("", max_length=50)
    place: str = Field("", max_length=200)
    attendees: list[DbId] = Field([], max_length=5000, description="出席党员 id（组织者按名册登记）")
    meeting: DbId | None = Field(None, description="关联的理论学习中心组学习会议 id（此时不填 attendees）")


class HoursOut(Schema):
    member_id: int
    name: str
    org_name: str
    hours: Decimal
    target: Decimal
    met: bool


@router.get("/programmes", response=responses(ProgrammePage, errors=(401, 422)), summary="学习计划")
def list_programmes(request, page: Query[PageQuery], year: Year | None = None, kind: ProgrammeKind | None = None):
    qs = queries.programmes_for(request.user).filter(year=year or timezone.localdate().year)
    if kind:
        qs = qs.filter(kind=kind)
    return page_of(qs.order_by("org__path", "id"), page)


@router.get("/programmes/{int:programme_id}/sessions", response=responses(list[SessionOut]), summary="学习活动")
def list_sessions(request, programme_id: int):
    programme = readable_or_404(Programme.objects.select_related("org"), request.user, programme_id)
    return list(programme.sessions.order_by("-held_on", "-id")[:1000])


@router.post("/programmes/{int:programme_id}/sessions", response=responses(SessionOut, status=201, errors=WRITE_ERRORS),
             summary="登记学习活动")
def create_session(request, programme_id: int, payload: SessionIn):
    programme = readable_or_404(Programme.objects.select_related("org"), request.user, programme_id)
    meeting = None
    if payload.meeting is not None:
        from dangjian.orglife.models import Meeting

        meeting = Meeting.objects.restrict(request.user, CHANGE).filter(pk=payload.meeting).first()
        if meeting is None:
            raise Http404("会议不存在，或不在您的管辖范围内")
    data = payload.model_dump(exclude={"meeting"})
    session = write_in_scope(request.user, Session.objects.all(), lambda: actions.session_create(
        acting_user=request.user, programme=programme, meeting=meeting, **data))
    return Status(201, session)


@router.get("/hours", response=responses(list[HoursOut]), summary="党员学时")
def hours(request, org: DbId | None = None, year: Year | None = None):
    """所选党组织（默认您管辖范围的最高一级）全部下级党员的年度学时与目标，按组织顺序，不排名。"""
    root = Organization.objects.restrict(request.user).filter(pk=org).first() if org else scope_root(request.user)
    if root is None:
        raise Http404("党组织不存在，或不在您的管辖范围内")
    rows = queries.hours_table(request.user, root, year or timezone.localdate().year)
    return [{"member_id": r.member_id, "name": r.name, "org_name": r.org_name, "hours": r.hours,
             "target": r.target, "met": r.met} for r in rows]
