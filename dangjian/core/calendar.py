"""The working-day calendar as stored: ``work_calendar(start, end)`` reads the corrections
(``CalendarDay``) for a span in one query and returns the pure ``workdays.WorkCalendar``."""

from __future__ import annotations

from datetime import date

from .models import CalendarDay
from .workdays import WorkCalendar


def work_calendar(start: date, end: date) -> WorkCalendar:
    rows = CalendarDay.objects.filter(day__gte=start, day__lte=end).values_list("day", "is_working")
    holidays = frozenset(day for day, working in rows if not working)
    workdays = frozenset(day for day, working in rows if working)
    return WorkCalendar(holidays=holidays, workdays=workdays)


def years_with_calendar() -> set[int]:
    """Years for which corrections are recorded: a year missing here is counted by the weekday
    rule alone, which pages should say (the notice for next year usually comes out in November)."""
    return {day.year for day in CalendarDay.objects.values_list("day", flat=True)}
