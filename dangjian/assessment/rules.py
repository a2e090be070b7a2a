"""考核评价的规则：纯函数，输入普通数据，返回结果和理由；不访问数据库（docs/architecture.md「房间」）.

- computed indicators: ``COMPUTED_RULES`` maps each code of ``choices.Computed`` to a function over an
  organisation's ``Facts`` (gathered set-based by ``queries.gather_facts``) returning the measured value,
  the points out of the indicator's weight, and the reason in Chinese;
- grades: bands (名称, 下限) configurable per scheme, the 群众满意度 gate and the top-grade quota, which
  only warn;
- 后进/软弱涣散 candidates: each rule configurable, each reason worded;
- the flow's dates: 公示 of at least five working days (``core.workdays``), the 整顿 deadline.

Nothing here scores study time, page views, likes, shares, check-ins or photo uploads: the 2026 national
rules on government apps forbid those as assessment criteria, so no indicator code exists for them."""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from dangjian.core.registry import RATE
from dangjian.core.workdays import WEEKDAYS_ONLY, WorkCalendar, period_end

from .choices import (
    DEFAULT_RECTIFY_MONTHS,
    MAX_RECTIFY_MONTHS,
    PUBLICITY_WORKING_DAYS,
    BandPreset,
    Computed,
)

HUNDRED = Decimal(100)
CENT = Decimal("0.01")

BAND_PRESETS: dict[str, list[tuple[str, int]]] = {
    BandPreset.FOUR: [("好", 90), ("较好", 80), ("一般", 60), ("较差", 0)],
    BandPreset.STARS: [("五星", 90), ("四星", 80), ("三星", 70), ("二星", 60), ("一星", 0)],
}
DEFAULT_GATE_PERCENT = 90  # 群众满意度低于 90% 不得评为前两档
DEFAULT_GATE_BLOCKS = 2
DEFAULT_TOP_SHARE = 10  # 最高档一般不超过 10%，只提示
DEFAULT_BACKWARD = {"vacant_months": 3, "compliance_below": 60, "lowest_grade": True, "structure_warnings": True}
DEFAULT_DEDUCT = Decimal(2)  # points off per unit of a counted indicator

# (group, name, method, code, weight, deduct) — the default scheme a level above starts from.
DEFAULT_INDICATORS: list[tuple[str, str, str, str, int, int]] = [
    ("带头人", "书记空缺月数", "computed", Computed.SECRETARY_VACANT, 10, 3),
    ("工作制度", "组织生活落实率", "computed", Computed.ORGLIFE_RATE, 25, 0),
    ("工作制度", "组织生活人数不足", "computed", Computed.ORGLIFE_QUORUM, 5, 1),
    ("工作制度", "民主评议党员开展情况", "computed", Computed.REVIEW_HELD, 10, 0),
    ("工作业绩", "三单按期销号率", "computed", Computed.WORKLIST_ONTIME, 15, 0),
    ("工作业绩", "三单超期事项", "computed", Computed.WORKLIST_OVERDUE, 5, 1),
    ("组织设置", "组织设置预警", "computed", Computed.STRUCTURE_WARNINGS, 5, 2),
    ("党员管理", "失联党员", "computed", Computed.LOST_CONTACT, 5, 1),
    ("工作思路", "年度工作思路和阵地建设", "entered", "", 20, 0),
]


@dataclass
class Facts:
    """What the platform's records say about one organisation in one year."""

    owed: int = 0  # 组织生活：应完成的（类型×周期）
    met: int = 0
    quorum_short: int = 0  # 召开了但人数不足
    items_due: int = 0  # 三单：本年到期的事项
    items_on_time: int = 0  # 其中按期销号
    items_overdue: int = 0  # 未销号且已过期限
    warnings: int = 0  # 组织设置预警（书记空缺除外，它另有指标）
    vacant_since: dt.date | None = None  # 书记空缺起始（本届开始或成立日期；无从得知时为年初）
    vacant_months: int = 0  # 本年内书记空缺的整月数
    vacant_total: int = 0  # 至今空缺的整月数（后进提示用）
    lost_contact: int = 0
    reviews_held: int = 0  # 民主评议党员会议
    applies_orglife: bool = True
    extra: dict = field(default_factory=dict)  # code → what another app's registered indicator counted

    @property
    def compliance(self) -> float | None:
        return None if not self.owed else self.met / self.owed


@dataclass(frozen=True)
class IndicatorResult:
    value: Decimal | None  # what was measured (a rate in percent, or a count)
    points: Decimal
    reason: str


def _d(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def _rate(done: int, due: int, weight: Decimal, what: str, none_text: str) -> IndicatorResult:
    if not due:
        return IndicatorResult(None, _d(weight), none_text)
    percent = _d(Decimal(done) * HUNDRED / Decimal(due))
    return IndicatorResult(percent, _d(weight * done / due), f"{what} {done}/{due}，{percent}%")


def _count(count: int, weight: Decimal, deduct: Decimal, unit: str) -> IndicatorResult:
    """``unit`` starts with its measure word (项、条、名、次、个月): “每项扣 2.00 分”."""
    points = max(Decimal(0), weight - deduct * count)
    per = unit[:2] if unit.startswith("个月") else unit[0]
    reason = f"{count} {unit}" + (f"，每{per}扣 {_d(deduct)} 分" if count and deduct else "")
    return IndicatorResult(Decimal(count), _d(points), reason)


def orglife_rate(f: Facts, weight: Decimal, deduct: Decimal) -> IndicatorResult:
    return _rate(f.met, f.owed, weight, "组织生活已完成/应完成", "本年度尚无应完成的组织生活，按满分计")


def orglife_quorum(f: Facts, weight: Decimal, deduct: Decimal) -> IndicatorResult:
    return _count(f.quorum_short, weight, deduct, "次人数不足")


def worklist_ontime(f: Facts, weight: Decimal, deduct: Decimal) -> IndicatorResult:
    return _rate(f.items_on_time, f.items_due, weight, "按期销号/到期事项", "本年度没有到期的清单事项，按满分计")


def worklist_overdue(f: Facts, weight: Decimal, deduct: Decimal) -> IndicatorResult:
    return _count(f.items_overdue, weight, deduct, "项超期未销号")


def structure_warnings(f: Facts, weight: Decimal, deduct: Decimal) -> IndicatorResult:
    return _count(f.warnings, weight, deduct, "条组织设置预警")


def secretary_vacant(f: Facts, weight: Decimal, deduct: Decimal) -> IndicatorResult:
    result = _count(f.vacant_months, weight, deduct, "个月书记空缺")
    if f.vacant_since:
        result = IndicatorResult(result.value, result.points, f"{result.reason}（自 {f.vacant_since:%Y-%m-%d} 起）")
    return result


def lost_contact(f: Facts, weight: Decimal, deduct: Decimal) -> IndicatorResult:
    return _count(f.lost_contact, weight, deduct, "名失联党员未解决")


def review_held(f: Facts, weight: Decimal, deduct: Decimal) -> IndicatorResult:
    if f.reviews_held:
        return IndicatorResult(Decimal(f.reviews_held), _d(weight), f"已开展民主评议党员 {f.reviews_held} 次")
    return IndicatorResult(Decimal(0), Decimal("0.00"), "本年度未开展民主评议党员")


COMPUTED_RULES = {
    Computed.ORGLIFE_RATE: orglife_rate,
    Computed.ORGLIFE_QUORUM: orglife_quorum,
    Computed.WORKLIST_ONTIME: worklist_ontime,
    Computed.WORKLIST_OVERDUE: worklist_overdue,
    Computed.STRUCTURE_WARNINGS: structure_warnings,
    Computed.SECRETARY_VACANT: secretary_vacant,
    Computed.LOST_CONTACT: lost_contact,
    Computed.REVIEW_HELD: review_held,
}


def scored(kind: str, counted, weight: Decimal, deduct: Decimal, wording: str, none_text: str) -> IndicatorResult:
    """An indicator another app registered: ``counted`` is ``(done, due)`` for a RATE (points in
    proportion, full points when nothing is due) or a count for a COUNT (``deduct`` per unit)."""
    if kind == RATE:
        done, due = counted or (0, 0)
        return _rate(done, due, weight, wording, none_text)
    return _count(int(counted or 0), weight, deduct, wording)


def compute(code: str, facts: Facts, weight, deduct, registered=None) -> IndicatorResult:
    """A built-in rule, or ``registered`` (an object with ``kind``, ``wording``, ``none_text``: the
    entry another app registered) over what it counted, kept in ``facts.extra[code]``."""
    if code in COMPUTED_RULES:
        return COMPUTED_RULES[code](facts, Decimal(weight), Decimal(deduct))
    if registered is None:
        raise KeyError(code)
    return scored(registered.kind, facts.extra.get(code), Decimal(weight), Decimal(deduct), registered.wording,
                  registered.none_text)


# -- the scheme ---------------------------------------------------------------------------------

def weights_error(weights: Sequence) -> str | None:
    """Weights must be positive and add up to 100."""
    if not weights:
        return "考核方案至少要有一项指标"
    for number, weight in enumerate(weights, start=1):
        if Decimal(weight) <= 0:
            return f"第 {number} 项指标的权重应大于 0"
    total = sum(Decimal(w) for w in weights)
    if total != HUNDRED:
        return f"各项指标权重之和应为 100（现为 {_d(total).normalize():f}）"
    return None


def bands_error(bands: Sequence) -> str | None:
    """Bands: at least two, names unique and non-empty, lower bounds strictly falling, the last 0."""
    if len(bands) < 2:
        return "等次至少两档"
    names = [str(b[0]).strip() for b in bands]
    if any(not n for n in names) or len(set(names)) != len(names):
        return "等次名称不能为空或重复"
    bounds = [Decimal(b[1]) for b in bands]
    if any(a <= b for a, b in zip(bounds, bounds[1:], strict=False)) or bounds[0] > HUNDRED:
        return "各等次的分数下限应从高到低排列，且不超过 100"
    if bounds[-1] != 0:
        return "最低一档的分数下限应为 0"
    return None


def backward_error(config: Mapping) -> str | None:
    months = config.get("vacant_months")
    if months is not None and not 1 <= int(months) <= 24:
        return "书记空缺月数应在 1 至 24 之间，或不启用"
    below = config.get("compliance_below")
    if below is not None and not 1 <= int(below) <= 100:
        return "组织生活落实率下限应在 1 至 100 之间，或不启用"
    return None


# -- grades ------------------------------------------------------------------------------------

def satisfaction(satisfied: int, basic: int, unsatisfied: int) -> Decimal | None:
    """群众满意度 = (满意 + 基本满意) / 全部有效票, in percent; None before any tally."""
    total = satisfied + basic + unsatisfied
    if total <= 0:
        return None
    return _d(Decimal(satisfied + basic) * HUNDRED / total)


@dataclass(frozen=True)
class GradeSuggestion:
    grade: str
    reasons: tuple[str, ...] = ()


def suggest_grade(score: Decimal, bands: Sequence, *, satisfaction_percent: Decimal | None = None,
                  gate_percent=DEFAULT_GATE_PERCENT, gate_blocks: int = DEFAULT_GATE_BLOCKS) -> GradeSuggestion:
    """The band the score reaches; the 满意度 gate keeps it out of the top ``gate_blocks`` bands."""
    reasons = []
    blocked = 0
    if gate_percent is not None and satisfaction_percent is not None and satisfaction_percent < Decimal(gate_percent):
        blocked = gate_blocks
    for index, (name, bound) in enumerate(bands):
        if score >= Decimal(bound):
            if index < blocked:
                reasons.append(f"群众满意度 {satisfaction_percent}% 低于 {gate_percent}%，不得评为"
                               + "、".join(str(b[0]) for b in bands[:blocked]))
                name = bands[min(blocked, len(bands) - 1)][0]
            return GradeSuggestion(str(name), tuple(reasons))
    return GradeSuggestion(str(bands[-1][0]), tuple(reasons))


def grade_gate_error(grade: str, bands: Sequence, satisfaction_percent: Decimal | None,
                     gate_percent=DEFAULT_GATE_PERCENT, gate_blocks: int = DEFAULT_GATE_BLOCKS) -> str | None:
    """The gate refuses a grade it blocks (the top-grade quota only warns)."""
    names = [str(b[0]) for b in bands]
    if grade not in names:
        return f"等次应为 {'、'.join(names)} 之一"
    if (gate_percent is not None and satisfaction_percent is not None
            and satisfaction_percent < Decimal(gate_percent) and names.index(grade) < gate_blocks):
        return f"群众满意度 {satisfaction_percent}% 低于 {gate_percent}%，不得评为{'、'.join(names[:gate_blocks])}"
    return None


def quota_warning(grades: Iterable[str], bands: Sequence, top_share=DEFAULT_TOP_SHARE) -> str | None:
    """A warning (never a refusal) when the top band holds more than ``top_share`` percent."""
    grades = [g for g in grades if g]
    if not grades or top_share is None:
        return None
    top = str(bands[0][0])
    count = sum(1 for g in grades if g == top)
    if count * HUNDRED > Decimal(top_share) * len(grades):
        share = _d(Decimal(count) * HUNDRED / len(grades))
        return f"评为“{top}”的 {count} 个，占 {share}%，超过 {top_share}% 的比例要求，请复核"
    return None


def publicity_end(start: dt.date, calendar: WorkCalendar = WEEKDAYS_ONLY) -> dt.date:
    return period_end(start, PUBLICITY_WORKING_DAYS, calendar)


def report_error(start: dt.date | None, today: dt.date, calendar: WorkCalendar = WEEKDAYS_ONLY) -> str | None:
    """上报 only after a 公示 of at least five working days."""
    if start is None:
        return "尚未公示，不能上报"
    end = publicity_end(start, calendar)
    if today <= end:
        return f"公示自 {start:%Y-%m-%d} 起不少于 {PUBLICITY_WORKING_DAYS} 个工作日，{end:%Y-%m-%d} 之后方可上报"
    return None


# -- 后进/软弱涣散 candidates ----------------------------------------------------------------------

def whole_months(since: dt.date, until: dt.date) -> int:
    """Whole calendar months from ``since`` to ``until`` (0 when ``until`` is earlier)."""
    if until < since:
        return 0
    months = (until.year - since.year) * 12 + until.month - since.month
    last = _calendar.monthrange(until.year, until.month)[1]
    if until.day < since.day and until.day != last:
        months -= 1
    return max(months, 0)


def vacancy(year: int, today: dt.date, has_secretary: bool, started: dt.date | None) -> tuple[dt.date | None, int, int]:
    """(vacant since, whole months vacant within ``year``, whole months vacant in all) of the 书记 post.
    The platform keeps the current term and its posts, not a history of who held them, so a vacancy is
    counted from the start of the current term (or the organisation's founding when it has no term)."""
    if has_secretary:
        return None, 0, 0
    year_start, year_end = dt.date(year, 1, 1), min(dt.date(year, 12, 31), today)
    since = started or year_start
    in_year = whole_months(max(since, year_start), year_end) if since <= year_end else 0
    return since, in_year, whole_months(since, today)


@dataclass(frozen=True)
class CandidateFacts:
    vacant_months_total: int = 0
    compliance: float | None = None
    grade: str = ""
    lowest_grade: str = ""
    warnings: int = 0


def backward_reasons(f: CandidateFacts, config: Mapping = DEFAULT_BACKWARD) -> list[str]:
    """Why an organisation is a 后进/软弱涣散 candidate; empty when it is not. Each rule can be turned
    off in the scheme (``None``/``False``)."""
    reasons = []
    months = config.get("vacant_months")
    if months and f.vacant_months_total > int(months):
        reasons.append(f"书记空缺 {f.vacant_months_total} 个月，超过 {months} 个月")
    below = config.get("compliance_below")
    if below and f.compliance is not None and f.compliance * 100 < int(below):
        reasons.append(f"组织生活落实率 {f.compliance * 100:.0f}%，低于 {below}%")
    if config.get("lowest_grade") and f.grade and f.grade == f.lowest_grade:
        reasons.append(f"分类定级为“{f.grade}”")
    if config.get("structure_warnings") and f.warnings:
        reasons.append(f"有 {f.warnings} 条组织设置预警未解决")
    return reasons


def rectify_deadline(today: dt.date, months: int = DEFAULT_RECTIFY_MONTHS) -> dt.date:
    """整顿期限：默认 6 个月，最长 12 个月."""
    if not 1 <= months <= MAX_RECTIFY_MONTHS:
        raise ValueError(f"整顿期限应在 1 至 {MAX_RECTIFY_MONTHS} 个月之间")
    month = today.month - 1 + months
    year, month = today.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(today.day, _calendar.monthrange(year, month)[1]))


@dataclass
class Rollup:
    """Grade distribution and indicator averages of a subtree."""

    count: int = 0
    grades: dict[str, int] = field(default_factory=dict)
    score_sum: Decimal = Decimal(0)
    indicator_sums: dict[int, Decimal] = field(default_factory=dict)

    @property
    def average(self) -> Decimal | None:
        return _d(self.score_sum / self.count) if self.count else None

    def indicator_average(self, indicator_id: int) -> Decimal | None:
        return _d(self.indicator_sums.get(indicator_id, 0) / self.count) if self.count else None
