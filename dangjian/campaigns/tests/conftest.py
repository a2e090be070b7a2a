import datetime as dt

import pytest

from dangjian.campaigns import actions
from dangjian.campaigns.choices import CampaignKind
from dangjian.core.actors import SYSTEM
from dangjian.testing import make_org, make_user

SHEET = [{"title": "三会一课落实", "max_score": 40, "guidance": "查会议记录"},
         {"title": "阵地建设", "max_score": 30, "guidance": ""},
         {"title": "党员教育管理", "max_score": 30, "guidance": ""}]


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def today():
    return dt.date(2026, 6, 15)


@pytest.fixture
def outsider(db):
    """An inspector from another county: a position there, none in ours."""
    other = make_org(None, "邻县县委", "C0002", "committee", unit_category="party_government")
    return make_user("outsider", org=other, role="superior_admin")


def make_campaign(tree, today, kind=CampaignKind.INSPECTION, **fields):
    return actions.campaign_create(
        acting_user=SYSTEM, org=tree.county, kind=kind, title=fields.pop("title", "2026年上半年基层党建集中督查"),
        starts_on=today - dt.timedelta(days=5), ends_on=today + dt.timedelta(days=20), sheet_items=SHEET, **fields)


@pytest.fixture
def campaign(tree, today):
    return make_campaign(tree, today)
