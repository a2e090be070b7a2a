"""Reads of organisational life, always scoped: meetings, rosters, meeting types, what is planned.
The compliance report for a subtree is in report.py."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from dangjian.core.scoping import VIEW
from dangjian.core.tree import ancestors_and_self
from dangjian.members.choices import PartyStatus
from dangjian.members.models import Member
from dangjian.orgs.choices import SUB_BRANCH_KINDS
from dangjian.orgs.models import CommitteePost, Organization

from .choices import MeetingStatus, MeetingType
from .models import CustomMeetingType, Meeting


def meetings_for(user, action: str = VIEW):
    return Meeting.objects.restrict(user, action).select_related("org")


def local_day_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Aware datetimes from the start of ``start`` to the start of the day after ``end``."""
    tz = timezone.get_current_timezone()
    return (dt.datetime.combine(start, dt.time.min, tzinfo=tz),
            dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz))


def year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    return local_day_bounds(dt.date(year, 1, 1), dt.date(year, 12, 31))


def local_date(value: dt.datetime) -> dt.date:
    return timezone.localtime(value).date()


# -- rosters ------------------------------------------------------------------------------------

def roster(org: Organization):
    """Members who are expected at ``org``'s meetings: normal members in it or in its 党小组."""
    # ids first: an OR across the join would scan every member
    groups = list(Organization.objects.filter(parent=org, kind__in=SUB_BRANCH_KINDS).values_list("id", flat=True))
    return (Member.objects.filter(org_id__in=[org.pk, *groups], status=PartyStatus.NORMAL)
            .select_related("org").order_by("org__path", "name", "id"))


def committee_member_ids(org: Organization) -> set[int]:
    return set(CommitteePost.objects.filter(term__org=org, term__is_current=True).values_list("member_id", flat=True))


def custom_types_for(org: Organization):
    """Custom types usable by ``org``: those added by it or by an organisation above it."""
    return CustomMeetingType.objects.filter(org__path__in=ancestors_and_self(org.path)).order_by("name")


def type_choices(org: Organization | None) -> list[tuple[str, str]]:
    choices = list(MeetingType.choices)
    if org is not None:
        choices += [(t.code, t.name) for t in custom_types_for(org)]
    return choices


def planned_meetings(root: Organization, today: dt.date, limit: int = 20):
    start, _ = local_day_bounds(today, today)
    return (Meeting.objects.filter(org__path__startswith=root.path, status=MeetingStatus.PLANNED, held_at__gte=start)
            .select_related("org").order_by("held_at")[:limit])


def meetings_in_month(org: Organization, year: int, month: int):
    import calendar

    start, end = local_day_bounds(dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1]))
    return (Meeting.objects.filter(org=org, held_at__gte=start, held_at__lt=end)
            .prefetch_related("type_links").order_by("held_at"))
