"""Demo 学习教育: a year of it. Every committee's 理论学习中心组学习 meetings (written by the orglife
demo) become sessions of its 中心组 programme by reference, so their attendance is the meetings';
each township runs a monthly 理论夜校 and the county a 轮训 class for branch secretaries, with
attendance recorded from the roster. Bulk writes; the same seed and day give the same data."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from dangjian.core.registry import register_demo
from dangjian.members.choices import PartyStatus
from dangjian.members.models import Member
from dangjian.orglife.choices import MeetingStatus, MeetingType
from dangjian.orglife.models import Meeting
from dangjian.orgs.choices import BRANCH_KINDS, COMMITTEE_KINDS
from dangjian.orgs.models import Organization

from . import rules
from .choices import ProgrammeKind
from .models import HoursTarget, Programme, Session, SessionAttendance

TOPICS = ["学习党章党规", "学习习近平新时代中国特色社会主义思想", "学习《中国共产党支部工作条例》", "党史学习",
          "基层治理专题", "乡村振兴政策解读", "党风廉政建设专题", "学习全会精神", "民法典普法", "安全生产与应急管理",
          "意识形态工作专题", "作风建设专题"]


def wipe() -> None:
    for model in (SessionAttendance, Session, Programme, HoursTarget):
        model.objects.all().delete()


def _study_groups(today: dt.date) -> int:
    """中心组 programmes per committee and year, linked to the meetings (attendance by reference)."""
    since = today - dt.timedelta(days=365)
    meetings = (Meeting.objects.filter(status=MeetingStatus.HELD, type_links__type=MeetingType.STUDY_GROUP,
                                       held_at__date__gte=since).select_related("org").order_by("held_at", "id")
                .distinct())
    programmes: dict[tuple[int, int], Programme] = {}
    sessions = []
    for meeting in meetings:
        held_on = timezone.localtime(meeting.held_at).date()
        key = (meeting.org_id, held_on.year)
        if key not in programmes:
            programmes[key] = Programme.objects.create(
                org=meeting.org, kind=ProgrammeKind.STUDY_GROUP, year=held_on.year,
                title=f"{meeting.org.short_name or meeting.org.name}{held_on.year}年理论学习中心组学习计划")
        sessions.append(Session(programme=programmes[key], meeting=meeting, title=meeting.title, held_on=held_on,
                                hours=rules.hours_of_meeting(meeting.held_at, meeting.ends_at), place=meeting.place))
    Session.objects.bulk_create(sessions, batch_size=2000)
    return len(sessions)


def _classes(rng, root, today: dt.date) -> int:
    """A monthly 理论夜校 in each township, a county 轮训 for branch secretaries: roster attendance."""
    parents = (Organization.objects.filter(path__startswith=root.path, kind__in=BRANCH_KINDS)
               .values_list("parent_id", flat=True).distinct())
    towns = list(Organization.objects.filter(pk__in=parents, kind__in=COMMITTEE_KINDS).order_by("path"))
    count = 0
    for town in towns:
        roster = list(Member.objects.filter(org__path__startswith=town.path, status=PartyStatus.NORMAL)
                      .order_by("id").values_list("pk", flat=True)[:400])
        if not roster:
            continue
        school = {}
        for months_back in range(11, -1, -1):
            day = (today.replace(day=1) - dt.timedelta(days=30 * months_back)).replace(day=rng.randint(5, 25))
            if day > today:
                continue
            if day.year not in school:
                school[day.year] = Programme.objects.create(
                    org=town, kind=ProgrammeKind.NIGHT_SCHOOL, year=day.year,
                    title=f"{town.short_name or town.name}{day.year}年理论夜校")
            session = Session.objects.create(programme=school[day.year], title=rng.choice(TOPICS), held_on=day,
                                             hours=Decimal(rng.choice(["2", "2", "2.5", "3"])),
                                             speaker=rng.choice(["党委书记", "组织委员", "县委党校教师", "宣讲团成员"]))
            present = rng.sample(roster, max(1, int(len(roster) * rng.uniform(0.3, 0.6))))
            SessionAttendance.objects.bulk_create([SessionAttendance(session=session, member_id=m) for m in present],
                                                  batch_size=2000)
            count += 1
    return count


@transaction.atomic
def generate(*, seed: int, today: dt.date, stdout=None, **_) -> None:
    root = Organization.objects.filter(depth=1).order_by("path").first()
    if root is None:
        return
    rng = random.Random(seed * 31 + 5)
    linked = _study_groups(today)
    classes = _classes(rng, root, today)
    HoursTarget.objects.create(org=root, year=today.year, hours=Decimal(32))
    if stdout is not None:
        stdout.write(f"学习教育：中心组学习 {linked:,} 次（关联组织生活会议），理论夜校 {classes:,} 次\n")


register_demo("learning", generate, wipe=wipe, after=("orgs", "orglife"), label="学习教育")
