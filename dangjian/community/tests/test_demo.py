"""The 双报到 demo step on the small tree: reporters, needs, records, feedback; deterministic."""

import datetime as dt

from dangjian.community import demo
from dangjian.community.models import CommunityFeedback, CommunityReport, ServiceNeed, ServiceRecord
from dangjian.testing import make_member, make_org


def test_demo_reports_needs_records_and_feedback(tree):
    office = make_org(tree.town1, "东城镇机关党支部", "C0001-01-009", unit_category="party_government")
    for i in range(40):
        make_member(office, category="official" if i % 2 else "retired", retired=not i % 2)
    today = dt.date(2026, 6, 15)
    demo.generate(seed=3, today=today)
    reports = list(CommunityReport.objects.order_by("id").values_list("member_id", "community_id", "status"))
    assert 10 < len(reports) < 40
    assert {c for _, c, _ in reports} <= {tree.a.pk, tree.b.pk}
    assert ServiceNeed.objects.exists() and ServiceRecord.objects.filter(status="confirmed").exists()
    assert not ServiceRecord.objects.filter(served_on__gt=today).exists()
    assert CommunityFeedback.objects.filter(year=2025).exists()
    demo.wipe()
    assert demo.count() == 0
    demo.generate(seed=3, today=today)
    assert list(CommunityReport.objects.order_by("id").values_list("member_id", "community_id", "status")) == reports
