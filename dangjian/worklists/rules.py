"""The 三单制 lifecycle as plain rules: which transitions exist, who may make each, and the dates
that follow from an item (period ends, overdue, 回头看). No ORM here: the actions gather the facts
and these functions decide, with a Chinese reason whenever the answer is no."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from .choices import DUE_SOON_DAYS, Recurrence, State, Transition

# state before → state after, for each transition
TRANSITIONS: dict[str, tuple[str, str]] = {
    Transition.CLAIM: (State.PENDING, State.IN_PROGRESS),
    Transition.SUBMIT: (State.IN_PROGRESS, State.REQUESTED),
    Transition.APPROVE: (State.REQUESTED, State.CLOSED),
    Transition.REJECT: (State.REQUESTED, State.IN_PROGRESS),
    Transition.REVIEW_PASS: (State.CLOSED, State.CLOSED),
    Transition.REOPEN: (State.CLOSED, State.IN_PROGRESS),
}
# Transitions made by the level above the owning organisation; the others by the owner's side.
SUPERIOR_TRANSITIONS = frozenset({Transition.APPROVE, Transition.REJECT, Transition.REVIEW_PASS, Transition.REOPEN})
NEEDS_REASON = frozenset({Transition.REJECT, Transition.REOPEN})


@dataclass(frozen=True)
class ItemFacts:
    state: str
    evidence_count: int = 0
    is_root_org: bool = False  # the owning organisation has no parent in the platform
    review_due_on: dt.date | None = None


@dataclass(frozen=True)
class ActorFacts:
    can_change_org: bool  # CHANGE scope covers the owning organisation
    can_change_parent: bool  # CHANGE scope covers the owning organisation's parent
    holds_position_in_org: bool  # the actor sits in the owning organisation itself


def is_superior(actor: ActorFacts) -> bool:
    """The level above: may change the parent's subtree and is not one of the owners."""
    return actor.can_change_parent and not actor.holds_position_in_org


@dataclass(frozen=True)
class Refusal:
    """Why a transition is refused. ``field`` says what is wrong: ``rights`` (the actor may not),
    ``state``, ``evidence``, ``reason`` or ``review`` (the 回头看 is not due yet)."""

    field: str
    message: str

    def __str__(self) -> str:
        return self.message


def transition_error(transition: str, item: ItemFacts, actor: ActorFacts, *, reason: str = "",
                     today: dt.date | None = None) -> Refusal | None:
    """None if ``actor`` may make ``transition`` on ``item``; otherwise why not, in Chinese."""
    if transition not in TRANSITIONS:
        return Refusal("state", "未知的操作")
    before, _ = TRANSITIONS[transition]
    label = Transition(transition).label
    if transition in SUPERIOR_TRANSITIONS:
        denied = _superior_error(transition, item, actor)
    else:
        denied = None if actor.can_change_org else f"无权{label}：该事项不在您可办理的范围内"
    if denied:
        return Refusal("rights", denied)
    if item.state != before:
        return Refusal("state", f"当前状态为“{State(item.state).label}”，不能{label}（须为“{State(before).label}”）")
    if transition == Transition.SUBMIT and item.evidence_count == 0:
        return Refusal("evidence", "申请销号须先上传佐证材料（文字说明或文件）")
    if transition in NEEDS_REASON and not reason.strip():
        return Refusal("reason", "重新整改须填写原因" if transition == Transition.REOPEN else "退回整改须填写原因")
    reviewing = transition in (Transition.REVIEW_PASS, Transition.REOPEN)
    if reviewing and today is not None and item.review_due_on is not None and today < item.review_due_on:
        return Refusal("review", f"回头看时间未到（{item.review_due_on:%Y-%m-%d} 起可开展）")
    return None


def _superior_error(transition: str, item: ItemFacts, actor: ActorFacts) -> str | None:
    label = Transition(transition).label
    if actor.holds_position_in_org:
        return f"{label}须由上级党组织办理，责任单位不能自己{label}"
    if item.is_root_org:
        return f"该事项的责任单位为最高一级党组织，须由其上级党组织线下{label}"
    if not actor.can_change_parent:
        return f"无权{label}：须由责任单位的上级党组织办理"
    return None


def allowed_transitions(item: ItemFacts, actor: ActorFacts, today: dt.date | None = None) -> list[str]:
    """The transitions ``actor`` could make now (a reason still to be given where one is needed)."""
    return [t for t in TRANSITIONS if transition_error(t, item, actor, reason="-", today=today) is None]


# -- dates -------------------------------------------------------------------------------------------

def is_overdue(deadline: dt.date | None, state: str, today: dt.date) -> bool:
    return deadline is not None and state != State.CLOSED and deadline < today


def is_due_soon(deadline: dt.date | None, state: str, today: dt.date, days: int = DUE_SOON_DAYS) -> bool:
    return deadline is not None and state != State.CLOSED and today <= deadline <= today + dt.timedelta(days=days)


def days_overdue(deadline: dt.date | None, today: dt.date) -> int:
    return max(0, (today - deadline).days) if deadline else 0


def review_due(closed_on: dt.date, interval_days: int) -> dt.date:
    return closed_on + dt.timedelta(days=interval_days)


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def period_end(recurrence: str, today: dt.date) -> dt.date | None:
    """The last day of the period ``today`` falls in, for a recurring item; None if not recurring."""
    if recurrence == Recurrence.MONTHLY:
        return month_end(today.year, today.month)
    if recurrence == Recurrence.QUARTERLY:
        return month_end(today.year, ((today.month - 1) // 3 + 1) * 3)
    if recurrence == Recurrence.HALF_YEARLY:
        return month_end(today.year, 6 if today.month <= 6 else 12)
    if recurrence == Recurrence.YEARLY:
        return dt.date(today.year, 12, 31)
    return None


_CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10,
              "十一": 11, "十二": 12}
_MONTH = r"(\d{1,2}|十[一二]?|[一二两三四五六七八九])"
_YEAR = r"(?:(\d{4})年)?"


def _month(text: str) -> int:
    return int(text) if text.isdigit() else _CN_DIGITS[text]


def deadline_from_text(text: str | None, today: dt.date) -> dt.date | None:
    """A date from the deadline phrases speeches use: 2026-06-30, 2026年6月30日, 6月底前, 6月15日前,
    年底前/年内, 上半年, 一季度/第三季度, 下半年. A month already past refers to next year."""
    if not text:
        return None
    text = text.strip()
    match = re.search(r"(\d{4})[-./年](\d{1,2})[-./月](\d{1,2})", text)
    if match:
        try:
            return dt.date(*(int(g) for g in match.groups()))
        except ValueError:
            return None
    match = re.search(_YEAR + _MONTH + r"月(?:(\d{1,2})日|份|底|末|中旬|上旬|下旬)?", text)
    if match:
        year = int(match.group(1)) if match.group(1) else None
        month = _month(match.group(2))
        if not 1 <= month <= 12:
            return None
        year = year or (today.year if month >= today.month else today.year + 1)
        day = int(match.group(3)) if match.group(3) else None
        end = month_end(year, month)
        if "上旬" in text:
            return end.replace(day=10)
        if "中旬" in text:
            return end.replace(day=20)
        return end.replace(day=min(day, end.day)) if day else end
    quarter = re.search(r"第?([一二三四1-4])季度", text)
    if quarter:
        q = _month(quarter.group(1))
        year = today.year if q * 3 >= today.month else today.year + 1
        return month_end(year, q * 3)
    if "上半年" in text:
        return dt.date(today.year if today.month <= 6 else today.year + 1, 6, 30)
    if re.search(r"年底|年末|年内|全年|下半年|今年", text):
        return dt.date(today.year, 12, 31)
    return None


def title_from_text(text: str, limit: int = 60) -> str:
    """A short title: the first sentence (or clause) of ``text``, cut to ``limit`` characters."""
    text = re.sub(r"\s+", " ", text).strip()
    first = re.split(r"(?<=[。；！？!?;])", text, maxsplit=1)[0].rstrip("。；;")
    return first if len(first) <= limit else first[: limit - 1] + "…"


def close_rate(closed: int, total: int) -> float | None:
    """销号率 as a percentage with one decimal, None when there is nothing to close."""
    return round(100 * closed / total, 1) if total else None


