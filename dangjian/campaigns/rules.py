"""Pure rules of the campaigns: the stratified draw, the judges' combined score and the ranking,
the grant's validity, the judge's conflict of interest, the 公示 period. No database here."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from dangjian.core.workdays import WEEKDAYS_ONLY, WorkCalendar, working_days_between

from .choices import MIN_PUBLICITY_WORKING_DAYS, CombineMethod, Grade, ItemStatus

TWO_PLACES = Decimal("0.01")


# -- the stratified random sample ------------------------------------------------------------------

@dataclass(frozen=True)
class Candidate:
    org_id: int
    township: str  # the stratum's first key: the township (乡镇) the organisation lies under
    kind: str      # its second: the organisation type

    @property
    def stratum(self) -> str:
        return f"{self.township}/{self.kind}"


def allocate(sizes: dict[str, int], total: int) -> dict[str, int]:
    """Proportional allocation of ``total`` draws over strata of the given sizes (largest remainder,
    ties broken by stratum name), never more than a stratum holds."""
    population = sum(sizes.values())
    total = min(total, population)
    if total <= 0 or population == 0:
        return {key: 0 for key in sizes}
    exact = {key: Decimal(size * total) / population for key, size in sizes.items()}
    out = {key: int(value) for key, value in exact.items()}
    left = total - sum(out.values())
    order = sorted(sizes, key=lambda k: (-(exact[k] - out[k]), k))
    for key in order:
        if left == 0:
            break
        if out[key] < sizes[key]:
            out[key] += 1
            left -= 1
    return out


def stratified_sample(candidates: Iterable[Candidate], size: int, seed: int) -> list[Candidate]:
    """``size`` candidates drawn at random within strata (township × type) in proportion to each
    stratum's size. The same candidates, size and seed always give the same draw: candidates are
    ordered by id within each stratum and strata by name before the seeded generator runs."""
    strata: dict[str, list[Candidate]] = defaultdict(list)
    for c in candidates:
        strata[c.stratum].append(c)
    counts = allocate({key: len(members) for key, members in strata.items()}, size)
    rng = random.Random(seed)
    drawn: list[Candidate] = []
    for key in sorted(strata):
        members = sorted(strata[key], key=lambda c: c.org_id)
        drawn.extend(rng.sample(members, counts[key]))
    return drawn


def draw_fingerprint(org_ids: Sequence[int], seed: int, size: int) -> str:
    """What the stored draw is checked against: the drawn ids in draw order with the seed and size."""
    text = json.dumps({"seed": seed, "size": size, "ids": list(org_ids)}, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


# -- access of inspectors and judges ------------------------------------------------------------------

def grant_active(today: dt.date, starts_on: dt.date, ends_on: dt.date, *, closed: bool, revoked: bool) -> bool:
    """A campaign's grant to an inspector or judge holds during its period only, and ends with the
    campaign (closed) or when revoked."""
    return not closed and not revoked and starts_on <= today <= ends_on


def is_own_org(judge_paths: Iterable[str], target_path: str) -> bool:
    """A judge belongs to the target when one of the judge's organisations is the target or lies
    under it: a branch's secretary never scores that branch, nor the town it belongs to."""
    return any(path.startswith(target_path) for path in judge_paths if path)


# -- scores --------------------------------------------------------------------------------------------

def _round(value: Decimal) -> Decimal:
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def combined_score(totals: Sequence[Decimal], method: str = CombineMethod.TRIMMED,
                   trim_min_judges: int = 5) -> Decimal | None:
    """The judges' totals combined: the mean, or with ``trimmed`` and at least ``trim_min_judges``
    judges the mean after dropping one highest and one lowest. None without any sheet."""
    values = sorted(Decimal(v) for v in totals)
    if not values:
        return None
    if method == CombineMethod.TRIMMED and len(values) >= max(trim_min_judges, 3):
        values = values[1:-1]
    return _round(sum(values) / len(values))


def score_error(score, max_score) -> str | None:
    if score is None:
        return None
    score, max_score = Decimal(score), Decimal(max_score)
    if score < 0:
        return "得分不能为负数"
    if score > max_score:
        return f"得分不能超过该项满分 {max_score}"
    return None


def rank(scores: dict, advanced_share: int, lagging_share: int) -> dict:
    """Ranking into 先进 / 达标 / 落后: the top ``advanced_share`` per cent (rounded down) are 先进, the
    bottom ``lagging_share`` per cent (rounded down) 落后, the rest 达标. Sites tied on the boundary
    share the better grade. ``scores`` maps a key to its combined score (None: not scored, not graded)."""
    scored = sorted(((v, k) for k, v in scores.items() if v is not None), key=lambda p: (-p[0], str(p[1])))
    n = len(scored)
    n_adv = n * advanced_share // 100
    n_lag = min(n - n_adv, n * lagging_share // 100)
    adv_cut = scored[n_adv - 1][0] if n_adv else None
    keep_floor = scored[n - n_lag - 1][0] if n_lag and n - n_lag > 0 else None  # lowest not-落后 score
    out = {}
    for value, key in scored:
        if adv_cut is not None and value >= adv_cut:
            out[key] = Grade.ADVANCED
        elif n_lag and (keep_floor is None or value < keep_floor):
            out[key] = Grade.LAGGING
        else:
            out[key] = Grade.STANDARD
    return out


def shares_error(advanced_share: int, lagging_share: int) -> str | None:
    if not 0 <= advanced_share <= 100 or not 0 <= lagging_share <= 100:
        return "比例应在 0 至 100 之间"
    if advanced_share + lagging_share > 100:
        return "先进和落后的比例之和不能超过 100%"
    return None


# -- findings and items ---------------------------------------------------------------------------------

def item_status(state: str | None, overdue: bool) -> str:
    """整改中 / 已销号 / 超期 of the item a finding became (worklists' state and overdue flag)."""
    if not state:
        return ItemStatus.NONE
    if state == "closed":
        return ItemStatus.CLOSED
    return ItemStatus.OVERDUE if overdue else ItemStatus.RECTIFYING


# -- 评选 -----------------------------------------------------------------------------------------------

MAX_PUBLICITY_DAYS = 90


def publicity_span_error(starts_on: dt.date, ends_on: dt.date) -> str | None:
    if ends_on < starts_on or (ends_on - starts_on).days > MAX_PUBLICITY_DAYS:
        return f"公示结束日期应在开始日期之后的 {MAX_PUBLICITY_DAYS} 天以内"
    return None


def publicity_error(starts_on: dt.date, ends_on: dt.date, calendar: WorkCalendar = WEEKDAYS_ONLY) -> str | None:
    span = publicity_span_error(starts_on, ends_on)
    if span:
        return span
    days = working_days_between(starts_on, ends_on, calendar)
    if days < MIN_PUBLICITY_WORKING_DAYS:
        return (f"公示期不少于 {MIN_PUBLICITY_WORKING_DAYS} 个工作日"
                f"（{starts_on:%Y-%m-%d} 至 {ends_on:%Y-%m-%d} 只有 {days} 个工作日）")
    return None


def naming_error(today: dt.date, publicity_ends_on: dt.date | None, open_objections: int) -> str | None:
    if publicity_ends_on is None:
        return "尚未公示，不能命名"
    if today <= publicity_ends_on:
        return f"公示期至 {publicity_ends_on:%Y-%m-%d} 结束，期满后才能命名"
    if open_objections:
        return f"还有 {open_objections} 条异议未答复，答复后才能命名"
    return None
