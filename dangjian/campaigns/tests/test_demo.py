"""The demo campaigns on the tiny demo tree: findings in every state, five judges, a title named."""

import io

import pytest
from django.core.management import call_command

from dangjian.campaigns import demo, queries
from dangjian.campaigns.choices import CampaignKind, ItemStatus
from dangjian.campaigns.models import Campaign, Title

pytestmark = pytest.mark.django_db


def test_demo_campaigns_on_the_tiny_tree():
    out = io.StringIO()
    call_command("demo_data", scale="tiny", seed=1, stdout=out)
    assert "督查观摩评选演示数据" in out.getvalue()
    inspection = Campaign.objects.get(kind=CampaignKind.INSPECTION)
    rows = queries.report_rows(inspection.findings.select_related("target__org", "sheet_item", "item"))
    statuses = {r.status for r in rows if r.finding.is_problem}
    assert statuses == {ItemStatus.CLOSED, ItemStatus.RECTIFYING, ItemStatus.OVERDUE, ItemStatus.NONE}
    from dangjian.campaigns.actions import sample_check

    assert sample_check(inspection)[0]
    observation = Campaign.objects.get(kind=CampaignKind.OBSERVATION)
    ranking = queries.ranking(observation)
    assert all(r.judges == 5 for r in ranking) and {r.grade for r in ranking} >= {"advanced", "standard"}
    assert Title.objects.count() == 1
    demo.wipe()
    assert not Campaign.objects.exists() and not Title.objects.exists()
