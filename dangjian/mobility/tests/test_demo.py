"""The 流动党员 demo on the small tree: records for every flagged member, cards in every state."""

import pytest

from dangjian.core.actors import SYSTEM
from dangjian.members.models import Member
from dangjian.mobility import demo, queries, rules
from dangjian.mobility.models import ActivityCard, Inflow, Outflow

pytestmark = pytest.mark.django_db


def test_demo_follows_the_flags_and_is_deterministic(tree, today):
    out = [m.pk for members in tree.members.values() for m in members][:6]
    Member.objects.filter(pk__in=out).update(flow_status="out", flow_place="广东省深圳市")
    Member.objects.filter(pk=tree.members["c"][2].pk).update(flow_status="in", flow_place="河南省")
    demo.generate(seed=3, today=today)
    open_ = Outflow.objects.filter(status__in=["away", "lost"])
    assert set(open_.values_list("member_id", flat=True)) == set(out)
    assert ActivityCard.objects.count() == 6 and Outflow.objects.exclude(status__in=["away", "lost"]).exists()
    assert Inflow.objects.filter(member=tree.members["c"][2]).exists()
    assert queries.group_suggestions(queries.active_inflows(SYSTEM, tree.county.path))
    states = {rules.card_state(c.expires_on, today) for c in ActivityCard.objects.all()}
    assert "" in states
    first = list(Outflow.objects.order_by("id").values_list("member_id", "left_on", "status"))
    demo.wipe()
    demo.generate(seed=3, today=today)
    assert list(Outflow.objects.order_by("id").values_list("member_id", "left_on", "status")) == first
