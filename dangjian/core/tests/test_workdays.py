from datetime import date

import pytest

from dangjian.core.calendar import work_calendar, years_with_calendar
from dangjian.core.workdays import (
    WorkCalendar,
    is_working_day,
    next_working_day,
    period_end,
    working_days_between,
)


def test_weekday_rule_without_corrections():
    assert is_working_day(date(2026, 12, 4))  # Friday
    assert not is_working_day(date(2026, 12, 5))  # Saturday
    assert working_days_between(date(2026, 11, 30), date(2026, 12, 6)) == 5
    assert working_days_between(date(2026, 12, 6), date(2026, 11, 30)) == 0


def test_five_working_days_from_monday_end_on_friday_and_from_friday_on_thursday():
    assert period_end(date(2026, 11, 30), 5) == date(2026, 12, 4)
    assert period_end(date(2026, 12, 4), 5) == date(2026, 12, 10)
    assert period_end(date(2026, 12, 5), 1) == date(2026, 12, 7)  # a Saturday start counts from Monday
    with pytest.raises(ValueError):
        period_end(date(2026, 12, 4), 0)


def test_corrections_move_holidays_and_make_up_days():
    calendar = WorkCalendar(holidays=frozenset({date(2026, 10, 1)}), workdays=frozenset({date(2026, 10, 10)}))
    assert not is_working_day(date(2026, 10, 1), calendar)
    assert is_working_day(date(2026, 10, 10), calendar)
    assert next_working_day(date(2026, 10, 1), calendar) == date(2026, 10, 2)


@pytest.mark.django_db
def test_national_holidays_of_2026_are_stored():
    calendar = work_calendar(date(2026, 9, 28), date(2026, 10, 12))
    # 国庆 1–7 October off, Saturday 10 October worked: 28–30 Sep (3) + 8, 9, 10, 12 Oct (4).
    assert working_days_between(date(2026, 9, 28), date(2026, 10, 12), calendar) == 7
    # A 公示 posted on 30 September for five working days ends on 12 October, not 7 October.
    assert period_end(date(2026, 9, 30), 5, calendar) == date(2026, 10, 12)
    assert {2025, 2026} <= years_with_calendar()
