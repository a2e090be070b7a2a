"""Reads of 党费, always from ``restrict`` (``readable`` for the system's own reads). Reconciliation is
set-based: a fixed number of queries for a whole subtree, the members tallied per organisation by the
database (each base a run of months), only members with a reduction in the year by the pure rules in
Python (docs/dues.md「对账与欠交」)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value, Window
from django.db.models.functions import Cast, Coalesce, ExtractMonth, ExtractYear, Greatest, Lead, Least
from django.utils import timezone

from dangjian.core.actors import SYSTEM
from dangjian.core.scoping import VIEW, readable
from dangjian.core.tree import ancestors_and_self
from dangjian.members.choices import PartyStatus
from dangjian.members.models import Member
from dangjian.orgs.models import Organization

from . import rules
from .choices import PaymentKind
from .models import DuesArrangement, DuesBase, DuesPayment, DuesRelief

ZERO = rules.ZERO


def payments_for(user, action: str = VIEW) -> QuerySet[DuesPayment]:
    return readable(DuesPayment.objects, user, action)


def bases_for(user, action: str = VIEW) -> QuerySet[DuesBase]:
    return readable(DuesBase.objects, user, action)


def reliefs_for(user, action: str = VIEW) -> QuerySet[DuesRelief]:
    return DuesRelief.objects.restrict(user, action)


def arrangements_for(user, action: str = VIEW) -> QuerySet[DuesArrangement]:
    return DuesArrangement.objects.restrict(user, action)


def active_members(user, path: str, action: str = VIEW) -> QuerySet[Member]:
    """Members who owe dues: 党籍 normal, in the subtree of ``path``. ``SYSTEM`` (the daily 待办
    scan) reads every organisation."""
    return readable(Member.objects, user, action).filter(org__path__startswith=path, status=PartyStatus.NORMAL)


# -- facts for the rules --------------------------------------------------------------------------


def base_facts(member_filter: Q) -> dict[int, list[rules.BaseFact]]:
    out: dict[int, list[rules.BaseFact]] = defaultdict(list)
    rows = (DuesBase.objects.filter(member_filter).order_by()
            .values_list("member_id", "effective_from", "monthly_amount"))
    for member_id, start, amount in rows:
        out[member_id].append(rules.BaseFact(start, amount))
    return out


def relief_facts(member_filter: Q) -> dict[int, list[rules.ReliefFact]]:
    out: dict[int, list[rules.ReliefFact]] = defaultdict(list)
    rows = (DuesRelief.objects.filter(member_filter).order_by()
            .values_list("member_id", "kind", "from_month", "until_month", "monthly_amount"))
    for member_id, kind, start, until, amount in rows:
        out[member_id].append(rules.ReliefFact(kind, start, until, amount))
    return out


def expected_for(member: Member, month: dt.date) -> Decimal | None:
    """What ``member`` owes for ``month`` (None: nothing due)."""
    q = Q(member_id=member.pk)
    return rules.expected_amount(month, joined_on=member.joined_on, bases=base_facts(q).get(member.pk, []),
                                 reliefs=relief_facts(q).get(member.pk, []))


def expected_in(members, month: dt.date) -> dict[int, Decimal | None]:
    """What each of ``members`` owes for ``month`` (None: nothing due): two queries for any number."""
    q = Q(member_id__in=[m.pk for m in members])
    bases, reliefs = base_facts(q & Q(effective_from__lte=month)), relief_facts(q & Q(from_month__lte=month))
    return {m.pk: rules.expected_amount(month, joined_on=m.joined_on, bases=bases.get(m.pk, []),
                                        reliefs=reliefs.get(m.pk, [])) for m in members}


def _consents(member_filter: Q, on: dt.date) -> QuerySet[DuesArrangement]:
    return (DuesArrangement.objects.filter(member_filter, consented_on__lte=on)
            .filter(Q(until__isnull=True) | Q(until__gte=on)))


def consent_for(member: Member, kind: str, on: dt.date) -> DuesArrangement | None:
    return _consents(Q(member=member, kind=kind), on).order_by("-consented_on").first()


def consented(member_ids, on: dt.date) -> set[tuple[int, str]]:
    """(member, kind) of the consents in force on ``on`` for any of ``member_ids``: one query."""
    return set(_consents(Q(member_id__in=list(member_ids)), on).values_list("member_id", "kind").distinct())


# -- one branch, member by member ----------------------------------------------------------------


@dataclass
class MemberLine:
    member: Member
    expected: dict[dt.date, Decimal] = field(default_factory=dict)  # month → amount due (due months only)
    payments: dict[dt.date, DuesPayment] = field(default_factory=dict)  # regular payments by month
    voluntary: list = field(default_factory=list)
    run: list = field(default_factory=list)  # the current run of unpaid months
    owed: list = field(default_factory=list)  # every unpaid month of the last twelve that are over

    @property
    def expected_total(self) -> Decimal:
        return sum(self.expected.values(), ZERO)

    @property
    def paid_total(self) -> Decimal:
        return sum((p.amount for p in self.payments.values()), ZERO)

    @property
    def unpaid_months(self) -> list[dt.date]:
        return [m for m, amount in self.expected.items() if amount > 0 and m not in self.payments]

    @property
    def flagged(self) -> bool:
        return rules.flags_lapse(self.run)


def member_lines(user, org: Organization, months: list[dt.date], *, today: dt.date | None = None,
                 subtree: bool = False) -> list[MemberLine]:
    """The members of ``org`` (only its own, or its whole subtree) with what they owe and paid in
    ``months``, and the current run of unpaid months looking back 12 months from ``today``. Four
    queries whatever the number of members."""
    today = today or timezone.localdate()
    current = rules.month_start(today)
    window = sorted(set(months) | {rules.add_months(current, -n) for n in range(1, 13)})
    members_qs = active_members(user, org.path).select_related("org")
    if not subtree:
        members_qs = members_qs.filter(org=org)
    members = list(members_qs.order_by("org__path", "name", "id"))
    ids = [m.pk for m in members]
    q = Q(member_id__in=ids)
    bases, reliefs = base_facts(q), relief_facts(q)
    lines = {m.pk: MemberLine(m) for m in members}
    due_window: dict[int, list[dt.date]] = defaultdict(list)
    for member in members:
        line = lines[member.pk]
        for month in window:
            amount = rules.expected_amount(month, joined_on=member.joined_on, bases=bases.get(member.pk, []),
                                           reliefs=reliefs.get(member.pk, []))
            if amount is None:
                continue
            if amount > 0:
                due_window[member.pk].append(month)
            if month in months:
                line.expected[month] = amount
    paid_window: dict[int, set] = defaultdict(set)
    for payment in DuesPayment.objects.filter(q, month__gte=window[0], month__lte=window[-1]).order_by("month"):
        line = lines[payment.member_id]
        if payment.kind == PaymentKind.VOLUNTARY:
            if payment.month in months:
                line.voluntary.append(payment)
            continue
        paid_window[payment.member_id].add(payment.month)
        if payment.month in months:
            line.payments[payment.month] = payment
    for member_id, line in lines.items():
        line.run = rules.unpaid_run(due_window[member_id], paid_window[member_id], before=current)
        line.owed = [m for m in due_window[member_id] if m < current and m not in paid_window[member_id]
                     and m >= rules.add_months(current, -12)]
    return list(lines.values())


# -- a subtree, organisation by organisation --------------------------------------------------------


@dataclass
class OrgRow:
    org_id: int
    name: str
    path: str
    level: int
    kind: str = ""
    members: int = 0  # members with something due this year
    no_base: int = 0  # active members without a recorded base
    expected: Decimal = ZERO
    paid: Decimal = ZERO
    due_months: int = 0  # member-months due so far (months that are over)
    paid_months: int = 0  # of which paid
    behind: int = 0  # members with an unpaid month so far
    voluntary: Decimal = ZERO
    to_centre: Decimal = ZERO

    @property
    def rate(self) -> float | None:
        return rules.rate_percent(self.paid_months, self.due_months)

    @property
    def unpaid_months(self) -> int:
        return self.due_months - self.paid_months

    @property
    def handed_up(self) -> Decimal:
        return self.paid + self.voluntary


def _month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


@dataclass
class _Tally:
    """One organisation's own members (not its subtree), before rolling up."""

    members: int = 0
    no_base: int = 0
    expected: Decimal = ZERO
    due_months: int = 0
    paid_months: int = 0
    behind: int = 0

    def add(self, other: _Tally) -> None:
        self.members += other.members
        self.no_base += other.no_base
        self.expected += other.expected
        self.due_months += other.due_months
        self.paid_months += other.paid_months
        self.behind += other.behind


def _month_index_sql(field: str):
    """year × 12 + month − 1 of a date column, as the database computes it (both databases)."""
    return Cast(ExtractYear(field), IntegerField()) * 12 + Cast(ExtractMonth(field), IntegerField()) - 1


def _sql(qs: QuerySet) -> tuple[str, tuple]:
    sql, params = qs.query.sql_with_params()
    return sql, tuple(params)


def _fetch(sql: str, params) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _money_of(value) -> Decimal:
    """A sum from the database: Decimal on PostgreSQL, int or float on SQLite (NUMERIC affinity)."""
    return rules.to_fen(Decimal(str(value))) if value is not None else ZERO


# The members without a reduction or exemption in the year, tallied per organisation by the database:
# each base is a run of months from its start (not before admission, not before January) to the next
# base's start (or December); the amount times the run's months is the expected sum, its months
# before ``cutoff`` are the months due when the amount is above zero. Then per member the paid
# months (at most the due ones), and per organisation the sums. The same arithmetic as
# ``rules.expected_amount`` month by month (tests/test_reconcile.py compares the two after every kind of write).
_TALLY_SQL = """
SELECT m.path,
       SUM(CASE WHEN b.member_id IS NULL THEN 1 ELSE 0 END),
       SUM(CASE WHEN b.months > 0 THEN 1 ELSE 0 END),
       SUM(CASE WHEN b.months > 0 THEN b.expected ELSE 0 END),
       SUM(CASE WHEN b.months > 0 THEN b.due ELSE 0 END),
       SUM(CASE WHEN b.months > 0 THEN (CASE WHEN COALESCE(p.n, 0) < b.due THEN COALESCE(p.n, 0) ELSE b.due END)
           ELSE 0 END),
       SUM(CASE WHEN b.months > 0 AND COALESCE(p.n, 0) < b.due THEN 1 ELSE 0 END)
FROM ({members}) m
LEFT JOIN (
    SELECT r.member_id,
           SUM(CASE WHEN r.run_end > r.run_start THEN r.run_end - r.run_start ELSE 0 END) AS months,
           SUM(CASE WHEN r.run_end > r.run_start THEN r.amount * (r.run_end - r.run_start) ELSE 0 END) AS expected,
           SUM(CASE WHEN r.amount > 0 AND r.run_end > r.run_start AND r.run_start < %s
                    THEN (CASE WHEN r.run_end < %s THEN r.run_end ELSE %s END) - r.run_start ELSE 0 END) AS due
    FROM ({runs}) r GROUP BY r.member_id
) b ON b.member_id = m.mid
LEFT JOIN ({paid}) p ON p.member_id = m.mid
GROUP BY m.path
"""


def _member_year(joined_on, member_bases, member_reliefs, months, cutoff) -> tuple[Decimal, int, bool]:
    """(expected in the year, months due so far, anything due at all), month by month by the rules:
    for the few members with a reduction or exemption in the year."""
    expected, due, any_due = ZERO, 0, False
    for month in months:
        amount = rules.expected_amount(month, joined_on=joined_on, bases=member_bases, reliefs=member_reliefs)
        if amount is None:
            continue
        any_due = True
        expected += amount
        due += _month_index(month) < cutoff and amount > 0
    return expected, due, any_due


def _tallies(user, root: Organization, months: list[dt.date], today: dt.date) -> dict[str, _Tally]:
    """Each organisation's own members tallied for the year: four queries whatever the subtree's
    size. Members without a reduction in the year — nearly all — are tallied by the database
    (``_TALLY_SQL``); the few with one are read with their bases and reductions and go through the
    rules month by month."""
    first, end, cutoff = _month_index(months[0]), _month_index(months[0]) + 12, _month_index(today)
    in_tree = Q(member__org__path__startswith=root.path, member__status=PartyStatus.NORMAL)
    relieved = (DuesRelief.objects.filter(in_tree, from_month__lte=months[-1])
                .filter(Q(until_month__isnull=True) | Q(until_month__gte=months[0])).values("member_id"))
    members = active_members(user, root.path).order_by()
    paid = (payments_for(user).filter(org__path__startswith=root.path, kind=PaymentKind.REGULAR,
                                      month__gte=months[0], month__lte=months[-1], month__lt=rules.month_start(today))
            .order_by().values("member_id").annotate(n=Count("pk")))
    bases = bases_for(user).filter(in_tree, effective_from__lte=months[-1]).order_by()
    runs = bases.exclude(member_id__in=relieved).values(
        "member_id", amount=F("monthly_amount"),
        run_start=Greatest(_month_index_sql("effective_from"), _month_index_sql("member__joined_on"), Value(first)),
        run_end=Least(Coalesce(Window(Lead(_month_index_sql("effective_from")), partition_by=[F("member_id")],
                                      order_by=F("effective_from").asc()), Value(end)), Value(end)))
    parts = {"members": _sql(members.exclude(pk__in=relieved).values(mid=F("pk"), path=F("org__path"))),
             "runs": _sql(runs), "paid": _sql(paid.values("member_id", "n"))}
    sql = _TALLY_SQL.format(**{name: text for name, (text, _) in parts.items()})
    params = (*parts["members"][1], cutoff, cutoff, cutoff, *parts["runs"][1], *parts["paid"][1])
    tallies: dict[str, _Tally] = defaultdict(_Tally)
    for path, no_base, counted, expected, due, paid_months, behind in _fetch(sql, params):
        tallies[path].add(_Tally(int(counted or 0), int(no_base or 0), _money_of(expected), int(due or 0),
                                 int(paid_months or 0), int(behind or 0)))
    # the members with a reduction or exemption: by the rules, month by month
    paid_n = Subquery(paid.filter(member_id=OuterRef("pk")).values("n"))
    few = list(members.filter(pk__in=relieved).annotate(n=paid_n).values_list("id", "org__path", "joined_on", "n"))
    facts = Q(member_id__in=relieved.values("member_id"))
    few_bases = base_facts(facts & Q(effective_from__lte=months[-1]) & Q(pk__in=bases.values("pk")))
    few_reliefs = relief_facts(facts & Q(from_month__lte=months[-1]))
    for member_id, path, joined_on, paid_count in few:
        tally = tallies[path]
        member_bases = few_bases.get(member_id)
        if not member_bases:
            tally.no_base += 1
            continue
        expected, due, any_due = _member_year(joined_on, member_bases, few_reliefs.get(member_id, ()), months, cutoff)
        if not any_due:
            continue
        paid_months = min(paid_count or 0, due)
        tally.add(_Tally(1, 0, expected, due, paid_months, int(paid_months < due)))
    return tallies


def reconcile(user, root: Organization, year: int, *, depth: int = 1, today: dt.date | None = None) -> list[OrgRow]:
    """Expected vs paid for ``root`` and the organisations ``depth`` levels below it, each counting its
    whole subtree, for ``year`` (months that are over count as due; the current month is shown but
    not yet owed). Six queries whatever the size of the tree (and the user's positions, read once):
    organisations, the members' tallies (``_tallies``: four), amounts per receiving organisation."""
    today = today or timezone.localdate()
    months = rules.year_months(year)
    orgs = (readable(Organization.objects, user).filter(path__startswith=root.path, depth__lte=root.depth + depth)
            .order_by("path").values_list("id", "name", "short_name", "path", "depth", "kind"))
    rows = {path: OrgRow(pk, short or name, path, d - root.depth, kind) for pk, name, short, path, d, kind in orgs}

    def targets(path: str):
        return [rows[p] for p in ancestors_and_self(path, from_length=len(root.path)) if p in rows]

    for path, tally in _tallies(user, root, months, today).items():
        for row in targets(path):
            row.members += tally.members
            row.no_base += tally.no_base
            row.expected += tally.expected
            row.due_months += tally.due_months
            row.paid_months += tally.paid_months
            row.behind += tally.behind
    centre = Sum("amount", filter=Q(kind=PaymentKind.VOLUNTARY, amount__gte=rules.CURRENT.to_centre_from))
    grouped = (payments_for(user).filter(org__path__startswith=root.path, month__gte=months[0], month__lte=months[-1])
               .order_by().values("org__path", "kind").annotate(total=Sum("amount"), centre=centre)
               .values_list("org__path", "kind", "total", "centre"))
    for path, kind, total, to_centre in grouped:
        for row in targets(path):
            if kind == PaymentKind.VOLUNTARY:
                row.voluntary += total
                row.to_centre += to_centre or ZERO
            else:
                row.paid += total
    return list(rows.values())


def arrears(user, org: Organization, *, today: dt.date | None = None) -> list[MemberLine]:
    """Members of ``org``'s subtree with unpaid months in the last twelve, the longest current run
    of unpaid months first."""
    current = rules.month_start(today or timezone.localdate())
    lines = member_lines(user, org, [rules.add_months(current, -1)], today=today, subtree=True)
    behind = [line for line in lines if line.owed]
    behind.sort(key=lambda line: (-len(line.run), -len(line.owed), line.member.org.path, line.member.name))
    return behind


def member_history(member: Member) -> list[DuesPayment]:
    """A member's own payments, newest first (for 我的信息: no base, only what they paid)."""
    return list(DuesPayment.objects.filter(member=member).select_related("org").order_by("-month", "-id"))


def lapse_candidates(today: dt.date, org_ids=None) -> dict[int, list[MemberLine]]:
    """For the daily 待办 scan: per branch, members whose current run of unpaid months reaches the
    limit. Whole database, system reading; a fixed number of queries per branch with arrears."""
    current = rules.month_start(today)
    window_start = rules.add_months(current, -rules.CURRENT.arrears_months)
    # members with a base and nothing paid in the last six months: the only ones that can be flagged.
    # NOT EXISTS (an anti-join), not NOT IN: a city's 700,000 recent payments do not fit a hashed
    # NOT IN, and PostgreSQL then rescans them for every member (it ran for many minutes)
    paid_recently = DuesPayment.objects.filter(member_id=OuterRef("pk"), kind=PaymentKind.REGULAR,
                                               month__gte=window_start, month__lt=current)
    has_base = DuesBase.objects.filter(member_id=OuterRef("pk"))
    candidates = (Member.objects.filter(Exists(has_base), ~Exists(paid_recently), status=PartyStatus.NORMAL)
                  .order_by().values_list("org_id", flat=True).distinct())
    if org_ids is not None:
        candidates = candidates.filter(org_id__in=list(org_ids))
    out: dict[int, list[MemberLine]] = {}
    for org in Organization.objects.filter(pk__in=list(candidates)):
        flagged = [line for line in member_lines(SYSTEM, org, [], today=today) if line.flagged]
        if flagged:
            out[org.pk] = flagged
    return out
