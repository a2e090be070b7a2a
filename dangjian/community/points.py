"""What 双报到 gives 民主评议党员 and 党员积分 (``core.registry``; the appraisal app does not import this
one): the community's yearly feedback on a member, shown beside the member in the 民主评议, and the
service hours the communities confirmed, which 党员积分 turns into points under the yearly rule the
organisation sets (points per N hours, capped). Only confirmed records count, as for the yearly hours."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Sum

from dangjian.core.registry import register_member_facts, register_points_source

from . import queries
from .choices import RecordStatus
from .models import ServiceRecord

HOURS = "community_hours"


def confirmed_hours(root, year: int) -> dict[int, Decimal]:
    """Per member of ``root``'s subtree (where the member belongs now): hours the communities confirmed
    for services in ``year``. One grouped query."""
    rows = (
        ServiceRecord.objects.filter(
            status=RecordStatus.CONFIRMED,
            served_on__gte=dt.date(year, 1, 1),
            served_on__lte=dt.date(year, 12, 31),
            report__member__org__path__startswith=root.path,
        )
        .values_list("report__member_id")
        .annotate(hours=Sum("hours"))
        .order_by()
    )
    return {member_id: hours for member_id, hours in rows if hours}


def feedback(member_ids, year: int) -> dict[int, list[str]]:
    """The communities' feedback of ``year``, one text per community. One query."""
    return {
        member_id: [f"{f.community}：{f.rating_label}" + (f"，{f.comment}" if f.comment else "") for f in facts]
        for member_id, facts in queries.feedback_facts(member_ids, year).items()
    }


register_points_source(HOURS, "社区确认的双报到服务时长", "小时", confirmed_hours, category="service")
register_member_facts("community_feedback", "社区反馈", feedback)
