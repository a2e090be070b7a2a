"""A year of organisational life for every branch of the demo tree.

Mostly compliant, with the failures the speeches describe: missed months, silent branches, a batch
back-filled in December, minutes copied between branches (and reused within one), assemblies short
of a quorum, a member booked at two meetings at once. Rows are written in bulk (PostgreSQL: COPY),
ids handed out up front, then the integrity scan runs so the flags page has something to show.

The year has dated churn, as real rosters do: some members die, leave or are suspended, some move
to a neighbouring branch or from a 党小组 to its branch, each on a day of the year; every meeting
lists the roster as it stood on its own day, so none of that churn raises a flag. Nothing is
recorded as held unless it is over by the time the demo is made.

``generate(seed=…, today=…)`` covers the twelve months up to ``today``; ``wipe()`` removes it all."""

from __future__ import annotations

import calendar
import datetime as dt
import random
import time
from collections import defaultdict

from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from dangjian.core.bulk import analyze, insert_rows
from dangjian.core.registry import register_demo
from dangjian.members.choices import MembershipType, PartyStatus
from dangjian.members.models import Member, StatusChange, Transfer
from dangjian.orgs.choices import BRANCH_KINDS, COMMITTEE_KINDS, OrgKind
from dangjian.orgs.models import CommitteePost, Organization

from . import integrity, similarity
from .choices import AttendanceStatus, MeetingStatus, MeetingType
from .models import (
    Amendment,
    Attachment,
    Attendance,
    IntegrityFlag,
    Meeting,
    MeetingTypeLink,
    RuleSetting,
    SketchBand,
    type_codes_of,
)

BRANCHES = set(BRANCH_KINDS) | {OrgKind.GENERAL_BRANCH}
GROUPS = {OrgKind.GROUP, OrgKind.BUILDING_GROUP}
PLACES = ["党员活动室", "村委会议室", "社区党群服务中心", "单位三楼会议室", "新时代文明实践站", "党建活动中心",
          "支部活动室"]
LEAVE_REASONS = ["外出务工", "生病住院", "出差", "照顾家中老人", "值班", "外出学习", "身体不适"]
SUBJECTS = ["乡村振兴", "基层治理", "安全生产", "人居环境整治", "秋收秋种", "防汛抗旱", "森林防火", "垃圾分类",
            "文明创建", "矛盾纠纷排查", "困难群众帮扶", "集体经济发展", "党员教育管理", "作风建设", "疫病防控",
            "义务植树",
            "志愿服务", "移风易俗", "养老服务", "就业创业", "社会保险扩面", "道路交通安全", "消防安全", "网格管理"]
DOCS = ["党章第二章", "《中国共产党支部工作条例（试行）》", "《中国共产党纪律处分条例》", "上级党委全会精神",
        "习近平新时代中国特色社会主义思想学习纲要有关章节", "《关于新形势下党内政治生活的若干准则》",
        "《中国共产党党员教育管理工作条例》", "县委有关工作部署", "镇党委有关工作安排", "党史学习教育读本有关篇目"]
ACTIONS = ["走访慰问", "入户宣传", "集中清理", "排查整改", "结对帮扶", "志愿服务", "现场观摩", "专题研讨", "分组讨论",
           "交流发言", "谈心谈话", "调研座谈"]
PEOPLE = ["困难党员", "老党员", "独居老人", "留守儿童", "返乡青年", "种养大户", "流动党员", "新就业群体", "退役军人"]
SENTENCES = [
    "会议首先集中学习了{doc}，{name}结合{subject}工作谈了体会。",
    "{name}通报了上月{subject}工作进展，{n}项任务已完成，{m}项正在推进。",
    "与会党员围绕{subject}展开讨论，{name}建议加强{subject2}，{name2}提出开展{action}。",
    "会议研究了{subject}中{people}的实际困难，决定由{name}牵头开展{action}。",
    "{name}领学了{doc}，大家结合岗位实际逐一发言。",
    "会议听取了{name}关于{subject}的情况汇报，对{n}户{people}逐户分析了帮扶措施。",
    "针对{subject}存在的问题，会议明确{name2}负责，限{n}日内完成{action}。",
    "{name}就{subject2}提出{n}条意见，会议逐条研究后形成共识。",
    "会议回顾了上季度{subject}工作，{name}指出了{m}个方面的不足并提出整改意见。",
    "党员{name}分享了参与{action}的体会，{name2}补充介绍了{people}的情况。",
    "会议讨论确定下月开展以{subject}为主题的{action}，动员党员带头参与。",
    "{name}传达了{doc}精神，要求党员在{subject}中发挥先锋模范作用。",
]


class _Text:
    """Minutes made of sentences with varied slots, so honest records are not near-duplicates."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def minutes(self, names: list[str]) -> str:
        r = self.rng
        picks = r.sample(SENTENCES, 5)
        people = names or ["支部书记"]
        return "".join(s.format(doc=r.choice(DOCS), name=r.choice(people), name2=r.choice(people),
                                subject=r.choice(SUBJECTS), subject2=r.choice(SUBJECTS), action=r.choice(ACTIONS),
                                people=r.choice(PEOPLE), n=r.randint(2, 30), m=r.randint(1, 9)) for s in picks)

    def topics(self) -> str:
        return f"1. 学习{self.rng.choice(DOCS)}；2. 研究{self.rng.choice(SUBJECTS)}工作"


class _Plan:
    """Rows waiting to be written, with ids handed out here."""

    def __init__(self, first_id: int):
        self.next_id = first_id
        self.meetings: list[dict] = []
        self.links: list[tuple[int, str]] = []
        self.attendance: list[tuple] = []

    def add(self, row: dict, types, attendance) -> int:
        row["id"] = self.next_id
        self.next_id += 1
        self.meetings.append(row)
        self.links.extend((row["id"], t) for t in types)
        row["type_codes"] = type_codes_of(types)
        self.attendance.extend((row["id"], *a) for a in attendance)
        return row["id"]


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_current_timezone())


def _months(start: dt.date, today: dt.date) -> list[tuple[int, int]]:
    out, y, m = [], start.year, start.month
    while (y, m) <= (today.year, today.month):
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


DEATH_SHARE, LEFT_SHARE, SUSPENDED_SHARE = 0.006, 0.001, 0.001
TRANSFER_SHARE, GROUP_TO_BRANCH_SHARE = 0.012, 0.004


class _Churn:
    """A year's dated changes to the rosters, drawn before the meetings: who goes from which
    organisation (and its branch, for a 党小组) on which day, and who comes."""

    def __init__(self, gen: _Generator):
        self.gen = gen
        self.gone: dict[int, dict[int, dt.date]] = defaultdict(dict)  # org → member → last day there
        self.joined: dict[int, list[tuple[tuple, dt.date]]] = defaultdict(list)  # org → (entry, first day)
        self.transfers: list[tuple[int, int, int, dt.date]] = []  # member, from, to, day
        self.changes: list[tuple[int, str, dt.date]] = []  # member, status, day
        self._draw()

    def _day(self) -> dt.date:
        span = max(1, (self.gen.today - self.gen.start).days - 1)
        return self.gen.start + dt.timedelta(days=self.gen.rng.randint(1, span))

    def _leave(self, member: int, org: int, day: dt.date) -> None:
        self.gone[org][member] = day
        parent = self.parents.get(org)
        if parent is not None:  # a 党小组's member also leaves its branch's roster
            self.gone[parent][member] = day

    def _draw(self) -> None:
        gen, r = self.gen, self.gen.rng
        kinds = {o[0]: o[1] for o in gen.orgs}
        self.parents = {o[0]: o[3] for o in gen.orgs if o[1] in GROUPS}
        held = {m for ids in gen.committee.values() for m in ids}  # post holders and account owners stay put
        held |= set(Member.objects.filter(user__isnull=False).values_list("id", flat=True))
        candidates = [(org, entry) for org, entry in gen.own if entry[0] not in held
                      and kinds.get(org) not in COMMITTEE_KINDS]
        r.shuffle(candidates)
        siblings: dict[int, list[int]] = defaultdict(list)
        for pk, kind, _, parent, _ in gen.orgs:
            if kind in BRANCHES:
                siblings[parent].append(pk)
        parent_of = {o[0]: o[3] for o in gen.orgs}
        n = len(candidates)
        plan = ([("deceased", None)] * round(n * DEATH_SHARE) + [("left", None)] * round(n * LEFT_SHARE)
                + [("suspended", None)] * round(n * SUSPENDED_SHARE) + [("move", None)] * round(n * TRANSFER_SHARE)
                + [("group", None)] * round(n * GROUP_TO_BRANCH_SHARE))
        for (what, _), (org, entry) in zip(plan, candidates, strict=False):
            day = self._day()
            if what == "move" and kinds.get(org) in BRANCHES:
                others = [b for b in siblings.get(parent_of.get(org), []) if b != org]
                if others:
                    self._move(entry, org, r.choice(others), day)
            elif what == "group" and org in self.parents:
                self._move(entry, org, self.parents[org], day)
            elif what in ("deceased", "left", "suspended"):
                self._leave(entry[0], org, day)
                self.changes.append((entry[0], what, day))

    def _move(self, entry, src: int, dst: int, day: dt.date) -> None:
        if self.parents.get(src) == dst:  # from a 党小组 to its own branch: still on the branch's roster
            self.gone[src][entry[0]] = day
        else:
            self._leave(entry[0], src, day)
            self.joined[dst].append((entry, day))
        self.transfers.append((entry[0], src, dst, day))

    def write(self) -> None:
        """Members as they are at the end of the year, with their dated transfers and status changes."""
        moved = {m: dst for m, _, dst, _ in self.transfers}
        statuses = {m: status for m, status, _ in self.changes}
        members = Member.objects.in_bulk(list(moved) + list(statuses))
        for pk, member in members.items():
            member.org_id = moved.get(pk, member.org_id)
            member.status = statuses.get(pk, member.status)
            member.version += 1
        Member.objects.bulk_update(list(members.values()), ["org", "status", "version"], batch_size=2000)
        Transfer.objects.bulk_create([Transfer(member_id=m, from_org_id=src, to_org_id=dst, transferred_on=day,
                                               reason="工作调动")
                                      for m, src, dst, day in self.transfers], batch_size=2000)
        StatusChange.objects.bulk_create([StatusChange(member_id=m, status_from=PartyStatus.NORMAL, status_to=status,
                                                       effective_on=day) for m, status, day in self.changes],
                                         batch_size=2000)


class _Generator:
    def __init__(self, seed: int, today: dt.date):
        self.rng = random.Random(seed)
        self.today = today
        self.text = _Text(self.rng)
        first = today.replace(day=1)
        self.start = (first.replace(year=first.year - 1) if first.month == 12 else
                      dt.date(first.year - 1, first.month + 1, 1))
        self.months = _months(self.start, today)
        # a meeting later today is not held yet: the demo's "now" is the real one on the anchor day
        self.now = min(_at(today, 23, 59), timezone.now())
        self.plan = _Plan((Meeting.objects.aggregate(m=Max("id"))["m"] or 0) + 1)
        self.minutes_pool: dict[str, list[str]] = defaultdict(list)  # type → minutes already written

    # -- data --------------------------------------------------------------------------------------
    def load(self) -> None:
        self.orgs = list(Organization.objects.values_list("id", "kind", "path", "parent_id", "founded_on"))
        self.roster: dict[int, list[tuple[int, str, bool]]] = defaultdict(list)
        kinds = {o[0]: o[1] for o in self.orgs}
        parents = {o[0]: o[3] for o in self.orgs}
        members = Member.objects.filter(status=PartyStatus.NORMAL).values_list("id", "org_id", "name",
                                                                              "membership_type")
        self.own: list[tuple[int, tuple]] = []  # (the member's own organisation, entry)
        for pk, org_id, name, kind in members.iterator(chunk_size=10000):
            entry = (pk, name, kind == MembershipType.FULL)
            self.own.append((org_id, entry))
            self.roster[org_id].append(entry)
            if kinds.get(org_id) in GROUPS and parents.get(org_id):
                self.roster[parents[org_id]].append(entry)
        self.committee: dict[int, set[int]] = defaultdict(set)
        for org_id, member_id in CommitteePost.objects.filter(term__is_current=True).values_list("term__org_id",
                                                                                                 "member_id"):
            self.committee[org_id].add(member_id)
        self.churn = _Churn(self)

    def on(self, org_id: int, day: dt.date, people, *, joiners: bool = True):
        """``people`` as the roster of ``org_id`` stood on ``day``: without those who had gone
        before it, with those who had come by it (the day of a move counts for both)."""
        gone = self.churn.gone.get(org_id, {})
        kept = [p for p in people if not (p[0] in gone and gone[p[0]] < day)]
        if joiners:
            kept += [entry for entry, since in self.churn.joined.get(org_id, []) if since <= day]
        return kept

    # -- one meeting -------------------------------------------------------------------------------
    def meeting(self, org_id: int, day: dt.date, types, people, *, hour=9, title="", present_rate=0.88,
                entered: dt.datetime | None = None, minutes: str | None = None, lecture=False,
                committee: set[int] | None = None) -> int:
        r = self.rng
        people = self.on(org_id, day, people, joiners=committee is None)
        committee = self.committee[org_id] if committee is None else committee
        attendance = []
        for pk, name, full in people:
            roll = r.random()
            if roll < present_rate:
                status, reason = AttendanceStatus.PRESENT, ""
            elif roll < present_rate + (1 - present_rate) * 0.7:
                status, reason = AttendanceStatus.LEAVE, r.choice(LEAVE_REASONS)
            else:
                status, reason = AttendanceStatus.ABSENT, ""
            attendance.append((pk, name, status, reason, full, pk in committee))
        names = [a[1] for a in attendance if a[2] == AttendanceStatus.PRESENT]
        held_at = _at(day, hour, r.choice((0, 0, 30)))
        text = minutes if minutes is not None else self.text.minutes(names)
        self.minutes_pool[types[0]].append(text)
        counts = self._counts(attendance)
        ends_at = held_at + dt.timedelta(minutes=90)
        row = {
            "org_id": org_id, "title": title or f"{day.month}月{MeetingType(types[0]).label}",
            "status": MeetingStatus.HELD if ends_at <= self.now else MeetingStatus.PLANNED,
            "held_at": held_at, "ends_at": ends_at, "place": r.choice(PLACES),
            "host": names[0] if names else "", "recorder": names[-1] if names else "",
            "topics": self.text.topics(), "minutes": text, "decisions": f"会议决定加强{r.choice(SUBJECTS)}工作。",
            "lecturer": (names[0] if names else "支部书记") if lecture else "",
            "lecture_title": f"关于{r.choice(SUBJECTS)}的专题党课" if lecture else "",
            "entered_at": entered or min(held_at + self._delay(), self.now),
            **counts,
        }
        return self.plan.add(row, types, attendance)

    def _delay(self) -> dt.timedelta:
        """Most records go in within three days; one in fifty is typed in one to three weeks later."""
        if self.rng.random() < 0.02:
            return dt.timedelta(days=self.rng.randint(8, 21))
        return dt.timedelta(hours=self.rng.choice((3, 6, 20, 30, 50, 70)))

    @staticmethod
    def _counts(attendance) -> dict:
        def tally(rows):
            return (len(rows), sum(a[2] == AttendanceStatus.PRESENT for a in rows),
                    sum(a[2] == AttendanceStatus.LEAVE for a in rows))

        e, p, lv = tally(attendance)
        ve, vp, vl = tally([a for a in attendance if a[4]])
        ce, cp, cl = tally([a for a in attendance if a[5]])
        return {"expected_count": e, "present_count": p, "leave_count": lv, "absent_count": e - p - lv,
                "voting_expected": ve, "voting_present": vp, "voting_leave": vl,
                "committee_expected": ce, "committee_present": cp, "committee_leave": cl}

    # -- one organisation's year -------------------------------------------------------------------
    def day_in(self, year: int, month: int, low: int = 3, high: int = 26) -> dt.date:
        last = calendar.monthrange(year, month)[1]
        return dt.date(year, month, min(last, self.rng.randint(low, high)))

    def branch(self, org_id: int, founded: dt.date | None, fate: str) -> None:
        r = self.rng
        people = self.roster.get(org_id, [])
        committee = [p for p in people if p[0] in self.committee[org_id]] or people[:5]
        committee_ids = {p[0] for p in committee}
        has_committee = sum(1 for p in people if p[2]) >= 7
        missed = set(r.sample(self.months, r.randint(1, 3))) if fate == "misses" else set()
        silent_from = self.today - dt.timedelta(days=r.randint(35, 70)) if fate == "silent" else None
        for year, month in self.months:
            if founded and dt.date(year, month, 28) < founded:
                continue
            if (year, month) in missed:
                continue
            day = self.day_in(year, month)
            if day > self.today or (silent_from and day > silent_from):
                continue
            quarter_lecture = month in (2, 5, 8, 11)
            types = [MeetingType.THEME_DAY] + ([MeetingType.LECTURE] if quarter_lecture else [])
            theme = self.meeting(org_id, day, types, people, lecture=quarter_lecture,
                                 title=f"{month}月主题党日" + ("暨党课" if quarter_lecture else ""))
            if fate == "overlap":
                fate = "done"
                self.overlap_of = getattr(self, "overlap_of", [])
                self.overlap_of.append((org_id, day, theme))
            if has_committee:
                self.meeting(org_id, self.day_in(year, month, 1, 8), [MeetingType.COMMITTEE], committee,
                             hour=15, present_rate=0.95, title=f"{month}月支委会", committee=committee_ids)
            if month in (3, 6, 9, 12):
                rate = 0.35 if fate == "quorum" and month == 6 else 0.85
                self.meeting(org_id, self.day_in(year, month, 10, 20), [MeetingType.BRANCH_ASSEMBLY], people,
                             hour=14, present_rate=rate, title=f"第{month // 3}季度支部党员大会")
            if month == 1:
                self.meeting(org_id, self.day_in(year, 1, 10, 25), [MeetingType.LIFE_MEETING, MeetingType.REVIEW],
                             people, hour=14, title="年度组织生活会和民主评议党员")
                self.meeting(org_id, self.day_in(year, 1, 5, 28), [MeetingType.HEART_TALK], committee,
                             hour=17, title="谈心谈话", committee=committee_ids)

    def group(self, org_id: int) -> None:
        people = self.roster.get(org_id, [])
        if not people:
            return
        for year, month in self.months:
            day = self.day_in(year, month)
            if day <= self.today:
                self.meeting(org_id, day, [MeetingType.GROUP], people, hour=19, title=f"{month}月党小组会")

    def committee_org(self, org_id: int) -> None:
        people = self.roster.get(org_id, [])
        for year, month in self.months:
            if month in (1, 4, 7, 10):
                day = self.day_in(year, month, 10, 25)
                if day <= self.today:
                    self.meeting(org_id, day, [MeetingType.STUDY_GROUP], people, hour=9, title="理论学习中心组学习")
        jan = [(y, m) for y, m in self.months if m == 1]
        if jan:
            self.meeting(org_id, self.day_in(jan[0][0], 1, 15, 28), [MeetingType.DEMOCRATIC_LIFE], people, hour=9,
                         title="领导班子民主生活会")

    # -- the failures that need other branches ------------------------------------------------------
    def backfill(self, org_id: int) -> None:
        """A branch that held nothing in October–December and typed it all in just before the year end."""
        decembers = [y for y, m in self.months if m == 12 and dt.date(y, 12, 29) <= self.today]
        year = decembers[-1] if decembers else self.start.year - 1 if self.start.month > 1 else self.start.year
        batch = _at(dt.date(year, 12, 28), 20)
        people = self.roster.get(org_id, [])
        kinds = {10: [MeetingType.THEME_DAY, MeetingType.COMMITTEE], 11: [MeetingType.THEME_DAY, MeetingType.LECTURE],
                 12: [MeetingType.THEME_DAY, MeetingType.BRANCH_ASSEMBLY]}
        for i, (month, types) in enumerate(kinds.items()):
            for j, meeting_type in enumerate(types):
                self.meeting(org_id, self.day_in(year, month, 5, 25), [meeting_type], people,
                             lecture=meeting_type == MeetingType.LECTURE, hour=9 + 5 * j,
                             entered=batch + dt.timedelta(minutes=11 * i + 5 * j),
                             title=f"{month}月{MeetingType(meeting_type).label}")

    def copy_minutes(self, count: int) -> None:
        """Some records get another branch's minutes with a word or two changed."""
        rows = [m for m in self.plan.meetings if m["status"] == MeetingStatus.HELD and len(m["minutes"]) > 80]
        for _ in range(count):
            source, target = self.rng.sample(rows, 2)
            target["minutes"] = source["minutes"].replace("会议", "本次会议", 1)

    def reuse_minutes(self, org_ids: list[int]) -> None:
        """…and some branches reuse their own minutes from one month to the next."""
        by_org = defaultdict(list)
        wanted = set(org_ids)
        for m in self.plan.meetings:
            if m["org_id"] in wanted and m["status"] == MeetingStatus.HELD:
                by_org[m["org_id"]].append(m)
        for rows in by_org.values():
            if len(rows) >= 2:
                rows[1]["minutes"] = rows[0]["minutes"]

    def overlaps(self) -> None:
        """A group meeting booked half an hour into its branch's 主题党日, with the same members present."""
        children = defaultdict(list)
        for pk, kind, _, parent, _ in self.orgs:
            if kind in GROUPS:
                children[parent].append(pk)
        for org_id, day, _ in getattr(self, "overlap_of", []):
            for group_id in children.get(org_id, [])[:1]:
                people = self.roster.get(group_id, [])
                if people:
                    self.meeting(group_id, day, [MeetingType.GROUP], people, hour=9, present_rate=1.0,
                                 title="临时党小组会")

    def planned(self, org_id: int) -> None:
        day = self.today + dt.timedelta(days=self.rng.randint(2, 20))
        self.meeting(org_id, day, [MeetingType.THEME_DAY], [], title=f"{day.month}月主题党日（计划）")

    def run(self) -> None:
        r = self.rng
        branch_ids = []
        for pk, kind, _, _, founded in self.orgs:
            if kind in BRANCHES:
                fate = r.choices(["ok", "misses", "silent", "quorum", "backfill", "overlap"],
                                 weights=[80, 8, 3, 3, 3, 3])[0]
                if fate == "backfill":
                    self.backfill(pk)
                self.branch(pk, founded, fate)
                branch_ids.append(pk)
                if r.random() < 0.1:
                    self.planned(pk)
            elif kind in GROUPS:
                self.group(pk)
            elif kind in COMMITTEE_KINDS:
                self.committee_org(pk)
        self.overlaps()
        self.copy_minutes(max(3, len(branch_ids) // 50))
        self.reuse_minutes(r.sample(branch_ids, min(len(branch_ids), max(2, len(branch_ids) // 40))))


# -- writing ----------------------------------------------------------------------------------------

MEETING_FIELDS = [
    "id", "org_id", "title", "status", "held_at", "ends_at", "place", "host", "recorder", "topics", "minutes",
    "decisions", "lecturer", "lecture_title", "expected_count", "present_count", "leave_count", "absent_count",
    "voting_expected", "voting_present", "voting_leave", "committee_expected", "committee_present",
    "committee_leave", "type_codes", "sketch", "entered_at", "amendment_count", "version", "updated_at",
]
ATTENDANCE_FIELDS = ["meeting_id", "member_id", "name", "status", "reason", "voting", "committee"]


def _write(plan: _Plan) -> None:
    sketches: dict[str, str] = {}
    now = timezone.now()
    for m in plan.meetings:
        text = m["minutes"]
        if text not in sketches:
            sketches[text] = similarity.sketch(text)
        m["sketch"] = sketches[text]
        m["amendment_count"], m["version"], m["updated_at"] = 0, 1, now
    insert_rows(Meeting, MEETING_FIELDS, ([m[f] for f in MEETING_FIELDS] for m in plan.meetings))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [Meeting]):
                cursor.execute(sql)
    insert_rows(MeetingTypeLink, ["meeting_id", "type"], plan.links)
    insert_rows(Attendance, ATTENDANCE_FIELDS, plan.attendance)
    insert_rows(SketchBand, ["meeting_id", "key", "held_at"],
                ((m["id"], key, m["held_at"]) for m in plan.meetings for key in similarity.band_keys(m["sketch"])))


def wipe() -> None:
    """Remove all organisational-life rows (before the demo reloads organisations and members)."""
    for model in (IntegrityFlag, SketchBand, Amendment, Attachment, Attendance, MeetingTypeLink, Meeting,
                  RuleSetting):
        model.objects.all()._raw_delete(model.objects.db)


def generate(*, seed: int, today: dt.date, stdout=None, **_) -> None:
    def say(text: str) -> None:
        if stdout is not None:
            stdout.write(text if text.endswith("\n") else text + "\n")

    started = time.perf_counter()
    with transaction.atomic():
        gen = _Generator(seed, today)
        gen.load()
        gen.run()
        gen.churn.write()
        say(f"组织生活：已生成 {len(gen.plan.meetings):,} 次会议、{len(gen.plan.attendance):,} 条出席记录、"
            f"{len(gen.churn.transfers):,} 次组织关系转接、{len(gen.churn.changes):,} 次党籍状态变更"
            f"（{time.perf_counter() - started:.1f} 秒），正在写入…")
        _write(gen.plan)
    say(f"组织生活：已写入（{time.perf_counter() - started:.1f} 秒），正在核查…")
    # fresh planner statistics before the scan (core.bulk.analyze)
    analyze(Meeting, Attendance, SketchBand, MeetingTypeLink, Member, Transfer, StatusChange)
    roots = Organization.objects.filter(depth=1)
    years = sorted({y for y, _ in gen.months} | {gen.start.year - 1})
    flags = 0
    for root in roots:
        for year in years:
            flags += integrity.scan(root, year, now=gen.now)
    seconds = time.perf_counter() - started
    say(f"组织生活：共 {len(gen.plan.meetings):,} 次会议，核查提示 {flags:,} 条，用时 {seconds:.1f} 秒")


register_demo("orglife", generate, wipe=wipe, after=("orgs",), label="组织生活")
