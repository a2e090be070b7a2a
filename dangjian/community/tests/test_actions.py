"""Writes of 双报到: who may do what on which side, the rules' refusals, audit and stale versions."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from dangjian.community import actions, feeds
from dangjian.community.choices import RecordStatus, ReportKind, ReportStatus
from dangjian.community.models import CommunityReport
from dangjian.core.actors import SYSTEM
from dangjian.core.errors import ActionDenied, VersionConflict
from dangjian.core.models import ChangeRecord


def test_member_asks_community_accepts_and_both_are_audited(tree, side):
    report = actions.report_request(acting_user=side.member_user, member=side.doctor, community=tree.b)
    assert report.status == ReportStatus.REQUESTED and report.kind == ReportKind.IN_SERVICE
    accepted = actions.report_accept(acting_user=tree.secretary_b, report=report, expected_version=1)
    assert accepted.status == ReportStatus.ACCEPTED and accepted.accepted_by == tree.secretary_b
    actions_logged = set(ChangeRecord.objects.filter(object_id=report.pk).values_list("action", flat=True))
    assert {"community_report_request", "community_report_accept"} <= actions_logged


def test_retiree_gets_the_retired_kind(tree, side):
    report = actions.report_request(acting_user=side.secretary_c, member=side.retiree, community=tree.b)
    assert report.kind == ReportKind.RETIRED


def test_only_the_member_or_their_branch_may_ask(tree, side):
    with pytest.raises(ActionDenied):
        actions.report_request(acting_user=tree.secretary_a, member=side.doctor, community=tree.b)


def test_only_the_community_accepts(tree, side):
    report = actions.report_request(acting_user=side.member_user, member=side.doctor, community=tree.b)
    for user in (side.secretary_c, side.member_user, tree.secretary_a):
        with pytest.raises(ActionDenied):
            actions.report_accept(acting_user=user, report=report)


def test_refusals(tree, side):
    with pytest.raises(ValidationError) as exc:
        actions.report_request(acting_user=SYSTEM, member=side.doctor, community=tree.c)
    assert "村、社区" in str(exc.value)
    actions.report_request(acting_user=SYSTEM, member=side.doctor, community=tree.b)
    with pytest.raises(ValidationError) as exc:
        actions.report_request(acting_user=SYSTEM, member=side.doctor, community=tree.a)
    assert "已有" in str(exc.value)


def test_decline_needs_a_reason_and_a_stale_version_conflicts(tree, side):
    report = actions.report_request(acting_user=side.member_user, member=side.doctor, community=tree.b)
    with pytest.raises(ValidationError):
        actions.report_decline(acting_user=tree.secretary_b, report=report, note=" ")
    with pytest.raises(VersionConflict):
        actions.report_accept(acting_user=tree.secretary_b, report=report, expected_version=7)
    actions.report_decline(acting_user=tree.secretary_b, report=report, note="不在本社区居住", expected_version=1)
    with pytest.raises(ValidationError):
        actions.report_accept(acting_user=tree.secretary_b, report=report)
    # declined: the member may ask another community
    assert actions.report_request(acting_user=side.member_user, member=side.doctor, community=tree.a).pk


def test_service_record_entered_then_confirmed_by_the_community(tree, side, accepted):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as exc:
        actions.record_enter(acting_user=side.member_user, report=accepted, served_on=today, hours="13", what="巡查")
    assert "hours" in exc.value.message_dict
    record = actions.record_enter(acting_user=side.member_user, report=accepted, served_on=today, hours="2.5",
                                  what="楼道清扫")
    assert record.status == RecordStatus.ENTERED and record.hours == D("2.5")
    with pytest.raises(ActionDenied):
        actions.record_decide(acting_user=side.secretary_c, record=record, confirm=True)
    with pytest.raises(ValidationError):
        actions.record_decide(acting_user=tree.secretary_b, record=record, confirm=False, reason="")
    done = actions.record_decide(acting_user=tree.secretary_b, record=record, confirm=True, expected_version=1)
    assert done.status == RecordStatus.CONFIRMED and done.confirmed_by == tree.secretary_b


def test_no_record_before_acceptance(tree, side):
    report = actions.report_request(acting_user=side.member_user, member=side.doctor, community=tree.b)
    with pytest.raises(ValidationError) as exc:
        actions.record_enter(acting_user=side.member_user, report=report, served_on=timezone.localdate(),
                             hours=1, what="x")
    assert "接收" in str(exc.value)


def test_needs_only_from_a_community(tree, side):
    need = actions.need_post(acting_user=tree.secretary_b, community=tree.b, title="助餐",
                             starts_on=timezone.localdate(), places=3)
    assert need.is_open
    with pytest.raises(ActionDenied):
        actions.need_post(acting_user=tree.secretary_b, community=tree.a, title="x", starts_on=timezone.localdate())
    with pytest.raises(ValidationError):
        actions.need_post(acting_user=SYSTEM, community=tree.c, title="x", starts_on=timezone.localdate())
    assert not actions.need_close(acting_user=tree.secretary_b, need=need).is_open


def test_feedback_from_december_edit_needs_the_version(tree, side, accepted):
    year = timezone.localdate().year
    if timezone.localdate() < dt.date(year, 12, 1):
        with pytest.raises(ValidationError):
            actions.feedback_give(acting_user=tree.secretary_b, report=accepted, year=year, rating="good")
    fb = actions.feedback_give(acting_user=tree.secretary_b, report=accepted, year=year - 1, rating="good",
                               comment="积极")
    with pytest.raises(VersionConflict):
        actions.feedback_give(acting_user=tree.secretary_b, report=accepted, year=year - 1, rating="fair")
    edited = actions.feedback_give(acting_user=tree.secretary_b, report=accepted, year=year - 1, rating="fair",
                                   expected_version=fb.version)
    assert edited.rating == "fair" and edited.version == 2
    with pytest.raises(ActionDenied):
        actions.feedback_give(acting_user=side.secretary_c, report=accepted, year=year - 1, rating="good")


def test_end_lets_the_member_report_elsewhere(tree, side, accepted):
    actions.report_end(acting_user=side.member_user, report=accepted)
    assert CommunityReport.objects.get(pk=accepted.pk).status == ReportStatus.ENDED
    assert actions.report_request(acting_user=side.member_user, member=side.doctor, community=tree.a)


def test_inbox_feeds_name_the_community(tree, side, accepted):
    actions.report_request(acting_user=side.secretary_c, member=side.retiree, community=tree.b)
    actions.record_enter(acting_user=side.member_user, report=accepted, served_on=timezone.localdate(), hours=1,
                         what="巡查")
    today = timezone.localdate()
    assert [(n.org_id, n.title[:1]) for n in feeds.requests(today, None)] == [(tree.b.pk, "1")]
    assert [n.org_id for n in feeds.records(today, None)] == [tree.b.pk]
    assert feeds.records(today, [tree.a.pk]) == []
    december = dt.date(today.year, 12, 15)
    due = feeds.feedback(december, None)
    assert [n.org_id for n in due] == [tree.b.pk] and due[0].due_on == dt.date(today.year + 1, 1, 31)
    assert feeds.feedback(dt.date(today.year, 6, 1), None) == []
    actions.feedback_give(acting_user=SYSTEM, report=accepted, year=today.year - 1, rating="good")
    assert feeds.feedback(dt.date(today.year, 1, 10), None) == []


def test_the_daily_refresh_opens_and_closes_the_communitys_item(tree, side):
    from dangjian.inbox.models import InboxItem
    from dangjian.inbox.registry import refresh

    report = actions.report_request(acting_user=side.member_user, member=side.doctor, community=tree.b)
    refresh(feeds.REQUESTS)
    item = InboxItem.objects.get(source=feeds.REQUESTS, done_at__isnull=True)
    assert item.org_id == tree.b.pk and item.url == f"/community/org/{tree.b.pk}/"
    actions.report_accept(acting_user=tree.secretary_b, report=report)
    refresh(feeds.REQUESTS)
    assert not InboxItem.objects.filter(source=feeds.REQUESTS, done_at__isnull=True).exists()
