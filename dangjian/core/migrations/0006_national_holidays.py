"""The national public holidays and make-up working days of 2025 and 2026, as the State Council
General Office's notices (国办发明电〔2024〕12号, 国办发明电〔2025〕7号) set them. Later years are
entered when their notice comes out; every row can be corrected."""

from datetime import date, timedelta

from django.db import migrations

HOLIDAYS = [  # (first day, last day, name)
    (date(2025, 1, 1), date(2025, 1, 1), "元旦"),
    (date(2025, 1, 28), date(2025, 2, 4), "春节"),
    (date(2025, 4, 4), date(2025, 4, 6), "清明节"),
    (date(2025, 5, 1), date(2025, 5, 5), "劳动节"),
    (date(2025, 5, 31), date(2025, 6, 2), "端午节"),
    (date(2025, 10, 1), date(2025, 10, 8), "国庆节、中秋节"),
    (date(2026, 1, 1), date(2026, 1, 3), "元旦"),
    (date(2026, 2, 15), date(2026, 2, 23), "春节"),
    (date(2026, 4, 4), date(2026, 4, 6), "清明节"),
    (date(2026, 5, 1), date(2026, 5, 5), "劳动节"),
    (date(2026, 6, 19), date(2026, 6, 21), "端午节"),
    (date(2026, 9, 25), date(2026, 9, 27), "中秋节"),
    (date(2026, 10, 1), date(2026, 10, 7), "国庆节"),
]
MAKE_UP_DAYS = [  # weekend days worked instead
    (date(2025, 1, 26), "春节调休"),
    (date(2025, 2, 8), "春节调休"),
    (date(2025, 4, 27), "劳动节调休"),
    (date(2025, 9, 28), "国庆节调休"),
    (date(2025, 10, 11), "国庆节调休"),
    (date(2026, 1, 4), "元旦调休"),
    (date(2026, 2, 14), "春节调休"),
    (date(2026, 2, 28), "春节调休"),
    (date(2026, 5, 9), "劳动节调休"),
    (date(2026, 9, 20), "国庆节调休"),
    (date(2026, 10, 10), "国庆节调休"),
]


def add_days(apps, schema_editor):
    CalendarDay = apps.get_model("core", "CalendarDay")
    for first, last, name in HOLIDAYS:
        day = first
        while day <= last:
            CalendarDay.objects.update_or_create(day=day, defaults={"is_working": False, "name": name})
            day += timedelta(days=1)
    for day, name in MAKE_UP_DAYS:
        CalendarDay.objects.update_or_create(day=day, defaults={"is_working": True, "name": name})


class Migration(migrations.Migration):
    dependencies = [("core", "0005_calendar_day")]
    operations = [migrations.RunPython(add_days, migrations.RunPython.noop)]
