"""The label registry: every code a change record carries reads in Chinese."""

import datetime as dt

import pytest
from django.utils import timezone

from dangjian.core import labels

pytestmark = pytest.mark.django_db


def test_actions_object_types_fields_and_values():
    assert labels.action_label("member_update") == "修改党员信息"
    assert labels.action_label("meeting_record") == "登记会议"
    assert labels.action_label("demo_load") == "载入演示数据"
    assert labels.action_label("login") == "登录"
    assert labels.action_label("worklist_approve").startswith("清单事项")
    assert labels.object_type_label("accounts.loginattempt") == "登录记录"
    assert labels.field_label("members.member", "education") == "学历"
    assert labels.value_label("members.member", "education", "primary") == "小学及以下"
    assert labels.value_label("members.member", "lost_contact", True) == "是"
    assert labels.value_label("orglife.rulesetting", "period", "quarter") == "每季度"
    assert labels.value_label("orglife.rulesetting", "quorum_base", "voting") == "有表决权的正式党员"
    assert labels.value_label("orgs.organization", "post", "secretary") == "书记"


def test_unknown_codes_show_as_they_are():
    assert labels.action_label("something_new") == "something_new"
    assert labels.object_type_label("nowhere.nothing") == "nowhere.nothing"
    assert labels.value_label("members.member", "education", "phd") == "phd"
    assert labels.value_label("members.member", "committee_posts", "书记") == "书记"  # a reverse relation


def test_every_recorded_action_has_a_label():
    """Each action code written by record_change in the code base has its Chinese label."""
    import re
    from pathlib import Path

    import dangjian

    root = Path(dangjian.__file__).parent
    found = set()
    for path in root.rglob("*.py"):
        if "tests" in path.parts:
            continue
        found |= set(re.findall(r'record_change\([^)]*?action="([a-z_]+)"', path.read_text(), re.S))
    assert found and {code for code in found if labels.action_label(code) == code} == set()


def test_member_change_log_reads_in_chinese(tree, login):
    from django.urls import reverse

    from dangjian.members.actions import member_update

    member = tree.members["a"][0]
    member_update(acting_user=tree.secretary_a, member=member, expected_version=member.version,
                  education="university")
    html = login(tree.secretary_a).get(reverse("members:detail", args=[member.pk])).content.decode()
    assert "修改党员信息" in html and "学历" in html and "大学本科" in html
    assert "member_update" not in html and "university" not in html


def test_login_record_names_its_time_in_the_configured_zone(tree, settings):
    from dangjian.accounts.models import LoginAttempt

    attempt = LoginAttempt(username="x", success=True, at=dt.datetime(2026, 3, 1, 23, 30, tzinfo=dt.UTC))
    assert str(attempt).startswith("2026-03-02 07:30")  # Asia/Shanghai is UTC+8
    assert timezone.get_current_timezone_name() == settings.TIME_ZONE


def test_rules_page_reads_in_chinese(tree, login):
    from django.urls import reverse

    html = login(tree.county_admin).get(reverse("orglife:rules", args=[tree.county.pk])).content.decode()
    assert "每季度" in html and "有表决权的正式党员" in html
    assert ">quarter<" not in html and ">voting<" not in html and ">none<" not in html
