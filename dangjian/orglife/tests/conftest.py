import datetime as dt

import pytest
from django.utils import timezone

from dangjian.core.actors import SYSTEM
from dangjian.orglife import actions
from dangjian.orglife.queries import roster


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


@pytest.fixture
def record():
    """``record(org, day, *types, ...)``: a held meeting, everyone on the roster present unless
    ``attendance`` says otherwise; entered on the day it was held unless ``entered`` says so."""

    def _record(org, day, *types, user=SYSTEM, attendance=None, entered=None, hour=9, **fields):
        if attendance is None:
            attendance = [{"member": m.pk, "status": "present"} for m in roster(org)]
        fields.setdefault("title", f"{day:%m月%d日}会议")
        if "lecture" in types:
            fields.setdefault("lecturer", "张红星")
            fields.setdefault("lecture_title", "学习党章")
        return actions.meeting_record(acting_user=user, org=org, types=types or ("theme_day",), held_at=at(day, hour),
                                      attendance=attendance, entered_at=entered or at(day, hour + 3), **fields)

    return _record
