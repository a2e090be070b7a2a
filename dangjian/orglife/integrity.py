"""Integrity checks. Each finding informs and never blocks, and says why in Chinese.

The checks themselves are pure functions over plain values; ``scan`` fetches a subtree's year in a
fixed number of queries, runs them and replaces the stored flags; ``check_meeting`` runs them for
one record when it is saved."""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from dangjian.members.choices import PartyStatus
from dangjian.members.models import Member
from dangjian.orgs.choices import SUB_BRANCH_KINDS
from dangjian.orgs.models import Organization

from . import conf, similarity
from .choices import AttendanceStatus, FlagKind, MeetingStatus
from .models import Attendance, IntegrityFlag, Meeting

COPY_THRESHOLD = 0.8
BURST_HOURS = 48
BURST_MIN = 5
BURST_DEADLINE_DAYS = 31


@dataclass(frozen=True)
class Finding:
    meeting_id: int
    kind: str
    message: str
    related_id: int | None = None
    score: float | None = None


# -- pure checks --------------------------------------------------------------------------------

def late_entry(held_on: dt.date, entered_on: dt.date, days: int) -> str | None:
    gap = (entered_on - held_on).days
    if gap > days:
        return f"会议于 {held_on:%Y-%m-%d} 召开，{entered_on:%Y-%m-%d} 才录入，相隔 {gap} 天（超过 {days} 天视为补录）"
    return None


def future(held_at: dt.datetime, now: dt.datetime) -> str | None:
    if held_at > now:
        return f"记录为已召开，但召开时间 {timezone.localtime(held_at):%Y-%m-%d %H:%M} 晚于录入核查时间"
    return None


def before_founded(held_on: dt.date, founded_on: dt.date | None) -> str | None:
    if founded_on and held_on < founded_on:
        return f"召开日期 {held_on:%Y-%m-%d} 早于党组织成立日期 {founded_on:%Y-%m-%d}"
    return None


def over_membership(present: int, roster_size: int) -> str | None:
    if present > roster_size:
        return f"登记出席 {present} 人，而该党组织现有党员 {roster_size} 人"
    return None


def left_members(names: list[tuple[str, str]]) -> str | None:
    """``names``: (name, why) of members counted present who had left the organisation."""
    if not names:
        return None
    listed = "、".join(f"{n}（{why}）" for n, why in names[:10])
    more = f"等 {len(names)} 人" if len(names) > 10 else ""
    return f"出席名单中有已不在本组织的党员：{listed}{more}，不应计入法定人数"


def overlapping_pairs(rows: list[tuple[int, int, dt.datetime, dt.datetime]]) -> list[tuple[int, int, int]]:
    """``rows``: (member, meeting, start, end) of presences. Pairs of meetings at overlapping times
    that one member attended: (meeting a, meeting b, member)."""
    by_member: dict[int, list[tuple[dt.datetime, dt.datetime, int]]] = defaultdict(list)
    for member, meeting, start, end in rows:
        by_member[member].append((start, end, meeting))
    out = []
    for member, spans in by_member.items():
        spans.sort()
        for i, (_start, end, meeting) in enumerate(spans):
            for other_start, _, other in spans[i + 1:]:
                if other_start >= end:
                    break
                out.append((meeting, other, member))
    return out


def _next_deadline(day: dt.date) -> dt.date:
    quarter_end_month = ((day.month - 1) // 3 + 1) * 3
    return dt.date(day.year, quarter_end_month, calendar.monthrange(day.year, quarter_end_month)[1])


def bursts(entries: list[tuple[int, dt.datetime, dt.date]], *, hours: int = BURST_HOURS,
           min_count: int = BURST_MIN, deadline_days: int = BURST_DEADLINE_DAYS) -> list[tuple[list[int], str]]:
    """``entries``: (meeting, entered_at, held_on) of one organisation. Groups of at least
    ``min_count`` records entered within ``hours``, for meetings held in different months, in the
    weeks before a quarter's (or the year's) deadline."""
    entries = sorted(entries, key=lambda e: e[1])
    found, i = [], 0
    while i < len(entries):
        j = i
        while j + 1 < len(entries) and entries[j + 1][1] - entries[i][1] <= dt.timedelta(hours=hours):
            j += 1
        window = entries[i:j + 1]
        months = {(e[2].year, e[2].month) for e in window}
        entered = timezone.localtime(window[-1][1]).date()
        deadline = _next_deadline(entered)
        if len(window) >= min_count and len(months) >= 2 and (deadline - entered).days <= deadline_days:
            held = sorted(e[2] for e in window)
            message = (f"{timezone.localtime(window[0][1]):%Y-%m-%d %H:%M} 起 {hours} 小时内集中录入 "
                       f"{len(window)} 条记录，召开日期从 {held[0]:%Y-%m-%d} 到 {held[-1]:%Y-%m-%d}，"
                       f"跨 {len(months)} 个月；距 {deadline:%Y-%m-%d} 截止 {(deadline - entered).days} 天")
            found.append(([e[0] for e in window], message))
            i = j + 1
        else:
            i += 1
    return found


def copied_message(score: float, other_title: str, other_org: str, other_day: dt.date, same_org: bool) -> str:
    where = "本组织" if same_org else f"“{other_org}”"
    return f"会议内容与{where} {other_day:%Y-%m-%d}“{other_title}”的记录高度相似（相似度 {score * 100:.0f}%）"


# -- the whole subtree and year -----------------------------------------------------------------

@dataclass
class _Row:
    id: int
    org_id: int
    org_name: str
    founded_on: dt.date | None
    title: str
    held_at: dt.datetime
    ends_at: dt.datetime
    entered_at: dt.datetime
    present: int
    sketch: str


def _rows(meetings) -> list[_Row]:
    fields = ("id", "org_id", "org__name", "org__founded_on", "title", "held_at", "ends_at", "entered_at",
              "present_count", "sketch")
    return [_Row(*r) for r in meetings.filter(status=MeetingStatus.HELD).values_list(*fields).iterator(5000)]


def _year_meetings(root: Organization, year: int):
    from .queries import year_bounds

    start, end = year_bounds(year)
    return Meeting.objects.filter(org__path__startswith=root.path, held_at__gte=start, held_at__lt=end)


def roster_sizes(root_path: str) -> dict[int, int]:
    """Normal members per organisation, a branch counting those kept in its 党小组 (one query)."""
    rows = (Member.objects.filter(org__path__startswith=root_path, status=PartyStatus.NORMAL)
            .values("org_id", "org__kind", "org__parent_id").annotate(n=Count("pk")).order_by()
            .values_list("org_id", "org__kind", "org__parent_id", "n"))
    sizes: dict[int, int] = defaultdict(int)
    for org_id, kind, parent_id, n in rows:
        sizes[org_id] += n
        if kind in SUB_BRANCH_KINDS and parent_id:
            sizes[parent_id] += n
    return sizes


def copied_findings(meetings, threshold: float = COPY_THRESHOLD) -> list[Finding]:
    """Near-identical minutes among ``meetings``: read only ids and sketches, bucket by band, compare
    candidates; then fetch what the messages name for the few pairs found."""
    sketches = dict(meetings.filter(status=MeetingStatus.HELD).exclude(sketch="").values_list("id", "sketch")
                    .iterator(chunk_size=10000))
    return _copy_pairs_to_findings(similarity.similar_stored(sketches, threshold))


def _copy_pairs_to_findings(pairs: list[tuple[int, int, float]]) -> list[Finding]:
    if not pairs:
        return []
    involved = {i for a, b, _ in pairs for i in (a, b)}
    info = {pk: (org_id, org_name, title, held_at) for pk, org_id, org_name, title, held_at in
            Meeting.objects.filter(pk__in=involved).values_list("id", "org_id", "org__name", "title", "held_at")}
    out = []
    for a, b, score in pairs:
        for this, other in ((a, b), (b, a)):
            org_id, org_name, title, held_at = info[other]
            same = info[this][0] == org_id
            out.append(Finding(this, FlagKind.COPIED,
                               copied_message(score, title, org_name, timezone.localtime(held_at).date(), same),
                               other, score))
    return out


def copies_of(meeting: Meeting, peers, threshold: float = COPY_THRESHOLD) -> list[Finding]:
    """When one record is saved: its near-identical peers, found without comparing the peers among
    themselves."""
    if not meeting.sketch:
        return []
    others = (peers.filter(status=MeetingStatus.HELD).exclude(sketch="").exclude(pk=meeting.pk)
              .values_list("id", "sketch"))
    found = similarity.similar_to(meeting.sketch, others, threshold)
    return _copy_pairs_to_findings([(meeting.pk, other, score) for other, score in found])


def scan_copied(root: Organization, year: int) -> list[Finding]:
    """The copied-minutes scan alone (read the sketches, LSH, compare candidates)."""
    return copied_findings(_year_meetings(root, year))


def _simple_findings(rows: list[_Row], sizes: dict[int, int], now: dt.datetime) -> list[Finding]:
    days = conf.late_entry_days()
    out = []
    for r in rows:
        held_on = timezone.localtime(r.held_at).date()
        for kind, message in (
            (FlagKind.LATE_ENTRY, late_entry(held_on, timezone.localtime(r.entered_at).date(), days)),
            (FlagKind.FUTURE, future(r.held_at, now)),
            (FlagKind.BEFORE_FOUNDED, before_founded(held_on, r.founded_on)),
            (FlagKind.OVER_MEMBERSHIP, over_membership(r.present, sizes.get(r.org_id, 0))),
        ):
            if message:
                out.append(Finding(r.id, kind, message))
    return out


def _burst_findings(rows: list[_Row]) -> list[Finding]:
    by_org: dict[int, list] = defaultdict(list)
    for r in rows:
        by_org[r.org_id].append((r.id, r.entered_at, timezone.localtime(r.held_at).date()))
    out = []
    for entries in by_org.values():
        if len(entries) < BURST_MIN:
            continue
        for ids, message in bursts(entries):
            out.extend(Finding(i, FlagKind.BURST, message) for i in ids)
    return out


def _left_findings(meetings) -> list[Finding]:
    """Present members who had left (status) or had been transferred out before the meeting."""
    present = Attendance.objects.filter(meeting__in=meetings, status=AttendanceStatus.PRESENT)
    gone = present.filter(~Q(member__status=PartyStatus.NORMAL)).values_list(
        "meeting_id", "name", "member__status")
    moved = present.filter(member__transfers__from_org=F("meeting__org"),
                           member__transfers__transferred_on__lt=F("meeting__held_at")).values_list(
        "meeting_id", "name", "member__transfers__transferred_on")
    names: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for meeting_id, name, status in gone:
        names[meeting_id].append((name, PartyStatus(status).label))
    for meeting_id, name, day in moved:
        names[meeting_id].append((name, f"{day:%Y-%m-%d} 已转出"))
    return [Finding(m, FlagKind.LEFT_MEMBER, left_members(n)) for m, n in names.items()]


def _overlap_findings(rows: list[_Row]) -> list[Finding]:
    """Candidate pairs first: meetings at overlapping times whose organisations are the same or one
    above the other (a member attends only those); then the shared attendees of the candidates."""
    family_of = {
        pk: (path[:-4] if kind in SUB_BRANCH_KINDS else path)
        for pk, path, kind in Organization.objects.filter(pk__in={r.org_id for r in rows})
        .values_list("id", "path", "kind")
    }
    families: dict[str, list[_Row]] = defaultdict(list)
    for r in rows:
        families[family_of[r.org_id]].append(r)
    candidates: set[int] = set()
    for family in families.values():
        family.sort(key=lambda r: r.held_at)
        for i, r in enumerate(family):
            for other in family[i + 1:]:
                if other.held_at >= r.ends_at:
                    break
                candidates.update((r.id, other.id))
    if not candidates:
        return []
    presences = (Attendance.objects.filter(meeting_id__in=candidates, status=AttendanceStatus.PRESENT)
                 .values_list("member_id", "meeting_id", "name"))
    by_id = {r.id: r for r in rows}
    names = {}
    data = []
    for member, meeting, name in presences:
        names[member] = name
        data.append((member, meeting, by_id[meeting].held_at, by_id[meeting].ends_at))
    out = []
    for a, b, member in overlapping_pairs(data):
        for this, other in ((a, b), (b, a)):
            o = by_id[other]
            out.append(Finding(this, FlagKind.OVERLAP, f"{names[member]} 同时登记出席了“{o.org_name}”"
                               f" {timezone.localtime(o.held_at):%Y-%m-%d %H:%M} 的“{o.title}”，两场会议时间重叠",
                               other))
    return out


def findings_for(root: Organization, year: int, now: dt.datetime | None = None) -> list[Finding]:
    now = now or timezone.now()
    meetings = _year_meetings(root, year)
    rows = _rows(meetings)
    out = _simple_findings(rows, roster_sizes(root.path), now)
    out += _burst_findings(rows)
    out += _left_findings(meetings)
    out += _overlap_findings(rows)
    out += copied_findings(meetings)
    return out


@transaction.atomic
def scan(root: Organization, year: int, now: dt.datetime | None = None) -> int:
    """Recompute and store the flags of the subtree's meetings in ``year``; returns how many."""
    found = findings_for(root, year, now)
    IntegrityFlag.objects.filter(meeting__in=_year_meetings(root, year)).delete()
    store(found)
    return len(found)


def store(found: list[Finding]) -> None:
    IntegrityFlag.objects.bulk_create(
        [IntegrityFlag(meeting_id=f.meeting_id, kind=f.kind, message=f.message[:500], related_id=f.related_id,
                       score=f.score) for f in found], batch_size=2000)


def check_meeting(meeting: Meeting, now: dt.datetime | None = None) -> list[Finding]:
    """The checks for one record when it is saved: its own facts, overlaps with its attendees'
    other meetings, and copies among the meetings of the same year under the same parent."""
    now = now or timezone.now()
    org = meeting.org
    if meeting.status != MeetingStatus.HELD:
        IntegrityFlag.objects.filter(meeting=meeting).delete()
        return []
    row = _Row(meeting.id, org.id, org.name, org.founded_on, meeting.title, meeting.held_at, meeting.ends_at,
               meeting.entered_at, meeting.present_count, meeting.sketch)
    found = _simple_findings([row], roster_sizes(org.path), now)
    found += _left_findings(Meeting.objects.filter(pk=meeting.pk))
    found += _overlap_for(meeting)
    parent_path = org.path[:-4] if len(org.path) > 4 else org.path
    from .queries import year_bounds

    # the same organisation and its siblings: by organisation id, so the (org, held_at) index serves
    start, end = year_bounds(timezone.localtime(meeting.held_at).year)
    nearby = list(Organization.objects.filter(path__startswith=parent_path).values_list("id", flat=True)[:500])
    found += copies_of(meeting, Meeting.objects.filter(org_id__in=nearby, held_at__gte=start, held_at__lt=end))
    mine = [f for f in found if f.meeting_id == meeting.id]
    IntegrityFlag.objects.filter(Q(meeting=meeting) | Q(related=meeting)).delete()
    store(found)
    return mine


def _overlap_for(meeting: Meeting) -> list[Finding]:
    members = meeting.attendances.filter(status=AttendanceStatus.PRESENT).values_list("member_id", flat=True)
    others = (Attendance.objects.filter(member_id__in=members, status=AttendanceStatus.PRESENT,
                                        meeting__status=MeetingStatus.HELD, meeting__held_at__lt=meeting.ends_at,
                                        meeting__ends_at__gt=meeting.held_at)
              .exclude(meeting=meeting)
              .values_list("name", "meeting_id", "meeting__title", "meeting__org__name", "meeting__held_at"))
    out = []
    for name, other_id, title, org_name, held_at in others:
        text = f"同时登记出席了“{org_name}” {timezone.localtime(held_at):%Y-%m-%d %H:%M} 的“{title}”，两场会议时间重叠"
        out.append(Finding(meeting.id, FlagKind.OVERLAP, f"{name} {text}", other_id))
        when = f"{timezone.localtime(meeting.held_at):%Y-%m-%d %H:%M}"
        out.append(Finding(other_id, FlagKind.OVERLAP, f"{name} 同时登记出席了“{meeting.org.name}” {when} "
                           f"的“{meeting.title}”，两场会议时间重叠", meeting.id))
    return out
