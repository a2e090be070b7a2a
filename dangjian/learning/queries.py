"""Reads of 学习教育, always from ``restrict``. 学时 for a subtree are a fixed number of grouped
queries: the members, the targets, the hours recorded on sessions, the hours of linked meetings."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet, Sum
from django.utils import timezone

from dangjian.core.scoping import VIEW
from dangjian.core.tree import ancestors_and_self
from dangjian.members.choices import PartyStatus
from dangjian.members.models import Member
from dangjian.orglife.choices import AttendanceStatus, MeetingStatus, MeetingType
from dangjian.orglife.models import Attendance, Meeting
from dangjian.orgs.models import Organization

from . import rules
from .models import HoursTarget, Programme, Session, SessionAttendance


def programmes_for(user, action: str = VIEW) -> QuerySet[Programme]:
    return Programme.objects.restrict(user, action).select_related("org")


def sessions_for(user, action: str = VIEW) -> QuerySet[Session]:
    return Session.objects.restrict(user, action).select_related("programme__org", "meeting")


def linkable_meetings(programme: Programme) -> QuerySet[Meeting]:
    """理论学习中心组学习 meetings of the programme's organisation in its year, held and not yet linked."""
    return (Meeting.objects.filter(org=programme.org, status=MeetingStatus.HELD, held_at__year=programme.year,
                                   type_links__type=MeetingType.STUDY_GROUP, study_session__isnull=True)
            .order_by("held_at", "id").distinct())


def attendee_ids(session: Session) -> list[int]:
    """Who attended: from the linked meeting's attendance when there is one (entered once, in 组织生活)."""
    if session.meeting_id:
        return list(Attendance.objects.filter(meeting_id=session.meeting_id, status=AttendanceStatus.PRESENT)
                    .values_list("member_id", flat=True))
    return list(session.attendances.values_list("member_id", flat=True))


def hours_by_member(members: QuerySet[Member], year: int) -> dict[int, Decimal]:
    """学时 in ``year`` of each member in ``members``: two grouped queries."""
    ids = members.values("pk")
    direct = (SessionAttendance.objects.filter(member_id__in=ids, session__meeting__isnull=True,
                                               session__held_on__year=year)
              .order_by().values("member_id").annotate(h=Sum("session__hours")).values_list("member_id", "h"))
    linked = (Attendance.objects.filter(member_id__in=ids, status=AttendanceStatus.PRESENT,
                                        meeting__study_session__held_on__year=year)
              .order_by().values("member_id").annotate(h=Sum("meeting__study_session__hours"))
              .values_list("member_id", "h"))
    return rules.totals([*direct, *linked])


def targets_along(path: str, year: int) -> dict[str, Decimal]:
    """Targets set for ``year`` by ``path``'s ancestors and by anything below it."""
    rows = (HoursTarget.objects.filter(year=year, org__path__startswith=path)
            | HoursTarget.objects.filter(year=year, org__path__in=ancestors_and_self(path)))
    return dict(rows.values_list("org__path", "hours"))


@dataclass
class HoursRow:
    member_id: int
    name: str
    org_name: str
    hours: Decimal
    target: Decimal

    @property
    def met(self) -> bool:
        return rules.meets(self.hours, self.target)


def hours_table(user, root: Organization, year: int) -> list[HoursRow]:
    """Every normal member of ``root``'s subtree with 学时 and target, in tree order (never by hours)."""
    members = Member.objects.restrict(user).filter(org__path__startswith=root.path, status=PartyStatus.NORMAL)
    hours = hours_by_member(members, year)
    targets = targets_along(root.path, year)
    rows = members.order_by("org__path", "name", "id").values_list("pk", "name", "org__name", "org__path")
    return [HoursRow(pk, name, org_name, hours.get(pk, Decimal(0)), rules.target_for(path, targets))
            for pk, name, org_name, path in rows]


@dataclass
class StudyRecord:
    year: int
    hours: Decimal
    target: Decimal
    sessions: list

    @property
    def met(self) -> bool:
        return rules.meets(self.hours, self.target)


def study_record(member: Member, year: int | None = None) -> StudyRecord:
    """A member's own record for 我的信息: the sessions they attended this year and their 学时."""
    year = year or timezone.localdate().year
    direct = Session.objects.filter(attendances__member=member, meeting__isnull=True, held_on__year=year)
    linked = Session.objects.filter(meeting__attendances__member=member,
                                    meeting__attendances__status=AttendanceStatus.PRESENT, held_on__year=year)
    sessions = sorted({*direct.select_related("programme"), *linked.select_related("programme")},
                      key=lambda s: (s.held_on, s.pk), reverse=True)
    total = sum((s.hours for s in sessions), Decimal(0))
    target = rules.target_for(member.org.path, targets_along(member.org.path, year))
    return StudyRecord(year, total, target, sessions)
