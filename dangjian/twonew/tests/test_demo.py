"""The demo registry, 阵地 and a year of study at the tiny scale."""

import io

import pytest
from django.core.management import call_command

from dangjian.learning.models import Session, SessionAttendance
from dangjian.learning.queries import hours_table
from dangjian.orgs.demo.scales import ANCHOR
from dangjian.orgs.models import Organization
from dangjian.twonew import queries, rules
from dangjian.twonew.models import Centre, Check, Entity

pytestmark = pytest.mark.django_db


def test_tiny_demo(django_user_model):
    out = io.StringIO()
    call_command("demo_data", stdout=out, scale="tiny", anchor=ANCHOR)
    assert "两新组织：" in out.getvalue() and "学习教育：" in out.getvalue()
    assert Entity.objects.count() > 20
    assert all(rules.credit_code_error(c) is None for c in Entity.objects.values_list("credit_code", flat=True))
    root = Organization.objects.get(depth=1)
    admin = django_user_model.objects.create_user("demo_root_admin", password="x")
    admin.positions.create(org=root, role="superior_admin")
    top = queries.coverage_by_org(admin, root)[0].counts
    assert 0 < top.uncovered < top.total and top.org_rate < top.work_rate < 100  # realistic gaps
    assert 0 < Check.objects.count() < Entity.objects.count()  # the round is under way
    assert Centre.objects.exists()
    assert Session.objects.filter(meeting__isnull=False).exists()  # 中心组 linked to meetings
    assert SessionAttendance.objects.exists()
    year = Session.objects.order_by("-held_on").first().held_on.year
    assert any(r.hours > 0 for r in hours_table(admin, root, year))
