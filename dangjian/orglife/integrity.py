"""Integrity checks. Each finding informs and never blocks, and says why in Chinese.

The checks themselves are pure functions over plain values. Every check runs on save for the
record it concerns (``check_meeting``) and again in the full scan of a subtree's year (``scan``),
with the same reach: copies against the whole tree in the meeting's year and those either side,
overlaps against the whole tree, membership by the roster of the meeting's day. A status change or
transfer re-checks the meetings it touches (``recheck_member``). Flags are kept in step by
``flagstore.sync``: a rescan never drops a flag it would still find, and keeps reviewers' decisions."""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Exists, F, Max, OuterRef, Q, RowRange, Window
from django.utils import timezone

from dangjian.members.models import StatusChange, Transfer
from dangjian.orgs.models import Organization

from . import conf, flagstore, membership, similarity
from .choices import PAIR_KINDS, AttendanceStatus, FlagKind, MeetingStatus
from .models import Attendance, Meeting, SketchBand
from .queries import local_day_bounds, year_bounds

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

    @property
    def key(self) -> tuple[int, str, int | None]:
        return (self.meeting_id, self.kind, self.related_id)


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


def over_membership(present: int, roster_size: int, day: dt.date) -> str | None:
    if present > roster_size:
        return f"登记出席 {present} 人，而该党组织 {day:%Y-%m-%d} 时有党员 {roster_size} 人"
    return None


def left_members(names: list[tuple[str, str]]) -> str | None:
    """``names``: (name, why) of members counted present who had left the organisation."""
    if not names:
        return None
    listed = "、".join(f"{n}（{why}）" for n, why in names[:10])
    more = f"等 {len(names)} 人" if len(names) > 10 else ""
    return f"出席名单中有开会当日不在本组织的党员：{listed}{more}，不应计入法定人数"


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
    weeks before a quarter's (or the year's) deadline. Every window starting at a record is tried,
    so whether a record is in a burst depends only on the records entered within ``hours`` of it:
    the check on save and the full scan agree."""
    entries = sorted(entries, key=lambda e: e[1])
    found, seen = [], set()
    span = dt.timedelta(hours=hours)
    for i, first in enumerate(entries):
        j = i
        while j + 1 < len(entries) and entries[j + 1][1] - first[1] <= span:
            j += 1
        window = entries[i:j + 1]
        if len(window) < min_count or all(e[0] in seen for e in window):
            continue
        months = {(e[2].year, e[2].month) for e in window}
        entered = timezone.localtime(window[-1][1]).date()
        deadline = _next_deadline(entered)
        if len(months) >= 2 and (deadline - entered).days <= deadline_days:
            held = sorted(e[2] for e in window)
            message = (f"{timezone.localtime(first[1]):%Y-%m-%d %H:%M} 起 {hours} 小时内集中录入 "
                       f"{len(window)} 条记录，召开日期从 {held[0]:%Y-%m-%d} 到 {held[-1]:%Y-%m-%d}，"
                       f"跨 {len(months)} 个月；距 {deadline:%Y-%m-%d} 截止 {(deadline - entered).days} 天")
            found.append(([e[0] for e in window if e[0] not in seen], message))
            seen.update(e[0] for e in window)
    return found


def copied_message(score: float, other_title: str, other_org: str, other_day: dt.date, same_org: bool) -> str:
    where = "本组织" if same_org else f"“{other_org}”"
    return f"会议内容与{where} {other_day:%Y-%m-%d}“{other_title}”的记录高度相似（相似度 {score * 100:.0f}%）"


def overlap_message(names: list[str], other_org: str, other_held: dt.datetime, other_title: str) -> str:
    who = "、".join(sorted(set(names))[:10]) + (f"等 {len(set(names))} 人" if len(set(names)) > 10 else "")
    return (f"{who} 同时登记出席了“{other_org}” {timezone.localtime(other_held):%Y-%m-%d %H:%M} "
            f"的“{other_title}”，两场会议时间重叠")


# -- rows ---------------------------------------------------------------------------------------

def local_day(value: dt.datetime) -> dt.date:
    """The configured zone's date of a stored time. The scan asks it a million times at city scale:
    ``timezone.localtime`` looks up the active zone through asgiref's context-local on every call
    (12 s of a 68 s scan); the scan is the system's work, in the configured zone."""
    return value.astimezone(timezone.get_default_timezone()).date()


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

    @property
    def day(self) -> dt.date:
        return local_day(self.held_at)


ROW_FIELDS = ("id", "org_id", "org__name", "org__founded_on", "title", "held_at", "ends_at", "entered_at",
              "present_count")


def _rows(meetings) -> list[_Row]:
    return [_Row(*r) for r in meetings.filter(status=MeetingStatus.HELD).values_list(*ROW_FIELDS).iterator(5000)]


def _row_of(meeting: Meeting) -> _Row:
    org = meeting.org
    return _Row(meeting.id, org.id, org.name, org.founded_on, meeting.title, meeting.held_at, meeting.ends_at,
                meeting.entered_at, meeting.present_count)


def _year_meetings(root: Organization, year: int):
    start, end = year_bounds(year)
    return Meeting.objects.filter(org__path__startswith=root.path, held_at__gte=start, held_at__lt=end)


def _years_window(year: int) -> tuple[dt.datetime, dt.datetime]:
    """Copies are looked for in the meeting's year and the years either side of it."""
    return year_bounds(year - 1)[0], year_bounds(year + 1)[1]


def roster_sizes(root_path: str) -> dict[int, int]:
    """Members in normal standing now per organisation, a branch counting those kept in its 党小组."""
    families = membership.families_in(root_path)
    now = membership.current_sizes(membership.in_subtree(root_path))
    return {org: sum(now.get(o, 0) for o in family) for org, family in families.family.items()}


# -- facts of one record ---------------------------------------------------------------------------

def _simple_findings(rows: list[_Row], now: dt.datetime) -> list[Finding]:
    days = conf.late_entry_days()
    out = []
    for r in rows:
        held_on = r.day
        for kind, message in (
            (FlagKind.LATE_ENTRY, late_entry(held_on, local_day(r.entered_at), days)),
            (FlagKind.FUTURE, future(r.held_at, now)),
            (FlagKind.BEFORE_FOUNDED, before_founded(held_on, r.founded_on)),
        ):
            if message:
                out.append(Finding(r.id, kind, message))
    return out


# -- membership on the meeting's day ---------------------------------------------------------------

def _membership_findings(rows: list[_Row], meetings, rosters: membership.Rosters,
                         sized: set[int] | None = None) -> list[Finding]:
    """Present members who were not on the roster on the meeting's day (died, left, transferred
    out — from the organisation or one of its 党小组 — or not yet transferred in), and attendance
    above the day's roster (for the organisations in ``sized`` only, when given: those whose
    current counts ``rosters`` holds)."""
    by_id = {r.id: r for r in rows}
    present = (Attendance.objects.filter(meeting__in=meetings, status=AttendanceStatus.PRESENT,
                                         meeting__status=MeetingStatus.HELD)
               .filter(Exists(Transfer.objects.filter(member=OuterRef("member_id")))
                       | Exists(StatusChange.objects.filter(member=OuterRef("member_id"))))
               .values_list("meeting_id", "member_id", "name"))
    present = [p for p in present if p[0] in by_id]
    missing = {member for _, member, _ in present if member not in rosters.timelines}
    if missing:
        rosters.timelines.update(membership.load_timelines(missing))
    names: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for meeting_id, member_id, name in present:
        r = by_id[meeting_id]
        why = rosters.why_absent(member_id, r.org_id, r.day)
        if why:
            names[meeting_id].append((name, why))
    out = [Finding(m, FlagKind.LEFT_MEMBER, left_members(n)) for m, n in names.items()]
    for r in rows:
        if sized is not None and r.org_id not in sized:
            continue
        message = over_membership(r.present, rosters.size_on(r.org_id, r.day), r.day)
        if message:
            out.append(Finding(r.id, FlagKind.OVER_MEMBERSHIP, message))
    return out


# -- copies: the whole tree, the meeting's year and those either side ------------------------------

def _copy_pairs_to_findings(pairs: list[tuple[int, int, float]]) -> list[Finding]:
    if not pairs:
        return []
    involved = sorted({i for a, b, _ in pairs for i in (a, b)})
    info = {}
    for chunk in _chunks(involved):
        info.update({pk: (org_id, org_name, title, held_at) for pk, org_id, org_name, title, held_at in
                     Meeting.objects.filter(pk__in=chunk).values_list("id", "org_id", "org__name", "title",
                                                                      "held_at")})
    out = []
    for a, b, score in pairs:
        for this, other in ((a, b), (b, a)):
            org_id, org_name, title, held_at = info[other]
            same = info[this][0] == org_id
            out.append(Finding(this, FlagKind.COPIED,
                               copied_message(score, title, org_name, timezone.localtime(held_at).date(), same),
                               other, score))
    return out


def _held_sketches(ids) -> dict[int, str]:
    out = {}
    for chunk in _chunks(sorted(ids)):
        out.update(Meeting.objects.filter(pk__in=chunk, status=MeetingStatus.HELD).exclude(sketch="")
                   .values_list("id", "sketch"))
    return out


def copies_of(meeting: Meeting, threshold: float = COPY_THRESHOLD) -> list[Finding]:
    """When one record is saved: the records anywhere in the tree, held in its year or the years
    either side, that share a band of its sketch (an index lookup) and are near-identical."""
    keys = similarity.band_keys(meeting.sketch)
    if not keys:
        return []
    start, end = _years_window(timezone.localtime(meeting.held_at).year)
    candidates = set(SketchBand.objects.filter(key__in=keys, held_at__gte=start, held_at__lt=end)
                     .exclude(meeting_id=meeting.pk).values_list("meeting_id", flat=True))
    others = _held_sketches(candidates)
    found = similarity.similar_to(meeting.sketch, others.items(), threshold)
    return _copy_pairs_to_findings([(meeting.pk, other, score) for other, score in found])


def _copy_findings(meetings, year: int, threshold: float = COPY_THRESHOLD) -> list[Finding]:
    """Near-identical minutes with at least one side among ``meetings`` (a subtree's year), the
    other anywhere in the tree in the neighbouring years: bands shared, read from the indexed band
    table (ids and keys only), then the candidates' sketches compared."""
    start, end = _years_window(year)
    mine = set(meetings.filter(status=MeetingStatus.HELD).exclude(sketch="").values_list("id", flat=True)
               .iterator(10000))
    # keys shared by two records or more, found by one grouping pass over the window's bands (a
    # semi-join of the subtree's keys against the window was far slower on a city's data)
    window = SketchBand.objects.filter(held_at__gte=start, held_at__lt=end)
    shared = window.values("key").annotate(n=Count("id")).filter(n__gt=1).values("key")
    rows = window.filter(key__in=shared).values_list("key", "meeting_id").order_by()
    buckets: dict[int, list[int]] = defaultdict(list)
    for key, meeting_id in rows.iterator(20000):
        buckets[key].append(meeting_id)
    pairs: set[tuple[int, int]] = set()
    for ids in buckets.values():
        if len(ids) < 2:
            continue
        ids = sorted(set(ids))
        if len(ids) > 200:  # boiler-plate shared by very many: compare neighbours only
            pairs.update(p for p in zip(ids, ids[1:], strict=False) if p[0] in mine or p[1] in mine)
        else:
            pairs.update((x, y) for i, x in enumerate(ids) for y in ids[i + 1:] if x in mine or y in mine)
    sketches = _held_sketches({i for p in pairs for i in p})
    found = []
    for a, b in pairs:
        if a in sketches and b in sketches:
            score = similarity.stored_similarity(sketches[a], sketches[b])
            if score >= threshold:
                found.append((a, b, score))
    return _copy_pairs_to_findings(sorted(found))


def scan_copied(root: Organization, year: int) -> list[Finding]:
    """The copied-minutes scan alone (for the benchmark)."""
    return _copy_findings(_year_meetings(root, year), year)


def write_bands(meeting: Meeting) -> None:
    """Keep the band table in step with the meeting's sketch and date."""
    SketchBand.objects.filter(meeting=meeting).delete()
    SketchBand.objects.bulk_create([SketchBand(meeting=meeting, key=k, held_at=meeting.held_at)
                                    for k in similarity.band_keys(meeting.sketch)])


# -- bursts ---------------------------------------------------------------------------------------

def _burst_findings(entries_by_org: dict[int, list], wanted: set[int] | None = None) -> list[Finding]:
    """``wanted``: when given, only bursts holding one of these records are reported."""
    out = []
    for entries in entries_by_org.values():
        if len(entries) < BURST_MIN:
            continue
        for ids, message in bursts(entries):
            if wanted is None or wanted.intersection(ids):
                out.extend(Finding(i, FlagKind.BURST, message) for i in ids)
    return out


def _entries(meetings) -> dict[int, list]:
    by_org: dict[int, list] = defaultdict(list)
    for pk, org_id, entered_at, held_at in (meetings.filter(status=MeetingStatus.HELD)
                                            .values_list("id", "org_id", "entered_at", "held_at").iterator(5000)):
        by_org[org_id].append((pk, entered_at, local_day(held_at)))
    return by_org


def _bursts_around(meeting: Meeting) -> list[Finding]:
    """The bursts holding one record: only records of its organisation entered within the burst
    span of it can share a window with it."""
    span = dt.timedelta(hours=BURST_HOURS)
    near = Meeting.objects.filter(org_id=meeting.org_id, entered_at__gte=meeting.entered_at - span,
                                  entered_at__lte=meeting.entered_at + span)
    return _burst_findings(_entries(near), {meeting.pk})


# -- overlaps: one member at two meetings at once, anywhere in the tree -----------------------------

def _pairs_to_overlap_findings(pairs: dict[tuple[int, int], list[str]], info: dict[int, tuple]) -> list[Finding]:
    out = []
    for (a, b), names in pairs.items():
        for this, other in ((a, b), (b, a)):
            org_name, held_at, title = info[other]
            out.append(Finding(this, FlagKind.OVERLAP, overlap_message(names, org_name, held_at, title), other))
    return out


def _overlap_findings(meetings, year: int) -> list[Finding]:
    """Every member present at one of ``meetings``: their presences anywhere in the tree around the
    year, read member by member in order, swept for overlapping times."""
    start, end = year_bounds(year)
    start, end = start - dt.timedelta(days=1), end + dt.timedelta(days=1)
    mine = set(meetings.filter(status=MeetingStatus.HELD).values_list("id", flat=True).iterator(10000))
    attendees = Attendance.objects.filter(meeting__in=meetings, status=AttendanceStatus.PRESENT).values("member_id")
    presences = Attendance.objects.filter(status=AttendanceStatus.PRESENT, meeting__status=MeetingStatus.HELD,
                                          meeting__held_at__gte=start, meeting__held_at__lt=end,
                                          member_id__in=attendees)
    # The database finds who has any overlap (a presence starting before the latest end among the
    # member's earlier ones, in start order); only their presences come to Python for the pairs.
    # Streaming all three million presences of a city's year here took 40 of the scan's 68 s.
    overlapping = presences.annotate(earlier_end=Window(
        Max("meeting__ends_at"), partition_by=[F("member_id")],
        order_by=[F("meeting__held_at").asc(), F("meeting__ends_at").asc(), F("meeting_id").asc()],
        frame=RowRange(start=None, end=-1))).filter(meeting__held_at__lt=F("earlier_end"))
    flagged = set(overlapping.values_list("member_id", flat=True))
    if not flagged:
        return []
    per_member: list[tuple[str, list[int]]] = []
    current, name, ids = None, "", []
    for member_id, meeting_id, member_name in (presences.filter(member_id__in=flagged).order_by("member_id")
                                               .values_list("member_id", "meeting_id", "name")):
        if member_id != current:
            if len(ids) > 1:
                per_member.append((name, ids))
            current, name, ids = member_id, member_name, []
        ids.append(meeting_id)
    if len(ids) > 1:
        per_member.append((name, ids))
    times = _meeting_times({i for _, ids in per_member for i in ids})
    pairs: dict[tuple[int, int], list[str]] = defaultdict(list)
    for name, ids in per_member:
        spans = sorted((times[i][0], times[i][1], i) for i in ids)
        for k, (_, finish, a) in enumerate(spans):
            for other_start, _, b in spans[k + 1:]:
                if other_start >= finish:
                    break
                if a in mine or b in mine:
                    pairs[(min(a, b), max(a, b))].append(name)
    info = {pk: (org_name, held_at, title) for pk, (_, _, org_name, title, held_at) in times.items()}
    return _pairs_to_overlap_findings(pairs, info)


def _meeting_times(ids) -> dict[int, tuple]:
    out = {}
    for chunk in _chunks(sorted(ids)):
        for pk, held_at, ends_at, org_name, title in (Meeting.objects.filter(pk__in=chunk)
                                                      .values_list("id", "held_at", "ends_at", "org__name", "title")):
            out[pk] = (held_at, ends_at, org_name, title, held_at)
    return out


def _overlap_for(meeting: Meeting) -> list[Finding]:
    """When one record is saved: its attendees' other meetings, anywhere, at overlapping times."""
    members = meeting.attendances.filter(status=AttendanceStatus.PRESENT).values_list("member_id", flat=True)
    others = (Attendance.objects.filter(member_id__in=members, status=AttendanceStatus.PRESENT,
                                        meeting__status=MeetingStatus.HELD, meeting__held_at__lt=meeting.ends_at,
                                        meeting__ends_at__gt=meeting.held_at)
              .exclude(meeting=meeting)
              .values_list("name", "meeting_id", "meeting__org__name", "meeting__held_at", "meeting__title"))
    pairs: dict[tuple[int, int], list[str]] = defaultdict(list)
    info = {meeting.pk: (meeting.org.name, meeting.held_at, meeting.title)}
    for name, other_id, org_name, held_at, title in others:
        pairs[(meeting.pk, other_id)].append(name)
        info[other_id] = (org_name, held_at, title)
    return _pairs_to_overlap_findings(pairs, info)


# -- the whole subtree and year -----------------------------------------------------------------

def findings_for(root: Organization, year: int, now: dt.datetime | None = None) -> list[Finding]:
    """Every check for the subtree's meetings held in ``year``, with the same reach as on save:
    copies and overlaps against the whole tree, copies in the neighbouring years too."""
    now = now or timezone.now()
    meetings = _year_meetings(root, year)
    rows = _rows(meetings)
    rosters = membership.Rosters.build(membership.families_in(root.path), membership.in_subtree(root.path))
    out = _simple_findings(rows, now)
    out += _membership_findings(rows, meetings, rosters)
    if rows:  # bursts: the subtree's records entered around the year's records, whatever year held
        span = dt.timedelta(hours=BURST_HOURS)
        entered = Meeting.objects.filter(org__path__startswith=root.path,
                                         entered_at__gte=min(r.entered_at for r in rows) - span,
                                         entered_at__lte=max(r.entered_at for r in rows) + span)
        ids = {r.id for r in rows}
        # a burst's records held in another year get their flag from that year's scan (or on save)
        out += [f for f in _burst_findings(_entries(entered), ids) if f.meeting_id in ids]
    out += _overlap_findings(meetings, year)
    out += _copy_findings(meetings, year)
    return out


def scan_scope(meetings) -> Q:
    """The flags a scan of ``meetings`` recomputes: theirs, and the other side of their pairs."""
    return Q(meeting__in=meetings) | Q(related__in=meetings, kind__in=PAIR_KINDS)


def scan(root: Organization, year: int, now: dt.datetime | None = None) -> int:
    """Recompute the flags of the subtree's meetings in ``year``; returns how many are current.
    Flags found again keep their state; see ``flagstore.sync``. Plain and synchronous, so the
    command, the API and (later) a background job call the same function."""
    with transaction.atomic():
        found = findings_for(root, year, now)
        flagstore.sync(found, scan_scope(_year_meetings(root, year)))
    return len({f.key for f in found})


def scan_all(year: int, now: dt.datetime | None = None) -> int:
    """The nightly scan: every top-level organisation's ``year``."""
    return sum(scan(root, year, now) for root in Organization.objects.filter(depth=1).order_by("path"))


# -- one record on save ----------------------------------------------------------------------------

def check_meeting(meeting: Meeting, now: dt.datetime | None = None) -> list[Finding]:
    """Every check for one record when it is saved, with the same reach as the full scan: its own
    facts, its roster on its day, overlaps with its attendees' other meetings anywhere, copies
    anywhere in its year and those either side, bursts of its organisation's entries around it."""
    now = now or timezone.now()
    write_bands(meeting)
    scope = Q(meeting=meeting) | Q(related=meeting, kind__in=PAIR_KINDS)
    if meeting.status != MeetingStatus.HELD:
        flagstore.sync([], scope)
        return []
    row = _row_of(meeting)
    families = membership.families_of([meeting.org_id])
    rosters = membership.Rosters.build(families, membership.in_orgs(families.get(meeting.org_id)))
    found = _simple_findings([row], now)
    found += _membership_findings([row], Meeting.objects.filter(pk=meeting.pk), rosters)
    found += _overlap_for(meeting)
    found += copies_of(meeting)
    burst = _bursts_around(meeting)
    found += burst
    scope |= Q(meeting_id__in=[f.meeting_id for f in burst], kind=FlagKind.BURST)
    flagstore.sync(found, scope)
    return [f for f in found if f.meeting_id == meeting.id]


# -- after a member's status or organisation changed ------------------------------------------------

def recheck_member(member, since: dt.date) -> int:
    """A status change or transfer dated ``since`` changes the rosters from that day on: re-check
    who was present and how many belonged, for the meetings it touches (those of every
    organisation the member has belonged to, and those they attended) held on or after it."""
    timeline = membership.load_timelines([member.pk]).get(member.pk)
    if timeline is None:
        return 0
    start, _ = local_day_bounds(since, since)
    families = membership.families_of(timeline.orgs())
    roots = {root for org in timeline.orgs() for root in families.roots_of.get(org, (org,))}
    orgs = {o for root in roots for o in families.get(root)}
    meetings = Meeting.objects.filter(
        Q(org_id__in=orgs) | Q(pk__in=Attendance.objects.filter(member=member).values("meeting_id")),
        held_at__gte=start)
    rows = _rows(meetings)
    rosters = membership.Rosters.build(families, membership.in_orgs(orgs), [member.pk])
    found = _membership_findings(rows, meetings, rosters, sized=orgs)
    flagstore.sync(found, Q(meeting__in=meetings, kind=FlagKind.LEFT_MEMBER)
                   | Q(meeting__in=meetings.filter(org_id__in=orgs), kind=FlagKind.OVER_MEMBERSHIP))
    return len(found)


def _chunks(ids: list[int], size: int = 2000):
    for i in range(0, len(ids), size):
        yield ids[i:i + size]
