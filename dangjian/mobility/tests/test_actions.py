"""流动党员 writes: the member's flag follows the records, scope, versions, the audit, the data migration."""

import datetime as dt

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError

from dangjian.core.actors import SYSTEM
from dangjian.core.errors import ActionDenied, VersionConflict
from dangjian.core.models import ChangeRecord
from dangjian.members.models import Member
from dangjian.mobility import actions
from dangjian.mobility.models import FlowReport, Inflow, Outflow
from dangjian.testing import make_user

from .conftest import away, report

pytestmark = pytest.mark.django_db


def test_opening_and_closing_keep_the_member_flag(tree, today):
    member = tree.members["a"][0]
    outflow = actions.outflow_open(acting_user=tree.secretary_a, member=member, place="浙江省杭州市",
                                   left_on=today, contact="13800000000", receiving_org_text="杭州某流动党员党支部")
    member.refresh_from_db()
    assert (member.flow_status, member.flow_place) == ("out", "浙江省杭州市")
    assert outflow.org == tree.a and ChangeRecord.objects.filter(action="outflow_open").exists()
    with pytest.raises(ValidationError) as again:
        actions.outflow_open(acting_user=tree.secretary_a, member=member, place="上海市", left_on=today)
    assert "未结束的外出登记" in str(again.value)
    lost = actions.outflow_close(acting_user=tree.secretary_a, outflow=outflow, status="lost", on=today,
                                 expected_version=1)
    member.refresh_from_db()
    assert lost.status == "lost" and member.flow_status == "out"  # still away, only unreachable
    with pytest.raises(VersionConflict):
        actions.outflow_close(acting_user=tree.secretary_a, outflow=outflow, status="returned", on=today,
                              expected_version=1)
    actions.outflow_close(acting_user=tree.secretary_a, outflow=outflow, status="returned", on=today,
                          expected_version=2)
    member.refresh_from_db()
    assert (member.flow_status, member.flow_place) == ("", "")
    assert ChangeRecord.objects.filter(action="member_flow_set").count() == 2


def test_scope_and_bad_input(tree, today):
    member = tree.members["a"][0]
    with pytest.raises(ActionDenied):
        actions.outflow_open(acting_user=tree.secretary_b, member=member, place="上海市", left_on=today)
    with pytest.raises(ValidationError) as bad:
        actions.outflow_open(acting_user=tree.secretary_a, member=member, place=" ",
                             left_on=today + dt.timedelta(days=1))
    assert set(bad.value.message_dict) == {"place", "left_on"}
    assert not Outflow.objects.exists()


def test_a_member_files_their_own_report_and_others_cannot(tree, today):
    member = tree.members["a"][1]
    own = make_user("liu_dong")
    Member.objects.filter(pk=member.pk).update(user=own)
    outflow = away(member, today, 3)
    filed = report(outflow, today, user=own)
    assert filed.source == "member"
    stranger = make_user("stranger")
    with pytest.raises(ActionDenied):
        report(outflow, today, user=stranger)
    with pytest.raises(ValidationError) as early:
        report(outflow, outflow.left_on - dt.timedelta(days=1))
    assert "不能早于外出日期" in str(early.value)
    assert FlowReport.objects.count() == 1


def test_a_report_after_lost_contact_reopens_the_outflow(tree, today):
    outflow = away(tree.members["a"][2], today, 8)
    actions.outflow_close(acting_user=SYSTEM, outflow=outflow, status="lost", on=today, expected_version=1)
    report(outflow, today, kind="contact")
    outflow.refresh_from_db()
    assert outflow.status == "away" and outflow.version == 3


def test_card_numbers_are_unique(tree, today):
    first = away(tree.members["a"][0], today, 1)
    second = away(tree.members["b"][0], today, 1)
    actions.card_issue(acting_user=SYSTEM, outflow=first, number="LD001", issued_on=today,
                       expires_on=today + dt.timedelta(days=365))
    with pytest.raises(ValidationError) as taken:
        actions.card_issue(acting_user=SYSTEM, outflow=second, number="LD001", issued_on=today,
                           expires_on=today + dt.timedelta(days=365))
    assert "已被使用" in str(taken.value)


def test_inflow_linked_to_a_member_sets_and_clears_the_flag(tree, today):
    member = tree.members["c"][0]
    inflow = actions.inflow_register(acting_user=tree.secretary_a, org=tree.a, member=member, name="",
                                     origin_org="西山镇卫生院党支部", origin_place="西山镇", arrived_on=today)
    member.refresh_from_db()
    assert inflow.name == member.name and member.flow_status == "in"
    actions.inflow_leave(acting_user=tree.secretary_a, inflow=inflow, on=today, expected_version=1)
    member.refresh_from_db()
    assert member.flow_status == "" and Inflow.objects.get().status == "left"


def test_the_data_migration_turns_flags_into_records(tree):
    migration = __import__("dangjian.mobility.migrations.0002_outflows_from_member_flags",
                           fromlist=["forward"])
    out, inn = tree.members["a"][0], tree.members["b"][0]
    Member.objects.filter(pk=out.pk).update(flow_status="out", flow_place="广东省东莞市")
    Member.objects.filter(pk=inn.pk).update(flow_status="in", flow_place="")
    migration.forward(apps, None)
    outflow = Outflow.objects.get()
    assert (outflow.member_id, outflow.org_id, outflow.status) == (out.pk, tree.a.pk, "away")
    assert outflow.place == "广东省东莞市"
    assert Inflow.objects.get().origin_place == "未登记地点"
