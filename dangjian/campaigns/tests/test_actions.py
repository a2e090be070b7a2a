"""Campaign actions on a real database: the draw, the grants, findings to items, judges, 评选."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from dangjian.campaigns import actions, queries
from dangjian.campaigns.choices import ApplicationState, CampaignKind, ItemStatus, Role, TitleState
from dangjian.campaigns.models import Campaign, Target
from dangjian.core.actors import SYSTEM
from dangjian.core.errors import ActionDenied
from dangjian.core.models import ChangeRecord
from dangjian.orgs.models import Organization
from dangjian.testing import make_org, make_user
from dangjian.worklists.choices import Source, State
from dangjian.worklists.testing import work_to

from .conftest import make_campaign

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _more_branches(tree):
    for i in range(2, 8):
        make_org(tree.town1, f"东城镇第{i}党支部", f"C0001-01-1{i:02d}")
    for i in range(1, 5):
        make_org(tree.town2, f"西山镇第{i}党支部", f"C0001-02-1{i:02d}")


def test_sample_is_recorded_reproducible_and_stratified(tree, campaign):
    _more_branches(tree)
    targets = actions.targets_sample(acting_user=tree.county_admin, campaign=campaign, size=5, kinds=["branch"],
                                     seed=20260615)
    campaign.refresh_from_db()
    assert campaign.sample_seed == 20260615 and len(targets) == 5
    # town 1 has 8 branches, town 2 has 5 of 13: 5 × 8/13 = 3.1 → 3, 5 × 5/13 = 1.9 → 2
    towns = [t.org.path[:8] for t in targets]
    assert towns.count(tree.town1.path) == 3 and towns.count(tree.town2.path) == 2
    ok, message = actions.sample_check(campaign)
    assert ok, message
    record = ChangeRecord.objects.get(action="campaign_sample")
    assert record.after["seed"] == 20260615 and record.after["population"] == 13

    # a second campaign with the same seed over the same organisations draws the same
    again = make_campaign(tree, campaign.starts_on, title="复核")
    same = actions.targets_sample(acting_user=SYSTEM, campaign=again, size=5, kinds=["branch"], seed=20260615)
    assert [t.org_id for t in same] == [t.org_id for t in targets]

    with pytest.raises(ValidationError):
        actions.targets_choose(acting_user=SYSTEM, campaign=campaign, orgs=[tree.a])
    # a target swapped in the database is found by the re-run
    drawn = set(t.org_id for t in targets)
    other = Organization.objects.filter(kind="branch").exclude(pk__in=drawn).first()
    Target.objects.filter(pk=targets[0].pk).update(org=other)
    ok, message = actions.sample_check(campaign)
    assert not ok and "调换" in message


def test_targets_by_kinds_and_chosen_stay_in_the_subtree(tree, today, outsider):
    campaign = make_campaign(tree, today, scope_org=tree.town1)
    assert actions.targets_by_kinds(acting_user=tree.county_admin, campaign=campaign, kinds=["branch"]) == 2
    other = make_campaign(tree, today, scope_org=tree.town1)
    with pytest.raises(ValidationError, match="不在本次活动范围内"):
        actions.targets_choose(acting_user=tree.county_admin, campaign=other, orgs=[tree.c])
    with pytest.raises(ActionDenied):
        actions.targets_choose(acting_user=tree.secretary_a, campaign=other, orgs=[tree.a])


def test_outside_inspector_sees_targets_only_during_the_period(tree, campaign, outsider, today):
    actions.targets_choose(acting_user=tree.county_admin, campaign=campaign, orgs=[tree.a])
    actions.participant_grant(acting_user=tree.county_admin, campaign=campaign, user=outsider, role=Role.INSPECTOR)
    assert ChangeRecord.objects.filter(action="campaign_grant", after__user="outsider").exists()
    assert list(queries.campaigns_for(outsider, today)) == [campaign]
    _, access = queries.campaign_or_404(outsider, campaign.pk, today)
    assert [t.org for t in queries.targets_for(outsider, access)] == [tree.a]
    # no other way in: the platform's own scope is not widened
    assert not Organization.objects.restrict(outsider).filter(pk=tree.a.pk).exists()
    target = campaign.targets.get()
    finding = actions.finding_record(acting_user=outsider, target=target, text="活动室未挂牌", is_problem=True,
                                     deadline=today + dt.timedelta(days=30), today=today)
    assert finding.item is None  # waits for the organiser's one step
    with pytest.raises(ActionDenied):
        actions.finding_to_item(acting_user=outsider, finding=finding)
    with pytest.raises(ActionDenied):
        actions.participant_grant(acting_user=outsider, campaign=campaign, user=outsider, role=Role.JUDGE)
    late = campaign.ends_on + dt.timedelta(days=1)
    assert not queries.campaigns_for(outsider, late).exists()
    with pytest.raises(ActionDenied):
        actions.finding_record(acting_user=outsider, target=target, text="再看看", today=late)
    actions.campaign_close(acting_user=tree.county_admin, campaign=campaign)
    assert not queries.campaigns_for(outsider, today).exists()
    assert ChangeRecord.objects.filter(action="campaign_revoke", after__user="outsider").exists()


def test_finding_becomes_an_item_and_the_report_follows_it(tree, campaign, today):
    actions.targets_choose(acting_user=SYSTEM, campaign=campaign, orgs=[tree.a, tree.b])
    ta, tb = campaign.targets.order_by("draw_order")
    sheet_item = campaign.sheet.items.first()
    photo = SimpleUploadedFile("现场.png", PNG, content_type="image/png")
    found = actions.finding_record(acting_user=tree.county_admin, target=ta, sheet_item=sheet_item, score="30",
                                   text="三会一课记录不全", is_problem=True, deadline=today + dt.timedelta(days=10),
                                   photos=[photo], today=today)
    assert found.item.org == tree.a and found.item.source == Source.SUPERVISION
    assert found.item.document.title.endswith(campaign.title)
    assert found.photos.get().file_type == "png"
    late = actions.finding_record(acting_user=tree.county_admin, target=tb, text="阵地未建", is_problem=True,
                                  deadline=today - dt.timedelta(days=1), today=today)
    actions.finding_record(acting_user=tree.county_admin, target=tb, sheet_item=sheet_item, score=38, text="较好",
                           today=today)
    work_to(found.item, State.CLOSED, today=today)
    rows = queries.report_rows(queries.findings_for(tree.county_admin, queries.access_of(tree.county_admin, campaign)),
                               today)
    status = {r.finding.pk: r.status for r in rows}
    assert status[found.pk] == ItemStatus.CLOSED
    assert status[late.pk] == ItemStatus.OVERDUE
    assert sorted(status.values()).count(ItemStatus.NONE) == 1


def test_photos_are_checked_by_content(tree, campaign, today):
    actions.targets_choose(acting_user=SYSTEM, campaign=campaign, orgs=[tree.a])
    fake = SimpleUploadedFile("photo.jpg", b"<html>not a photo</html>", content_type="image/jpeg")
    with pytest.raises(ValidationError, match="photo.jpg"):
        actions.finding_record(acting_user=SYSTEM, target=campaign.targets.get(), text="x", photos=[fake])
    pdf = SimpleUploadedFile("a.jpg", b"%PDF-1.4 x", content_type="image/jpeg")
    with pytest.raises(ValidationError, match="JPEG 或 PNG"):
        actions.finding_record(acting_user=SYSTEM, target=campaign.targets.get(), text="x", photos=[pdf])


def test_unannounced_targets_are_hidden_until_the_visit(tree, today):
    campaign = make_campaign(tree, today, kind=CampaignKind.UNANNOUNCED, title="随机暗访")
    actions.targets_choose(acting_user=SYSTEM, campaign=campaign, orgs=[tree.a])
    assert not queries.campaigns_for(tree.secretary_a, today).exists()
    actions.finding_record(acting_user=tree.county_admin, target=campaign.targets.get(), text="值班无人", today=today)
    assert list(queries.campaigns_for(tree.secretary_a, today)) == [campaign]
    _, access = queries.campaign_or_404(tree.secretary_a, campaign.pk, today)
    assert queries.findings_for(tree.secretary_a, access).count() == 1


def test_revisit_reopens_a_closed_item(tree, campaign, today):
    actions.targets_choose(acting_user=SYSTEM, campaign=campaign, orgs=[tree.a])
    found = actions.finding_record(acting_user=tree.county_admin, target=campaign.targets.get(), text="问题",
                                   is_problem=True, deadline=today, today=today)
    work_to(found.item, State.CLOSED, today=today)
    revisit = make_campaign(tree, today, kind=CampaignKind.REVISIT, title="回头看", revisits=campaign)
    assert actions.targets_for_revisit(acting_user=tree.county_admin, campaign=revisit) == 1
    later = today + dt.timedelta(days=100)  # worklists' 回头看 opens 90 days after 销号
    actions.revisit_item(acting_user=tree.county_admin, campaign=revisit, finding=found, reopen=True,
                         reason="问题反弹", today=later)
    found.item.refresh_from_db()
    assert found.item.state == State.IN_PROGRESS


def test_judges_score_independently_but_never_their_own_org(tree, today):
    observe = make_campaign(tree, today, kind=CampaignKind.OBSERVATION, title="一季度观摩")
    actions.targets_choose(acting_user=SYSTEM, campaign=observe, orgs=[tree.a, tree.b, tree.c])
    judges = [make_user(f"judge{i}") for i in range(5)]
    for judge in judges:
        actions.participant_grant(acting_user=SYSTEM, campaign=observe, user=judge, role=Role.JUDGE)
    own = make_user("judge_a", org=tree.a)
    actions.participant_grant(acting_user=SYSTEM, campaign=observe, user=own, role=Role.JUDGE)
    items = list(observe.sheet.items.all())
    ta, tb, tc = observe.targets.order_by("draw_order")
    with pytest.raises(ActionDenied, match="本单位"):
        actions.scores_record(acting_user=own, target=ta, scores={items[0].pk: 10}, today=today)
    town = make_user("town_judge", org=tree.a, role="readonly")
    actions.participant_grant(acting_user=SYSTEM, campaign=observe, user=town, role=Role.JUDGE)
    with pytest.raises(ActionDenied, match="本单位"):  # any position there counts, read-only too
        actions.scores_record(acting_user=town, target=ta, scores={items[0].pk: 10}, today=today)
    actions.scores_record(acting_user=own, target=tc, scores={items[0].pk: 10}, today=today)
    with pytest.raises(ValidationError, match="满分"):
        actions.scores_record(acting_user=judges[0], target=ta, scores={items[0].pk: 41}, today=today)
    for i, judge in enumerate(judges):
        actions.scores_record(acting_user=judge, target=ta, scores={items[0].pk: 30 + i, items[1].pk: 20}, today=today)
        actions.scores_record(acting_user=judge, target=tb, scores={items[0].pk: 20 + i}, today=today)
    rows = {r.target.pk: r for r in queries.ranking(observe)}
    assert rows[ta.pk].combined == D("52.00")  # 50..54, trimmed → 51, 52, 53
    assert rows[tb.pk].combined == D("22.00")
    assert rows[ta.pk].place == 1
    assert rows[tc.pk].judges == 1


def test_own_org_judge_refused_via_home_org(tree, today):
    observe = make_campaign(tree, today, kind=CampaignKind.OBSERVATION, title="观摩")
    actions.targets_choose(acting_user=SYSTEM, campaign=observe, orgs=[tree.town1])
    guest = make_user("guest_judge")
    actions.participant_grant(acting_user=SYSTEM, campaign=observe, user=guest, role=Role.JUDGE, home_org=tree.b)
    with pytest.raises(ActionDenied):
        actions.scores_record(acting_user=guest, target=observe.targets.get(),
                              scores={observe.sheet.items.first().pk: 1}, today=today)


def test_selection_from_application_to_title_and_withdrawal(tree, today):
    selection = make_campaign(tree, today, kind=CampaignKind.BRAND_SELECTION, title="党建品牌评选")
    material = SimpleUploadedFile("事迹.pdf", b"%PDF-1.4\n%demo\n", content_type="application/pdf")
    application = actions.application_submit(acting_user=tree.secretary_a, campaign=selection, org=tree.a,
                                             name="红星先锋", description="村党支部带领群众致富", files=[material])
    assert application.files.get().file_type == "pdf"
    with pytest.raises(ActionDenied):
        actions.application_submit(acting_user=tree.secretary_a, campaign=selection, org=tree.b, name="x",
                                   description="y")
    with pytest.raises(ActionDenied):
        actions.application_screen(acting_user=tree.secretary_a, application=application, passed=True)
    actions.application_screen(acting_user=tree.county_admin, application=application, passed=True)
    judge = make_user("brand_judge")
    actions.participant_grant(acting_user=SYSTEM, campaign=selection, user=judge, role=Role.JUDGE)
    actions.scores_record(acting_user=judge, target=application.target,
                          scores={selection.sheet.items.first().pk: 35}, today=today)
    with pytest.raises(ValidationError, match="只有 4 个工作日"):  # 19 June 2026 is 端午节 in the stored calendar
        actions.publicity_start(acting_user=tree.county_admin, application=application,
                                starts_on=dt.date(2026, 6, 15), ends_on=dt.date(2026, 6, 19))
    monday = dt.date(2026, 6, 22)
    actions.publicity_start(acting_user=tree.county_admin, application=application, starts_on=monday,
                            ends_on=monday + dt.timedelta(days=4))
    objection = actions.objection_add(acting_user=tree.county_admin, application=application, text="材料有夸大",
                                      received_on=monday)
    after = monday + dt.timedelta(days=7)
    with pytest.raises(ValidationError, match="异议未答复"):
        actions.application_name(acting_user=tree.county_admin, application=application, certificate_no="PP-1",
                                 today=after)
    actions.objection_answer(acting_user=tree.county_admin, objection=objection, answer="经核实属实部分已修改")
    title = actions.application_name(acting_user=tree.county_admin, application=application,
                                     certificate_no="PP-2026-001", today=after)
    application.refresh_from_db()
    assert application.state == ApplicationState.NAMED and title.org == tree.a
    assert list(queries.titles_of_org(tree.secretary_a, tree.a)) == [title]
    actions.title_review(acting_user=tree.county_admin, title=title, year=2027, kept=True, today=after)
    with pytest.raises(ValidationError):
        actions.title_review(acting_user=tree.county_admin, title=title, year=2028, kept=False, today=after)
    actions.title_review(acting_user=tree.county_admin, title=title, year=2028, kept=False, note="组织生活长期不规范",
                         today=after)
    title.refresh_from_db()
    assert title.state == TitleState.WITHDRAWN and title.reviews.count() == 2


def test_settings_conflict_and_shares(tree, campaign):
    with pytest.raises(ValidationError):
        actions.campaign_update(acting_user=tree.county_admin, campaign=campaign, advanced_share=70, lagging_share=40)
    updated = actions.campaign_update(acting_user=tree.county_admin, campaign=campaign, expected_version=1,
                                      advanced_share=20)
    assert updated.version == 2
    from dangjian.core.errors import VersionConflict

    with pytest.raises(VersionConflict):
        actions.campaign_update(acting_user=tree.county_admin, campaign=campaign, expected_version=1, lagging_share=5)
    assert Campaign.objects.get().advanced_share == 20
