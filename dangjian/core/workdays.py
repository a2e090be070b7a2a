"""Working days (工作日) for periods the rules count in working days — 公示 of at least five
working days (发展党员, 分类定级, 评选), 审批 deadlines. Pure: no models, so any app's ``rules.py``
may import it. The calendar is the weekday rule (Monday–Friday) corrected by the days the State
Council's yearly notice moves: public holidays that fall on weekdays and the make-up working days
(调休上班) that fall on weekends. Those corrections are data (``core.models.CalendarDay``, read by
``core.calendar.work_calendar``), editable every year when the new notice comes out.

Counting convention: a period that starts on ``start`` and lasts ``n`` working days counts
``start`` itself when it is a working day (a 公示 posted on Monday morning for five working days
ends on Friday) — ``period_end``. ``working_days_between`` counts both ends inclusive.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class WorkCalendar:
    """The corrections to the weekday rule: ``holidays`` (weekdays off) and ``workdays``
    (weekend days worked)."""

    holidays: frozenset[date] = field(default_factory=frozenset)
    workdays: frozenset[date] = field(default_factory=frozenset)


WEEKDAYS_ONLY = WorkCalendar()


def is_working_day(day: date, calendar: WorkCalendar = WEEKDAYS_ONLY) -> bool:
    if day in calendar.workdays:
        return True
    if day in calendar.holidays:
        return False
    return day.weekday() < 5


def working_days_between(start: date, end: date, calendar: WorkCalendar = WEEKDAYS_ONLY) -> int:
    """Working days from ``start`` to ``end``, both included; 0 when ``end`` is before ``start``."""
    count, day = 0, start
    while day <= end:
        count += is_working_day(day, calendar)
        day += _ONE_DAY
    return count


def period_end(start: date, working_days: int, calendar: WorkCalendar = WEEKDAYS_ONLY) -> date:
    """The last day of a period of ``working_days`` working days beginning on ``start`` (``start``
    counts when it is a working day). ``working_days`` must be at least 1."""
    if working_days < 1:
        raise ValueError("working_days must be at least 1")
    day, left = start, working_days
    while True:
        if is_working_day(day, calendar):
            left -= 1
            if left == 0:
                return day
        day += _ONE_DAY


def next_working_day(day: date, calendar: WorkCalendar = WEEKDAYS_ONLY) -> date:
    """``day`` itself when it is a working day, else the first working day after it."""
    while not is_working_day(day, calendar):
        day += _ONE_DAY
    return day
