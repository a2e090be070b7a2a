"""The compliance engine: pure functions over plain data (docs/architecture.md「房间」). No ORM here — the query
layer fetches a subtree's meetings in one go and hands them over as ``MeetingFacts``.

For each organisation, rule and period the answer is one of met / missing / quorum not met / not
yet due / not required, always with the reason in Chinese."""

from __future__ import annotations

import calendar
import datetime as dt
import functools
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from dangjian.core.tree import PATH_STEP
from dangjian.orgs.choices import BRANCH_KINDS, COMMITTEE_KINDS, OrgKind

from .choices import CUSTOM_PREFIX, MeetingType, Outcome, Period, QuorumBase

COMMITTEE_FROM = 7  # full members from which a branch elects a 支委会 (docs/architecture.md「业务规则」)


@dataclass(frozen=True)
class Rule:
    meeting_type: str
    period: str
    min_count: int = 1
    quorum_base: str = QuorumBase.NONE
    leave_excluded: bool = False


@dataclass(frozen=True)
class RuleRow:
    """A configured rule as the query layer reads it: who set it, for which kind."""

    owner_path: str
    org_kind: str
    rule: Rule
    active: bool = True


_BRANCH_RULES = (
    Rule(MeetingType.BRANCH_ASSEMBLY, Period.QUARTER, quorum_base=QuorumBase.VOTING),
    Rule(MeetingType.COMMITTEE, Period.MONTH, quorum_base=QuorumBase.COMMITTEE),
    Rule(MeetingType.LECTURE, Period.QUARTER),
    Rule(MeetingType.THEME_DAY, Period.MONTH),
    Rule(MeetingType.LIFE_MEETING, Period.YEAR),
    Rule(MeetingType.REVIEW, Period.YEAR),
    Rule(MeetingType.HEART_TALK, Period.YEAR),
)
_GROUP_RULES = (Rule(MeetingType.GROUP, Period.MONTH),)
_COMMITTEE_RULES = (
    Rule(MeetingType.STUDY_GROUP, Period.QUARTER),
    Rule(MeetingType.DEMOCRATIC_LIFE, Period.YEAR),
)


def default_rules(org_kind: str) -> tuple[Rule, ...]:
    """The defaults by organisation type (docs/architecture.md「业务规则」)."""
    if org_kind in BRANCH_KINDS or org_kind == OrgKind.GENERAL_BRANCH:
        return _BRANCH_RULES
    if org_kind in (OrgKind.GROUP, OrgKind.BUILDING_GROUP):
        return _GROUP_RULES
    if org_kind in COMMITTEE_KINDS:
        return _COMMITTEE_RULES
    return ()


def resolve_rules(org_kind: str, org_path: str, rows: Iterable[RuleRow]) -> list[Rule]:
    """The rules for one organisation: the defaults, each overridden (or switched off) by the row of
    the nearest organisation above that set one for this kind and meeting type."""
    chosen: dict[str, tuple[int, RuleRow]] = {}
    for row in rows:
        if row.org_kind != org_kind or row.owner_path == org_path or not org_path.startswith(row.owner_path):
            continue
        depth = len(row.owner_path)
        current = chosen.get(row.rule.meeting_type)
        if current is None or depth > current[0]:
            chosen[row.rule.meeting_type] = (depth, row)
    rules = {r.meeting_type: r for r in default_rules(org_kind)}
    for meeting_type, (_, row) in chosen.items():
        if row.active:
            rules[meeting_type] = row.rule
        else:
            rules.pop(meeting_type, None)
    return list(rules.values())


# -- plain facts --------------------------------------------------------------------------------

@dataclass(frozen=True)
class OrgFacts:
    id: int
    name: str
    kind: str
    path: str = ""
    founded_on: dt.date | None = None
    ended_on: dt.date | None = None  # merged into another organisation, or dissolved
    predecessors: tuple[int, ...] = ()  # organisations merged into this one: their meetings count here
    full_members: int = 0


class MeetingFacts(NamedTuple):
    """A tuple, not a dataclass: the report builds one per meeting of a whole city's year."""

    id: int
    org_id: int
    held_on: dt.date
    types: frozenset[str]
    planned: bool = False
    expected: int = 0
    present: int = 0
    leave: int = 0
    voting_expected: int = 0
    voting_present: int = 0
    voting_leave: int = 0
    committee_expected: int = 0
    committee_present: int = 0
    committee_leave: int = 0


@dataclass(frozen=True)
class Slot:
    period: str
    start: dt.date
    end: dt.date  # inclusive
    label: str


# Plain strings: comparing against enum members costs a descriptor call each time, and the city
# report makes a quarter of a million results.
MET, MISSING, QUORUM, NOT_DUE, NOT_APPLICABLE = (o.value for o in (
    Outcome.MET, Outcome.MISSING, Outcome.QUORUM, Outcome.NOT_DUE, Outcome.NOT_APPLICABLE))
OWED = frozenset({MET, MISSING, QUORUM})
BUILTIN_LABELS = dict(MeetingType.choices)


class Result(NamedTuple):
    """One organisation, one rule, one period. A tuple, and the reason is worded only when read:
    a whole city's report makes a quarter of a million results and reads few reasons."""

    org_id: int
    meeting_type: str
    slot: Slot
    outcome: str
    why: object  # the reason, or what ``explain`` words it from
    meeting_ids: tuple[int, ...] = ()

    @property
    def reason(self) -> str:
        return self.why if isinstance(self.why, str) else explain(self.slot, self.why)

    @property
    def owed(self) -> bool:
        return self.outcome in OWED


def type_label(code: str, custom_names: dict[str, str] | None = None) -> str:
    if code in BUILTIN_LABELS:
        return BUILTIN_LABELS[code]
    if custom_names and code in custom_names:
        return custom_names[code]
    return code.removeprefix(CUSTOM_PREFIX)


# -- periods ------------------------------------------------------------------------------------

@functools.cache
def _slots(year: int, period: str) -> tuple[Slot, ...]:
    return tuple(slots(year, period))


def slots(year: int, period: str) -> list[Slot]:
    if period == Period.MONTH:
        return [Slot(period, dt.date(year, m, 1), dt.date(year, m, calendar.monthrange(year, m)[1]), f"{m}月")
                for m in range(1, 13)]
    if period == Period.QUARTER:
        return [Slot(period, dt.date(year, 3 * q - 2, 1),
                     dt.date(year, 3 * q, calendar.monthrange(year, 3 * q)[1]), f"第{'一二三四'[q - 1]}季度")
                for q in range(1, 5)]
    return [Slot(period, dt.date(year, 1, 1), dt.date(year, 12, 31), f"{year}年")]


def _days_existing(org: OrgFacts, slot: Slot) -> int:
    start = max(slot.start, org.founded_on) if org.founded_on else slot.start
    end = min(slot.end, org.ended_on) if org.ended_on else slot.end
    return max(0, (end - start).days + 1)


def owed_in(org: OrgFacts, slot: Slot) -> tuple[bool, str]:
    """A period is owed when the organisation existed for at least half of it."""
    length = (slot.end - slot.start).days + 1
    existing = _days_existing(org, slot)
    if existing * 2 >= length:
        return True, ""
    if org.founded_on and org.founded_on > slot.start:
        return False, f"{org.founded_on:%Y-%m-%d} 成立，{slot.label}存续不足一半，不作要求"
    return False, f"{org.ended_on:%Y-%m-%d} 已撤并，{slot.label}存续不足一半，不作要求"


# -- quorum -------------------------------------------------------------------------------------

def reaches_quorum(expected: int, present: int, leave: int, leave_excluded: bool) -> bool:
    """More than half of those who count are present; members on leave count as expected unless
    the rule excludes them. The database asks the same in ``report._quorum_bits``."""
    base = expected - leave if leave_excluded else expected
    return base > 0 and present * 2 > base


def attendance(meeting: MeetingFacts, quorum_base: str) -> tuple[int, int, int]:
    """(expected, present, on leave) among those who count for ``quorum_base``."""
    if quorum_base == QuorumBase.VOTING:  # if/elif, not a dict of tuples: called for every counted meeting
        return meeting.voting_expected, meeting.voting_present, meeting.voting_leave
    if quorum_base == QuorumBase.COMMITTEE:
        return meeting.committee_expected, meeting.committee_present, meeting.committee_leave
    return meeting.expected, meeting.present, meeting.leave


def quorum(meeting: MeetingFacts, rule: Rule) -> tuple[bool, str]:
    """Whether ``meeting`` reached the quorum ``rule`` asks for; the reason when it did not."""
    if rule.quorum_base == QuorumBase.NONE:
        return True, ""
    expected, present, leave = attendance(meeting, rule.quorum_base)
    if reaches_quorum(expected, present, leave, rule.leave_excluded):
        return True, ""  # only failures are worded: the report asks this of every counted meeting
    base = expected - leave if rule.leave_excluded else expected
    who = QuorumBase(rule.quorum_base).label
    if base <= 0:
        return False, f"{meeting.held_on:%m-%d} 的会议没有登记应到的{who}"
    note = f"（已扣除请假 {leave} 人）" if rule.leave_excluded and leave else ""
    return False, f"{meeting.held_on:%m-%d} 的会议{who}应到 {base} 人{note}，实到 {present} 人，未超过半数"


# -- marks: all the tallies read of a meeting ---------------------------------------------------
# A meeting's mark packs the month it was held in with one bit for each way a quorum can be counted
# (who counts × whether leave is excluded), set when the meeting reached that quorum:
# ``month << MONTH_SHIFT | bits``. The tallies over a whole city read marks, not meetings; the report
# has the database compute them (``report._mark``), and a test holds the two together.
MONTH_SHIFT = 6
QUORUM_BITS = {
    (QuorumBase.VOTING.value, False): 1, (QuorumBase.VOTING.value, True): 2,
    (QuorumBase.COMMITTEE.value, False): 4, (QuorumBase.COMMITTEE.value, True): 8,
    (QuorumBase.ALL.value, False): 16, (QuorumBase.ALL.value, True): 32,
}


def quorum_bit(rule: Rule) -> int:
    """The bit of a mark that says a meeting counts for ``rule``; 0 when the rule has no quorum."""
    if rule.quorum_base == QuorumBase.NONE:
        return 0
    return QUORUM_BITS[(rule.quorum_base, rule.leave_excluded)]


def mark(meeting: MeetingFacts) -> int:
    bits = 0
    for (base, leave_excluded), bit in QUORUM_BITS.items():
        if reaches_quorum(*attendance(meeting, base), leave_excluded):
            bits |= bit
    return meeting.held_on.month << MONTH_SHIFT | bits


def marks_by_type(meetings: Iterable[MeetingFacts], year: int) -> dict[str, list[int]]:
    """The marks of the meetings held in ``year``, under each type they count for."""
    marks: dict[str, list[int]] = {}
    for m in meetings:
        if not m.planned and m.held_on.year == year:
            value = mark(m)
            for meeting_type in m.types:
                marks.setdefault(meeting_type, []).append(value)
    return marks


# -- evaluation ---------------------------------------------------------------------------------

def applies(org: OrgFacts, rule: Rule) -> tuple[bool, str]:
    if rule.meeting_type == MeetingType.COMMITTEE and org.full_members < COMMITTEE_FROM:
        return False, f"正式党员 {org.full_members} 人，不足 {COMMITTEE_FROM} 人不设支委会"
    return True, ""


# month (1–12) → index of its period within the year, per period kind
_SLOT_INDEX = {Period.MONTH.value: tuple(range(-1, 12)), Period.QUARTER.value: tuple((m - 1) // 3 for m in range(13)),
               Period.YEAR.value: (0,) * 13}


def by_type(meetings: Iterable[MeetingFacts], year: int) -> dict[str, list[MeetingFacts]]:
    """The held meetings of ``year`` under each type they count for (one pass, for all the rules)."""
    grouped: dict[str, list[MeetingFacts]] = {}
    for m in meetings:
        if not m.planned and m.held_on.year == year:
            for meeting_type in m.types:
                if meeting_type in grouped:
                    grouped[meeting_type].append(m)
                else:
                    grouped[meeting_type] = [m]
    return grouped


def _bucketed(rule: Rule, grouped: dict[str, list[MeetingFacts]], year: int):
    """The periods of ``rule`` in ``year`` and the held meetings of the rule's type in each."""
    periods = _slots(year, rule.period)
    buckets: list[list[MeetingFacts]] = [[] for _ in periods]
    index = _SLOT_INDEX[rule.period]
    for m in grouped.get(rule.meeting_type, ()):
        buckets[index[m.held_on.month]].append(m)
    return periods, buckets


def existed_all_year(org: OrgFacts, year: int) -> bool:
    """Most organisations existed all year: whether each period is owed need not be asked."""
    return (org.founded_on is None or org.founded_on <= dt.date(year, 1, 1)) and (
        org.ended_on is None or org.ended_on >= dt.date(year, 12, 31))


def decide(org: OrgFacts, rule: Rule, slot: Slot, held: list[MeetingFacts], today: dt.date,
           whole_year: bool) -> tuple[str, list, list, str]:
    """One period with its meetings: (outcome, valid meetings, quorum failures, reason if not owed)."""
    if not whole_year:
        owed, reason = owed_in(org, slot)
        if not owed:
            return NOT_APPLICABLE, (), (), reason
    if rule.quorum_base == QuorumBase.NONE:
        valid, failed = held, ()
    else:
        checks = [(m, quorum(m, rule)) for m in held]
        valid = [m for m, (good, _) in checks if good]
        failed = [why for _, (good, why) in checks if not good]
    return period_outcome(len(held), len(valid), rule.min_count, slot.end >= today), valid, failed, ""


def period_outcome(held: int, valid: int, need: int, still_open: bool) -> str:
    """The one place an owed period's outcome is decided, from how many meetings were held in it
    and how many of those reached the quorum; the tallies and the worded results both ask here."""
    if not held:
        return NOT_DUE if still_open else MISSING
    if valid >= need:
        return MET
    return NOT_DUE if still_open else QUORUM if held >= need else MISSING


def evaluate_rule(org: OrgFacts, rule: Rule, meetings: list[MeetingFacts], year: int,
                  today: dt.date, custom_names: dict[str, str] | None = None) -> list[Result]:
    label = type_label(rule.meeting_type, custom_names)
    ok, why_not = applies(org, rule)
    if not ok:
        return [Result(org.id, rule.meeting_type, slot, NOT_APPLICABLE, why_not) for slot in _slots(year, rule.period)]
    periods, buckets = _bucketed(rule, by_type(meetings, year), year)
    whole_year = existed_all_year(org, year)
    out = []
    for slot, held in zip(periods, buckets, strict=True):
        outcome, valid, failed, not_owed = decide(org, rule, slot, held, today, whole_year)
        if outcome == NOT_APPLICABLE:
            out.append(Result(org.id, rule.meeting_type, slot, outcome, not_owed, tuple(m.id for m in held)))
        else:
            ids = tuple(m.id for m in (valid if outcome == MET else held))
            out.append(Result(org.id, rule.meeting_type, slot, outcome,
                              (outcome, label, rule.min_count, valid, held, failed), ids))
    return out


def tally_org(org: OrgFacts, rules: list[Rule], meetings: list[MeetingFacts], year: int,
              today: dt.date) -> tuple[Tally, dict[int, Tally]]:
    """The tallies of ``evaluate_org`` (overall and by the month a period ends) without building
    the results: the same outcomes, from the meetings' marks."""
    ids = {org.id, *org.predecessors}
    months = new_months()
    tally = tally_marks(org, tally_plan(rules, year, today),
                        marks_by_type((m for m in meetings if m.org_id in ids), year), months)
    return tally, {month: month_tally(row) for month, row in enumerate(months) if row is not None}


class PlannedRule(NamedTuple):
    """What ``tally_marks`` needs of a rule in a year, worked out once for all the organisations
    sharing the rule: the quota, the quorum bit, the period of each month, and for each period
    the month it ends with whether it is still open."""

    rule: Rule
    need: int
    bit: int
    index: tuple[int, ...]
    ends: tuple[tuple[int, bool], ...]
    periods: tuple[Slot, ...]


def tally_plan(rules: list[Rule], year: int, today: dt.date) -> tuple[PlannedRule, ...]:
    return tuple(PlannedRule(rule, rule.min_count, quorum_bit(rule), _SLOT_INDEX[rule.period],
                             tuple((slot.end.month, slot.end >= today) for slot in _slots(year, rule.period)),
                             _slots(year, rule.period)) for rule in rules)


def new_months() -> list[list[int] | None]:
    """Month (1–12) → counts [met, missing, quorum not met, not yet due], for ``tally_marks`` to add into."""
    return [None] * 13


_COLUMN = {MET: 0, MISSING: 1, QUORUM: 2, NOT_DUE: 3}


def tally_marks(org: OrgFacts, plan: tuple[PlannedRule, ...], marks: dict[str, list[int]],
                months: list[list[int] | None]) -> Tally:
    """One organisation's tally from the marks of its meetings by type (``marks_by_type``) under
    its rules (``tally_plan``); the counts of the periods ending in each month are added into
    ``months`` (``new_months``), which may gather a whole subtree. Plain lists and loops: this runs
    for every organisation of a city."""
    sums = [0, 0, 0, 0]
    whole_year = None
    for rule, need, bit, index, ends, periods in plan:
        if not applies(org, rule)[0]:
            continue
        held = [0] * len(ends)
        valid = [0] * len(ends) if bit else held
        for value in marks.get(rule.meeting_type, ()):
            slot = index[value >> MONTH_SHIFT]
            held[slot] += 1
            if value & bit:
                valid[slot] += 1
        if whole_year is None:
            whole_year = existed_all_year(org, periods[0].start.year)
        for i, (month, still_open) in enumerate(ends):
            counts = months[month]
            if counts is None:
                counts = months[month] = [0, 0, 0, 0]
            if whole_year or owed_in(org, periods[i])[0]:
                column = _COLUMN[period_outcome(held[i], valid[i], need, still_open)]
                counts[column] += 1
                sums[column] += 1
    return month_tally(sums)


def month_tally(counts: list[int]) -> Tally:
    """A Tally from the counts [met, missing, quorum not met, not yet due] of ``tally_marks``."""
    met, missing, quorum_not_met, not_due = counts
    return Tally(met, met + missing + quorum_not_met, missing, quorum_not_met, not_due)


def explain(slot: Slot, why: tuple) -> str:
    """The reason of a result, worded from what ``evaluate_rule`` kept."""
    outcome, label, need, valid, held, failed = why
    if outcome == MET:
        dates = "、".join(f"{m.held_on:%m-%d}" for m in valid)
        return f"{slot.label}已召开{label} {len(valid)} 次（{dates}），要求至少 {need} 次"
    if outcome == NOT_DUE:
        return f"{slot.label}应召开{label}至少 {need} 次，目前 {len(valid)} 次，截止 {slot.end:%Y-%m-%d}"
    if outcome == QUORUM:
        return f"{slot.label}召开{label} {len(held)} 次，但有效次数不足：{'；'.join(failed)}"
    return f"{slot.label}应召开{label}至少 {need} 次，仅有 {len(valid)} 次有效记录"


def evaluate_org(org: OrgFacts, rules: list[Rule], meetings: list[MeetingFacts], year: int, today: dt.date,
                 custom_names: dict[str, str] | None = None) -> list[Result]:
    """All rules for one organisation. ``meetings`` may contain other organisations' meetings: only
    its own and those of organisations merged into it count."""
    ids = {org.id, *org.predecessors}
    own = [m for m in meetings if m.org_id in ids]
    results = []
    for rule in rules:
        results.extend(evaluate_rule(org, rule, own, year, today, custom_names))
    return results


# -- summaries ----------------------------------------------------------------------------------

@dataclass
class Tally:
    met: int = 0
    owed: int = 0
    missing: int = 0
    quorum: int = 0
    not_due: int = 0

    def add(self, result: Result) -> None:
        self.add_outcome(result.outcome)

    def add_outcome(self, outcome: str) -> None:
        if outcome == MET:
            self.met += 1
            self.owed += 1
        elif outcome == MISSING:
            self.missing += 1
            self.owed += 1
        elif outcome == QUORUM:
            self.quorum += 1
            self.owed += 1
        elif outcome == NOT_DUE:
            self.not_due += 1

    def merge(self, other: Tally) -> None:
        self.met += other.met
        self.owed += other.owed
        self.missing += other.missing
        self.quorum += other.quorum
        self.not_due += other.not_due

    @property
    def rate(self) -> float | None:
        return None if not self.owed else self.met / self.owed

    @property
    def percent(self) -> str:
        return "—" if self.rate is None else f"{self.rate * 100:.0f}%"


def roll_up(tallies: dict[str, Tally]) -> dict[str, Tally]:
    """Tallies per organisation path → tallies per subtree (each adds to every ancestor). Bottom-up,
    deepest paths first, so each subtree's total is added once to its parent's."""
    totals: dict[str, Tally] = {}
    for path, tally in tallies.items():
        totals[path] = Tally(tally.met, tally.owed, tally.missing, tally.quorum, tally.not_due)
    levels: dict[int, list[str]] = {}
    for path in totals:
        levels.setdefault(len(path), []).append(path)
    for length in range(max(levels, default=0), PATH_STEP, -PATH_STEP):
        for path in levels.get(length, ()):
            parent = path[:-PATH_STEP]
            if parent in totals:
                totals[parent].merge(totals[path])
            else:  # an organisation without rules of its own (a committee above): still a subtree
                totals[parent] = Tally(*astuple_of(totals[path]))
                levels.setdefault(length - PATH_STEP, []).append(parent)
    return totals


def astuple_of(tally: Tally) -> tuple[int, int, int, int, int]:
    return tally.met, tally.owed, tally.missing, tally.quorum, tally.not_due


def month_of(result: Result) -> int:
    """The month of the matrix a result belongs to: the month its period ends."""
    return result.slot.end.month


def worst(outcomes: Iterable[str]) -> str | None:
    order = [Outcome.MISSING, Outcome.QUORUM, Outcome.NOT_DUE, Outcome.MET, Outcome.NOT_APPLICABLE]
    present = set(outcomes)
    for outcome in order:
        if outcome in present:
            return outcome
    return None


@dataclass(frozen=True)
class Silence:
    silent: bool
    reason: str


def silence(last_held: dt.date | None, today: dt.date, founded_on: dt.date | None = None,
            days: int = 30) -> Silence:
    """静默支部: no recorded activity for ``days`` days."""
    if last_held is not None:
        idle = (today - last_held).days
        if idle > days:
            return Silence(True, f"最近一次组织生活在 {last_held:%Y-%m-%d}，已 {idle} 天没有记录")
        return Silence(False, f"最近一次组织生活在 {last_held:%Y-%m-%d}")
    if founded_on and (today - founded_on).days <= days:
        return Silence(False, f"{founded_on:%Y-%m-%d} 成立，尚不足 {days} 天")
    return Silence(True, "近一年没有任何组织生活记录")


@dataclass(frozen=True)
class Due:
    org_id: int
    meeting_type: str
    deadline: dt.date
    reason: str
    late: bool = False


def due_items(results: Iterable[Result], today: dt.date, horizon_days: int = 45) -> list[Due]:
    """What falls due next (open periods ending within the horizon) and what is late this year."""
    items = []
    for r in results:
        if r.outcome == Outcome.NOT_DUE and (r.slot.end - today).days <= horizon_days:
            items.append(Due(r.org_id, r.meeting_type, r.slot.end, r.reason))
        elif r.outcome in (Outcome.MISSING, Outcome.QUORUM):
            items.append(Due(r.org_id, r.meeting_type, r.slot.end, r.reason, late=True))
    return sorted(items, key=lambda d: (not d.late, d.deadline, d.org_id))


@dataclass
class OrgSummary:
    org: OrgFacts
    tally: Tally = field(default_factory=Tally)
    by_month: dict[int, list[Result]] = field(default_factory=dict)


def tally_of(results: Iterable[Result]) -> Tally:
    tally = Tally()
    for r in results:
        tally.add(r)
    return tally


def count_outcomes(results: Iterable[Result]) -> Counter:
    return Counter(r.outcome for r in results)


# The hours a meeting is usually held; a new meeting's start defaults into them.
WORKING_HOURS = range(8, 21)
DEFAULT_START_HOUR = 9


def default_start(now: dt.datetime) -> dt.datetime:
    """The start time a new meeting's form offers: the current full hour during the day; at night
    (when the page was opened after hours, or just after midnight) 09:00 of the same day, not 00:00."""
    start = now.replace(minute=0, second=0, microsecond=0)
    return start if start.hour in WORKING_HOURS else start.replace(hour=DEFAULT_START_HOUR)


def years_to_rescan(today: dt.date) -> list[int]:
    """The years the nightly rescan covers: this year, and last year too during January, while
    late records of December still come in."""
    return [today.year - 1, today.year] if today.month == 1 else [today.year]
