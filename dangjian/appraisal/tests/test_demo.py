"""The demo: 民主评议 in every branch with members, 述职评议 of the secretaries, a points ledger."""

import io

import pytest
from django.core.management import call_command

from dangjian.appraisal import queries
from dangjian.appraisal.choices import Grade, Stage
from dangjian.appraisal.models import Appraisal, AppraisalMember, DisposalRecord, PointsEntry, ReportEntry
from dangjian.inbox.models import InboxItem
from dangjian.members.models import Member
from dangjian.orgs.choices import BRANCH_KINDS
from dangjian.orgs.demo.scales import ANCHOR
from dangjian.orgs.models import Organization

pytestmark = pytest.mark.django_db


def test_tiny_demo():
    out = io.StringIO()
    call_command("demo_data", stdout=out, scale="tiny", anchor=ANCHOR)
    assert "评议积分" in out.getvalue()
    done = Appraisal.objects.filter(stage=Stage.DONE)
    branches_with_members = {o.pk for o in Organization.objects.filter(kind__in=BRANCH_KINDS)
                             if Member.objects.filter(org__path__startswith=o.path, status="normal").exists()}
    assert set(done.values_list("org_id", flat=True)) == branches_with_members
    assert done.exclude(meeting=None).exists()  # linked to the 民主评议党员 meeting where there was one
    grades = set(AppraisalMember.objects.filter(appraisal__in=done).values_list("grade", flat=True))
    assert {Grade.EXCELLENT, Grade.QUALIFIED} <= grades
    assert AppraisalMember.objects.exclude(exclusion="").exists()
    assert ReportEntry.objects.exclude(result="").count() > 5
    assert PointsEntry.objects.filter(origin="event").exists() and PointsEntry.objects.filter(origin="claim").exists()
    assert InboxItem.objects.filter(source="appraisal.disposal").count() == DisposalRecord.objects.count()
    county = Organization.objects.filter(parent=None).first()
    overview = queries.overview(county, ANCHOR.year - 1)
    assert overview.total.done == done.count()
