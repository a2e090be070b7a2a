"""双报到 on the 数据看板: the level's rates, from the registered panel and its summary."""

from django.utils import timezone

from dangjian.community.dashboards import rates_summary
from dangjian.core.summaries import summary_kinds


def test_dashboard_shows_the_levels_reporting_rates(tree, side, accepted, login):
    page = login(tree.county_admin).get(f"/dashboard/{tree.county.pk}/").content.decode()
    assert "双报到（" in page
    assert "<th>应报到党员</th><td class=\"num\">2</td>" in page and "50.0%" in page  # the doctor of 2
    assert f"/community/?org={tree.county.pk}" in page
    assert "community.rates" in {k.name for k in summary_kinds()}
    facts = rates_summary(tree.county, str(timezone.localdate().year))
    assert (facts.should, facts.reported, facts.should_retired, facts.reported_retired) == (2, 1, 1, 0)


def test_no_panel_where_nobody_should_report(tree, login):
    page = login(tree.county_admin).get(f"/dashboard/{tree.county.pk}/").content.decode()
    assert "双报到（" not in page
