"""Rules of 双报到 (在职党员到社区报到、离退休党员报到), pure functions over plain data (docs/community.md).

- **Community organisation**: an organisation whose 单位类别 is 村 or 社区 and which is not a 党小组 /
  党员中心户 (those sit inside a community branch and share its unit category).
- **Who should report**: members with 党籍 normal who are
  - retired (the 离退休 flag, or 人员类别 离退休人员) → 离退休党员报到, wherever their branch is;
  - in service (人员类别 党政机关工作人员、企事业单位管理人员、专业技术人员、工人) in a branch of a 机关 or
    企事业单位 (单位类别 党政机关、事业单位、国有企业、学校、医院) → 在职党员报到.
  Members of village and community branches already live their party life there; farmers, students,
  the military and 两新 staff are not asked.
- **Service hours**: a yearly expectation (``settings.COMMUNITY_YEARLY_HOURS``, default 12; 0 = none);
  a member has met it when the confirmed hours of the year reach it.
- **Feedback**: the community gives each accepted reporter's branch a yearly feedback, due from
  1 December to 31 January of the next year (the 待办 reminds the community in that window).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from .choices import ReportKind

COMMUNITY_UNITS = frozenset({"village", "community"})
NOT_COMMUNITY_KINDS = frozenset({"group", "building_group", "central_household"})
IN_SERVICE_CATEGORIES = frozenset({"official", "manager", "professional", "worker"})
WORKPLACE_UNITS = frozenset({"party_government", "public_institution", "state_enterprise", "school", "hospital"})
DEFAULT_YEARLY_HOURS = 12
MAX_HOURS_PER_DAY = Decimal("12")
FEEDBACK_OPENS = (12, 1)  # month, day of the feedback year
FEEDBACK_GRACE_UNTIL = (1, 31)  # month, day of the next year


def is_community(unit_category: str, kind: str) -> bool:
    return unit_category in COMMUNITY_UNITS and kind not in NOT_COMMUNITY_KINDS


def expected_kind(*, status: str, category: str, retired: bool, branch_unit: str) -> str | None:
    """The kind of 报到 a member should make, or None when they need not report."""
    if status != "normal":
        return None
    if retired or category == "retired":
        return ReportKind.RETIRED
    if category in IN_SERVICE_CATEGORIES and branch_unit in WORKPLACE_UNITS:
        return ReportKind.IN_SERVICE
    return None


def request_errors(*, member_status: str, community_unit: str, community_kind: str, branch_path: str,
                   community_path: str, has_open_report: bool) -> dict[str, str]:
    """Why a request to report cannot be made (field → reason); empty when it can."""
    errors: dict[str, str] = {}
    if member_status != "normal":
        errors["member"] = "只有党籍正常的党员可以报到"
    if not is_community(community_unit, community_kind):
        errors["community"] = "只能向村、社区党组织报到"
    elif branch_path == community_path:
        errors["community"] = "不能向本人所在党组织报到"
    if has_open_report:
        errors.setdefault("member", "已有待接收或已报到的社区，请先结束原报到")
    return errors


def record_errors(*, served_on: dt.date, hours: Decimal, what: str, today: dt.date,
                  reported_on: dt.date | None) -> dict[str, str]:
    """Why a service record is not acceptable (field → reason)."""
    errors: dict[str, str] = {}
    if served_on > today:
        errors["served_on"] = "服务日期不能晚于今天"
    elif reported_on is not None and served_on < reported_on:
        errors["served_on"] = f"服务日期不能早于报到日期（{reported_on:%Y-%m-%d}）"
    if hours <= 0:
        errors["hours"] = "服务时长须大于 0"
    elif hours > MAX_HOURS_PER_DAY:
        errors["hours"] = f"一次服务时长不超过 {MAX_HOURS_PER_DAY} 小时"
    elif (hours * 2) % 1:
        errors["hours"] = "服务时长以 0.5 小时为单位"
    if not what.strip():
        errors["what"] = "请填写服务内容"
    return errors


def hours_met(confirmed_hours: Decimal, expected: int) -> bool | None:
    """Whether the year's confirmed hours reach the expectation; None when there is no expectation."""
    if expected <= 0:
        return None
    return confirmed_hours >= expected


def feedback_year(today: dt.date) -> int | None:
    """The year whose feedback is due on ``today`` (December, and January for the year before), else None."""
    if (today.month, today.day) >= FEEDBACK_OPENS:
        return today.year
    if (today.month, today.day) <= FEEDBACK_GRACE_UNTIL:
        return today.year - 1
    return None


def feedback_allowed(year: int, today: dt.date) -> bool:
    """Feedback for ``year`` may be given from its 1 December on (never for a year not yet near its end)."""
    return today >= dt.date(year, *FEEDBACK_OPENS)


def rate(reported: int, should: int) -> Decimal | None:
    """Reported / should report in percent, one decimal; None when nobody should report."""
    if should <= 0:
        return None
    return (Decimal(100) * reported / should).quantize(Decimal("0.1"))
