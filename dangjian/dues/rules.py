"""党费 rules: pure functions over plain data (no database).

The rates are data, versioned, each version with its source; ``rule_set_for(month)`` picks the one
in force for a month. Version "2008" is 中共中央组织部《关于中国共产党党费收缴、使用和管理的规定》
(中组发〔2008〕3号), part 一「党费的收缴」: the monthly amount is one rate applied to the whole
base (not a progressive tax), docs/dues.md explains each number.

Money is ``Decimal`` throughout. An amount is rounded to the fen with ROUND_HALF_UP — the rounding
people do by hand and the one cashiers' tables use (0.005 元 → 0.01 元), not banker's rounding,
so the amount a branch secretary computes on paper is the amount the platform expects.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from .choices import DuesCategory, PaymentKind, ReliefKind

FEN = Decimal("0.01")
ZERO = Decimal("0.00")


def to_fen(value: Decimal) -> Decimal:
    return Decimal(value).quantize(FEN, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class RuleSet:
    """One version of the rates. ``salaried``/``retired`` are brackets (upper bound inclusive, None =
    no bound, rate): the first bracket whose bound the base does not exceed gives the rate for the
    whole base."""

    version: str
    source: str
    in_force_from: dt.date
    salaried: tuple[tuple[Decimal | None, Decimal], ...]
    retired: tuple[tuple[Decimal | None, Decimal], ...]
    farmer_min: Decimal
    farmer_max: Decimal
    minimal: Decimal  # students, the unemployed, relief and 低保 recipients
    back_pay_months: int = 6  # 补交一般不超过 6 个月
    arrears_months: int = 6  # 连续 6 个月不交纳 → 党章第九条（自行脱党）提示
    to_centre_from: Decimal = Decimal("1000")  # 一次性交纳 1,000 元以上的党费全部上缴中央
    notes: dict = field(default_factory=dict)


RULES_2008 = RuleSet(
    version="2008",
    source="中共中央组织部《关于中国共产党党费收缴、使用和管理的规定》（中组发〔2008〕3号）",
    in_force_from=dt.date(2008, 1, 1),
    salaried=((Decimal("3000"), Decimal("0.005")), (Decimal("5000"), Decimal("0.01")),
              (Decimal("10000"), Decimal("0.015")), (None, Decimal("0.02"))),
    retired=((Decimal("5000"), Decimal("0.005")), (None, Decimal("0.01"))),
    farmer_min=Decimal("0.20"), farmer_max=Decimal("1.00"), minimal=Decimal("0.20"),
)
RULE_SETS: tuple[RuleSet, ...] = (RULES_2008,)
CURRENT = RULES_2008

BRACKET_CATEGORIES = {DuesCategory.SALARIED, DuesCategory.SELF_EMPLOYED}
MINIMAL_CATEGORIES = {DuesCategory.STUDENT, DuesCategory.UNEMPLOYED, DuesCategory.RELIEF}


def rule_set_for(month: dt.date) -> RuleSet:
    """The version in force for ``month`` (the latest that started on or before it)."""
    chosen = RULE_SETS[0]
    for rules in RULE_SETS:
        if rules.in_force_from <= month:
            chosen = rules
    return chosen


# -- months ------------------------------------------------------------------------------------


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def months_between(earlier: dt.date, later: dt.date) -> int:
    """Whole calendar months from ``earlier``'s month to ``later``'s (same month → 0)."""
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def year_months(year: int) -> list[dt.date]:
    return [dt.date(year, m, 1) for m in range(1, 13)]


def parse_month(text: str) -> dt.date | None:
    """'2026-03' or '2026-3' → 2026-03-01; None when it is not a month."""
    try:
        year, month = (int(p) for p in str(text).strip().split("-")[:2])
        return dt.date(year, month, 1)
    except (TypeError, ValueError):
        return None


# -- the monthly amount ------------------------------------------------------------------------


@dataclass(frozen=True)
class Assessment:
    amount: Decimal
    rate: Decimal | None  # None for the fixed amounts
    reason: str
    version: str


def _bracket(brackets, base: Decimal) -> tuple[Decimal, str]:
    lower = ZERO
    for bound, rate in brackets:
        if bound is None or base <= bound:
            span = f"{lower:,.0f} 元以上" if bound is None else (
                f"{bound:,.0f} 元以下（含）" if lower == ZERO else f"{lower:,.0f}–{bound:,.0f} 元（含）")
            return rate, span
        lower = bound
    raise AssertionError("the last bracket has no bound")


CATEGORIES = frozenset(DuesCategory.values)  # the enum builds its list on every access: 10 % of a large import


def base_errors(category: str, base: Decimal | None, rules: RuleSet = CURRENT) -> list[str]:
    """Why a base cannot be used (empty when it can)."""
    if category not in CATEGORIES:
        return ["人员类别不是可选值"]
    if category in MINIMAL_CATEGORIES:
        return []
    if base is None:
        return ["请填写基数" if category != DuesCategory.FARMER else "请填写每月交纳金额（0.2–1 元）"]
    if base < 0:
        return ["基数不能为负数"]
    if base != base.quantize(FEN):
        return ["金额最多两位小数（到分）"]
    if category == DuesCategory.FARMER and not rules.farmer_min <= base <= rules.farmer_max:
        return [f"农民党员每月交纳 {rules.farmer_min}–{rules.farmer_max} 元，现为 {base} 元"]
    if base > Decimal("10000000"):
        return ["基数超出合理范围"]
    return []


def monthly_amount(category: str, base: Decimal | None, rules: RuleSet = CURRENT) -> Assessment:
    """The amount due for one month. For salaried and self-employed members and retirees, one rate
    on the whole base; farmers pay the amount chosen within 0.2–1 元 (held as their ``base``);
    students, the unemployed and relief recipients 0.2 元."""
    errors = base_errors(category, base, rules)
    if errors:
        raise ValueError(errors[0])
    if category in MINIMAL_CATEGORIES:
        return Assessment(rules.minimal, None, f"{DuesCategory(category).label}每月 {rules.minimal} 元", rules.version)
    if category == DuesCategory.FARMER:
        return Assessment(to_fen(base), None, f"农民党员每月 {to_fen(base)} 元（0.2–1 元）", rules.version)
    brackets = rules.retired if category == DuesCategory.RETIRED else rules.salaried
    rate, span = _bracket(brackets, base)
    what = "离退休费" if category == DuesCategory.RETIRED else "月收入"
    percent = f"{rate * 100:.1f}".rstrip("0").rstrip(".")
    return Assessment(to_fen(base * rate), rate, f"{what} {span}，按 {percent}% 交纳", rules.version)


# -- which months are due, and how much ---------------------------------------------------------


def first_due_month(joined_on: dt.date) -> dt.date:
    """预备党员 pay from the month they are admitted (批准之日起), a whole month even when admitted
    on its last day."""
    return month_start(joined_on)


@dataclass(frozen=True)
class BaseFact:
    effective_from: dt.date  # first of a month
    amount: Decimal  # the monthly amount computed when the base was recorded


@dataclass(frozen=True)
class ReliefFact:
    kind: str
    from_month: dt.date
    until_month: dt.date | None
    amount: Decimal = ZERO  # the reduced monthly amount (REDUCE)


def amount_in_effect(bases: Sequence[BaseFact], month: dt.date) -> Decimal | None:
    """The amount of the latest base that applies from ``month`` or earlier; None before the first."""
    chosen = None
    for base in bases:
        if base.effective_from <= month and (chosen is None or base.effective_from >= chosen.effective_from):
            chosen = base
    return chosen.amount if chosen else None


def relief_in_effect(reliefs: Iterable[ReliefFact], month: dt.date) -> ReliefFact | None:
    for relief in reliefs:
        if relief.from_month <= month and (relief.until_month is None or month <= relief.until_month):
            return relief
    return None


def expected_amount(month: dt.date, *, joined_on: dt.date, bases: Sequence[BaseFact],
                    reliefs: Sequence[ReliefFact] = ()) -> Decimal | None:
    """What a member owes for ``month``: None when nothing is due (before admission, no base yet);
    an approved reduction or exemption replaces the computed amount."""
    if month < first_due_month(joined_on):
        return None
    amount = amount_in_effect(bases, month)
    if amount is None:
        return None
    relief = relief_in_effect(reliefs, month)
    if relief is not None:
        return ZERO if relief.kind == ReliefKind.EXEMPT else min(relief.amount, amount)
    return amount


def unpaid_run(due_months: Sequence[dt.date], paid: set[dt.date], *, before: dt.date) -> list[dt.date]:
    """The months of the current run of unpaid dues: consecutive due months, ending at the last due
    month before ``before`` (a month is owed once it is over), none of them paid. A month with
    nothing due (exempt) ends the run: it is not unpaid without reason."""
    run: list[dt.date] = []
    for month in sorted((m for m in due_months if m < before), reverse=True):
        if month in paid:
            break
        run.append(month)
    # a gap in the due months (an exemption, before admission) ends the run too
    out: list[dt.date] = []
    for month in run:
        if out and months_between(month, out[-1]) != 1:
            break
        out.append(month)
    return sorted(out)


def flags_lapse(run: Sequence[dt.date], rules: RuleSet = CURRENT) -> bool:
    """6 consecutive months unpaid without reason: the branch is told (党章第九条, 自行脱党); the
    platform only flags it, never acts on it."""
    return len(run) >= rules.arrears_months


def is_late_back_payment(month: dt.date, paid_on: dt.date, rules: RuleSet = CURRENT) -> bool:
    """补交 normally no more than 6 months: paid more than 6 months after the month it is for."""
    return months_between(month, paid_on) > rules.back_pay_months


def goes_to_centre(kind: str, amount: Decimal, rules: RuleSet = CURRENT) -> bool:
    """A voluntary payment of 1,000 元 or more goes wholly to the centre."""
    return kind == PaymentKind.VOLUNTARY and amount >= rules.to_centre_from


def rate_percent(paid: int, due: int) -> float | None:
    return round(100 * paid / due, 1) if due else None
