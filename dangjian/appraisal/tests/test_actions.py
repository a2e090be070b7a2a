"""The writes: scope, stage checks, the 三单 item made from a problem, the 待办 of a 组织处置, the
points ledger (generation idempotent, claims approved by the branch)."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from dangjian.appraisal import actions, queries
from dangjian.appraisal.choices import EntryState, Grade, PointsCategory, Rating, Stage
from dangjian.appraisal.models import AppraisalMember, PointsEntry
from dangjian.core.actors import SYSTEM
from dangjian.core.errors import ActionDenied, VersionConflict
from dangjian.core.models import ChangeRecord
from dangjian.inbox.models import InboxItem
from dangjian.testing import make_user
from dangjian.worklists.choices import Kind

from .conftest import YEAR

pytestmark = pytest.mark.django_db
TODAY = dt.date(YEAR, 12, 1)


def _docx() -> bytes:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def test_round_lists_the_secretaries_and_tallies_give_the_result(secretaries):
    tree = secretaries
    town_admin = make_user("town1_admin", org=tree.town1, role="superior_admin")
    r = actions.round_create(acting_user=town_admin, org=tree.town1, year=YEAR)
    entries = {e.org_id: e for e in r.entries.all()}
    assert set(entries) == {tree.a.pk, tree.b.pk}
    assert entries[tree.a.pk].secretary_name == tree.members["a"][0].name
    assert entries[tree.b.pk].secretary_name == ""  # vacant
    entry = actions.entry_tally(acting_user=town_admin, entry=entries[tree.a.pk], good=12, fairly_good=5,
                                average=3, poor=0, expected_version=1)
    assert entry.result == Rating.GOOD and "60.0%" in entry.result_reason
    with pytest.raises(VersionConflict):
        actions.entry_tally(acting_user=town_admin, entry=entry, good=1, fairly_good=0, average=0, poor=0,
                            expected_version=1)
    # the branch secretary cannot score their own secretary, nor can town 2
    with pytest.raises(ActionDenied):
        actions.entry_tally(acting_user=tree.secretary_a, entry=entry, good=20, fairly_good=0, average=0, poor=0)
    with pytest.raises(ActionDenied):
        actions.round_create(acting_user=tree.secretary_a, org=tree.town2, year=YEAR)
    r = actions.round_update(acting_user=town_admin, round=r, good_share=70, expected_version=1)
    entry.refresh_from_db()
    assert entry.result == Rating.FAIRLY_GOOD  # 12/20 is 60% < 70%; 好+较好 85% ≥ 70%


def test_report_upload_checks_the_content(secretaries):
    tree = secretaries
    r = actions.round_create(acting_user=tree.county_admin, org=tree.town1, year=YEAR)
    entry = r.entries.get(org=tree.a)
    with pytest.raises(ValidationError) as exc:
        actions.entry_report(acting_user=tree.secretary_a, entry=entry,
                             upload=SimpleUploadedFile("述职.pdf", b"\x89PNG\r\n\x1a\n" + b"0" * 50))
    assert "Word" in str(exc.value)
    entry = actions.entry_report(acting_user=tree.secretary_a, entry=entry,
                                 upload=SimpleUploadedFile("述职报告.docx", _docx()))
    assert entry.report_type == "docx" and entry.report_name == "述职报告.docx"
    with pytest.raises(ActionDenied):
        actions.entry_report(acting_user=tree.secretary_b, entry=entry,
                             upload=SimpleUploadedFile("x.pdf", b"%PDF-1.4\n"))


def test_problem_becomes_a_problem_item_once(secretaries):
    tree = secretaries
    r = actions.round_create(acting_user=tree.county_admin, org=tree.town1, year=YEAR)
    entry = r.entries.get(org=tree.a)
    problem = actions.problem_add(acting_user=tree.county_admin, entry=entry, text="抓基层党建责任落实不到位")
    item = actions.problem_to_item(acting_user=tree.county_admin, problem=problem, today=TODAY)
    assert item.kind == Kind.PROBLEM and item.org == tree.a and item.title == "抓基层党建责任落实不到位"
    assert item.deadline == TODAY + dt.timedelta(days=180)
    problem.refresh_from_db()
    assert problem.item == item
    with pytest.raises(ValidationError):
        actions.problem_to_item(acting_user=tree.county_admin, problem=problem)


def _appraisal(tree, meeting=None):
    return actions.appraisal_start(acting_user=tree.secretary_a, org=tree.a, year=YEAR, meeting=meeting)


def test_appraisal_flow_from_tallies_to_decision(tree, review_meeting):
    appraisal = _appraisal(tree, review_meeting)
    assert appraisal.meeting == review_meeting and appraisal.people.count() == 4
    people = list(appraisal.people.order_by("id"))
    actions.person_update(acting_user=tree.secretary_a, person=people[3], exclusion="illness",
                          exclusion_note="住院治疗")
    with pytest.raises(ValidationError):  # votes belong to the 民主测评 step
        actions.person_update(acting_user=tree.secretary_a, person=people[0], excellent_votes=3)
    for _ in range(2):
        appraisal = actions.appraisal_advance(acting_user=tree.secretary_a, appraisal=appraisal)
    assert appraisal.stage == Stage.VOTE
    appraisal = actions.appraisal_update(acting_user=tree.secretary_a, appraisal=appraisal, voters=4,
                                         meeting=review_meeting)
    with pytest.raises(ValidationError):  # more votes than voters
        actions.person_update(acting_user=tree.secretary_a, person=people[0], excellent_votes=3, qualified_votes=2)
    actions.person_update(acting_user=tree.secretary_a, person=people[0], excellent_votes=3, qualified_votes=1)
    appraisal = actions.appraisal_advance(acting_user=tree.secretary_a, appraisal=appraisal)
    with pytest.raises(ValidationError) as exc:
        actions.person_update(acting_user=tree.secretary_a, person=people[3], grade=Grade.QUALIFIED)
    assert "不参加" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        actions.appraisal_advance(acting_user=tree.secretary_a, appraisal=appraisal)
    assert "还有 3 名党员未评定等次" in str(exc.value)
    for person, grade in zip(people[:3], [Grade.EXCELLENT, Grade.EXCELLENT, Grade.UNQUALIFIED], strict=True):
        actions.person_update(acting_user=tree.secretary_a, person=person, grade=grade)
    assert "超过" in queries.appraisal_warnings(appraisal)[0]  # 2 of 3 appraised is over one third
    actions.person_update(acting_user=tree.secretary_a, person=AppraisalMember.objects.get(pk=people[1].pk),
                          grade=Grade.QUALIFIED)
    assert queries.appraisal_warnings(appraisal) == []  # exactly one third
    appraisal = actions.appraisal_advance(acting_user=tree.secretary_a, appraisal=appraisal, today=TODAY)
    assert appraisal.stage == Stage.DONE and appraisal.finished_on == TODAY
    with pytest.raises(ValidationError):
        actions.person_update(acting_user=tree.secretary_a, person=people[0], grade=Grade.QUALIFIED)


def test_appraisal_scope_and_meeting_checks(tree, review_meeting):
    with pytest.raises(ActionDenied):
        actions.appraisal_start(acting_user=tree.secretary_b, org=tree.a, year=YEAR)
    with pytest.raises(ActionDenied):
        actions.appraisal_start(acting_user=tree.reader_town1, org=tree.a, year=YEAR)
    with pytest.raises(ValidationError):
        actions.appraisal_start(acting_user=tree.county_admin, org=tree.town1, year=YEAR)  # not a branch
    with pytest.raises(ValidationError):
        actions.appraisal_start(acting_user=tree.county_admin, org=tree.b, year=YEAR, meeting=review_meeting)
    _appraisal(tree)
    with pytest.raises(ValidationError):
        _appraisal(tree)  # one per branch and year


def test_unqualified_member_gets_a_disposal_in_the_inbox(tree):
    appraisal = _appraisal(tree)
    for _ in range(3):
        appraisal = actions.appraisal_advance(acting_user=tree.secretary_a, appraisal=appraisal)
    person = appraisal.people.order_by("id").first()
    with pytest.raises(ValidationError):
        actions.disposal_create(acting_user=tree.secretary_a, person=person, kind="rectify",
                                due_on=TODAY + dt.timedelta(days=90), today=TODAY)
    person = actions.person_update(acting_user=tree.secretary_a, person=person, grade=Grade.UNQUALIFIED)
    record = actions.disposal_create(acting_user=tree.secretary_a, person=person, kind="rectify",
                                     due_on=TODAY + dt.timedelta(days=90), note="限期三个月改正", today=TODAY)
    item = InboxItem.objects.get(key=f"appraisal.disposal:{record.pk}")
    assert item.org_id == tree.a.pk and item.due_on == record.due_on and item.done_at is None
    actions.disposal_done(acting_user=tree.secretary_a, disposal=record, done_note="已改正", today=TODAY)
    item.refresh_from_db()
    assert item.done_at is not None


def test_points_rules_refuse_forbidden_bases(tree):
    with pytest.raises(ValidationError) as exc:
        actions.rule_create(acting_user=tree.county_admin, org=tree.county, category=PointsCategory.DUTY,
                            name="每日学习打卡", points=1)
    assert "打卡" in str(exc.value)
    with pytest.raises(ActionDenied):
        actions.rule_create(acting_user=tree.secretary_a, org=tree.county, category=PointsCategory.SERVICE,
                            name="志愿服务", points=2)


def test_attendance_points_are_generated_once(tree, review_meeting):
    rule = actions.rule_create(acting_user=tree.county_admin, org=tree.county, category=PointsCategory.ATTENDANCE,
                               name="参加组织生活", points=2, cap_month=4)
    created = actions.points_generate(acting_user=tree.county_admin, root=tree.county, start=dt.date(YEAR, 1, 1),
                                      end=dt.date(YEAR, 12, 31))
    assert created == 4
    assert actions.points_generate(acting_user=tree.county_admin, root=tree.county, start=dt.date(YEAR, 1, 1),
                                   end=dt.date(YEAR, 12, 31)) == 0
    entry = PointsEntry.objects.filter(member=tree.members["a"][0]).get()
    assert entry.state == EntryState.APPROVED and entry.rule == rule and entry.points == 2
    assert "民主评议党员" in entry.reason
    assert ChangeRecord.objects.filter(action="appraisal_points_generate").count() == 2


def test_claims_are_approved_by_the_branch_and_vetoes_zero_the_year(tree):
    member = tree.members["a"][1]
    member_user = make_user("member_a1")
    member.user = member_user
    member.save(update_fields=["user"])
    service = actions.rule_create(acting_user=tree.county_admin, org=tree.county, category=PointsCategory.SERVICE,
                                  name="志愿服务", points=3, cap_year=5)
    with pytest.raises(ValidationError) as exc:
        actions.entry_claim(acting_user=member_user, member=member, rule=service, on=TODAY, reason="社区清扫",
                            today=TODAY)
    assert "佐证" in str(exc.value)
    claims = [actions.entry_claim(acting_user=member_user, member=member, rule=service, on=TODAY - dt.timedelta(d),
                                  reason="社区清扫", evidence_text="社区出具证明", today=TODAY) for d in (3, 2)]
    assert InboxItem.objects.filter(org=tree.a, source="appraisal.claim", done_at__isnull=True).count() == 2
    with pytest.raises(ActionDenied):  # another member's claim is not theirs to file
        actions.entry_claim(acting_user=member_user, member=tree.members["a"][2], rule=service, on=TODAY,
                            reason="x", evidence_text="y", today=TODAY)
    with pytest.raises(ActionDenied):
        actions.entry_decide(acting_user=tree.secretary_b, entry=claims[0], approve=True)
    for claim in claims:
        actions.entry_decide(acting_user=tree.secretary_a, entry=claim, approve=True)
    ledger = queries.member_ledger(member, YEAR)
    assert ledger.total == 5 and [e.counted for e in ledger.entries] == [3, 2]
    assert InboxItem.objects.filter(user=member_user, source="appraisal.claim_result").count() == 2
    veto = actions.rule_create(acting_user=tree.county_admin, org=tree.county, category=PointsCategory.VETO,
                               name="受到党纪处分")
    secretary_claim = actions.entry_claim(acting_user=tree.secretary_a, member=member, rule=veto, on=TODAY,
                                          reason="受到党内警告处分", evidence_text="处分决定", today=TODAY)
    with pytest.raises(ValidationError):  # not one's own claim
        actions.entry_decide(acting_user=tree.secretary_a, entry=secretary_claim, approve=True)
    actions.entry_decide(acting_user=tree.county_admin, entry=secretary_claim, approve=True)
    assert queries.member_ledger(member, YEAR).total == 0


def test_rankings_are_off_by_default(tree):
    assert queries.rankings_enabled(tree.a) is False
    actions.setting_set(acting_user=tree.county_admin, org=tree.county, rankings=True)
    assert queries.rankings_enabled(tree.a) is True
    actions.setting_set(acting_user=tree.secretary_a, org=tree.a, rankings=False)
    assert queries.rankings_enabled(tree.a) is False and queries.rankings_enabled(tree.b) is True


def test_only_the_branch_approves(tree):
    service = actions.rule_create(acting_user=SYSTEM, org=tree.county, category=PointsCategory.SERVICE,
                                  name="志愿服务", points=2)
    claim = actions.entry_claim(acting_user=tree.secretary_a, member=tree.members["a"][0], rule=service, on=TODAY,
                                reason="x", evidence_text="y", today=TODAY)
    with pytest.raises(ActionDenied):
        actions.entry_decide(acting_user=tree.reader_town1, entry=claim, approve=True)
    with pytest.raises(ValidationError):
        actions.entry_decide(acting_user=tree.county_admin, entry=claim, approve=False)  # a reason is required


def test_generation_command_is_idempotent(tree, review_meeting):
    from django.core.management import call_command

    actions.rule_create(acting_user=SYSTEM, org=tree.county, category=PointsCategory.ATTENDANCE,
                        name="参加组织生活", points=1)
    out = io.StringIO()
    call_command("appraisal_points", "--from", f"{YEAR}-01-01", "--to", f"{YEAR}-12-31", stdout=out)
    assert "已生成 4 条" in out.getvalue()
    call_command("appraisal_points", "--from", f"{YEAR}-01-01", "--to", f"{YEAR}-12-31", stdout=out)
    assert "已生成 0 条" in out.getvalue()


def test_daily_job_adds_this_years_attendance_points(tree):
    from django.utils import timezone

    from dangjian.appraisal.jobs import generate_attendance_points
    from dangjian.orglife.actions import meeting_record

    actions.rule_create(acting_user=SYSTEM, org=tree.county, category=PointsCategory.ATTENDANCE,
                        name="参加组织生活", points=1)
    held = timezone.now() - dt.timedelta(minutes=1)
    meeting_record(acting_user=SYSTEM, org=tree.c, types=["theme_day"], held_at=held,
                   title="主题党日", attendance=[{"member": m.pk, "status": "present"} for m in tree.members["c"]])
    assert generate_attendance_points.call() == 3
    assert generate_attendance_points.call() == 0
