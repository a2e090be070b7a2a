"""Round two of the integrity checks: rosters as of the meeting's day, checks with the same reach on
save and in the scan, flags that keep their state, and each mechanism at its boundary."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from dangjian.core.actors import SYSTEM
from dangjian.core.models import ChangeRecord
from dangjian.members.actions import member_transfer, member_update
from dangjian.members.models import StatusChange
from dangjian.orglife import actions, integrity, membership, similarity
from dangjian.orglife.choices import FlagKind, FlagState
from dangjian.orglife.models import IntegrityFlag
from dangjian.testing import make_member, make_org

from .conftest import at
from .test_integrity import MINUTES, OTHER, kinds


def present(*members):
    return [{"member": m.pk, "status": "present"} for m in members]


@pytest.fixture
def group(tree):
    """A 党小组 under branch A, with two members of its own."""
    org = make_org(tree.a, "红星村第一党小组", "C0001-01-001-01", "group")
    return org, [make_member(org, name=n) for n in ("郑小组", "冯小组")]


# -- membership as of the meeting's day --------------------------------------------------------------

def test_a_later_death_never_accuses_earlier_meetings(tree, record):
    member = tree.members["b"][0]
    before = record(tree.b, dt.date(2026, 4, 4))
    same_day = record(tree.b, dt.date(2026, 5, 1))
    member_update(acting_user=SYSTEM, member=member, status="deceased", status_effective_on=dt.date(2026, 5, 1))
    integrity.scan(tree.county, 2026)
    assert kinds(before) == [] and kinds(same_day) == []
    assert StatusChange.objects.get(member=member).effective_on == dt.date(2026, 5, 1)


def test_a_death_dated_before_the_meeting_is_found_by_the_status_change(tree, record):
    member = tree.members["b"][0]
    meeting = record(tree.b, dt.date(2026, 4, 4))
    member_update(acting_user=SYSTEM, member=member, status="deceased", status_effective_on=dt.date(2026, 4, 3))
    assert sorted(kinds(meeting)) == [FlagKind.LEFT_MEMBER, FlagKind.OVER_MEMBERSHIP]
    assert "2026-04-03 起已去世" in meeting.flags.get(kind=FlagKind.LEFT_MEMBER).message


def test_a_status_change_cannot_be_dated_in_the_future(tree):
    with pytest.raises(ValidationError) as exc:
        member_update(acting_user=SYSTEM, member=tree.members["a"][0], status="deceased",
                      status_effective_on=dt.date(2999, 1, 1))
    assert "晚于今天" in str(exc.value)


def test_a_member_who_left_a_group_is_caught_at_the_branch_meeting(tree, record, group):
    org, (leaver, _) = group
    meeting = record(tree.a, dt.date(2026, 6, 10))  # the branch's roster includes its group
    assert leaver.pk in {a.member_id for a in meeting.attendances.all()}
    member_transfer(acting_user=SYSTEM, member=leaver, to_org=tree.c, transferred_on=dt.date(2026, 6, 1))
    flag = meeting.flags.get(kind=FlagKind.LEFT_MEMBER)
    assert "郑小组（2026-06-01 已转出）" in flag.message
    integrity.scan(tree.county, 2026)
    assert FlagKind.LEFT_MEMBER in kinds(meeting)


def test_a_transfer_on_the_meeting_day_counts_for_both_sides(tree, record):
    mover = tree.members["a"][1]
    member_transfer(acting_user=SYSTEM, member=mover, to_org=tree.b, transferred_on=dt.date(2026, 7, 7))
    morning = record(tree.a, dt.date(2026, 7, 7), attendance=present(mover, tree.members["a"][0]), hour=9)
    afternoon = record(tree.b, dt.date(2026, 7, 7), attendance=present(mover), hour=14)
    day_after = dt.date(2026, 7, 8)
    with pytest.raises(ValidationError) as exc:  # the old branch's roster no longer has them
        record(tree.a, day_after, attendance=present(mover))
    assert "2026-07-08 时不是本组织的正常党员" in str(exc.value)
    integrity.scan(tree.county, 2026)
    assert kinds(morning) == [] and kinds(afternoon) == []


def test_attendance_is_checked_against_the_roster_of_the_day(tree, record):
    member = tree.members["a"][0]
    member_update(acting_user=SYSTEM, member=member, status="deceased", status_effective_on=dt.date(2026, 5, 1))
    earlier = record(tree.a, dt.date(2026, 4, 20), attendance=present(*tree.members["a"]),
                     entered=at(dt.date(2026, 4, 22)))  # on the roster of April 20
    assert member.pk in {a.member_id for a in earlier.attendances.all()}
    assert kinds(earlier) == []
    with pytest.raises(ValidationError):
        record(tree.a, dt.date(2026, 5, 2), attendance=present(member))


def test_roster_size_on_a_day_pure():
    tl = membership.Timeline(org_id=2, status="normal", transfers=[(dt.date(2026, 6, 1), 1, 2)])
    dead = membership.Timeline(org_id=1, status="deceased", changes=[(dt.date(2026, 3, 1), "normal", "deceased")])
    # family 1 today has 5 members; on 2026-05-01 the mover and the member who died later belonged too
    assert membership.roster_size_on(5, {1}, dt.date(2026, 5, 1), [tl, dead]) == 6
    assert membership.roster_size_on(5, {1}, dt.date(2026, 2, 1), [tl, dead]) == 7
    assert membership.roster_size_on(5, {1}, dt.date(2026, 6, 1), [tl]) == 6  # the day of the transfer
    assert membership.roster_size_on(5, {1}, dt.date(2026, 6, 2), [tl]) == 5
    assert membership.why_not_member(tl, dt.date(2026, 5, 1), {2}) == "2026-06-01 才转入"


# -- the same reach on save and in the scan ----------------------------------------------------------

def test_copies_across_the_year_boundary_and_towns(tree, record):
    december = record(tree.a, dt.date(2025, 12, 20), minutes=MINUTES, title="十二月主题党日")
    january = record(tree.c, dt.date(2026, 1, 8), minutes=MINUTES.replace("本村", "本单位"))
    flag = january.flags.get(kind=FlagKind.COPIED)  # on save
    assert flag.related_id == december.pk and "2025-12-20" in flag.message
    integrity.scan(tree.town2, 2026)  # the town's clerk sees it too, and the rescan keeps it
    assert january.flags.filter(kind=FlagKind.COPIED, related=december).exists()
    assert december.flags.filter(kind=FlagKind.COPIED, related=january).exists()
    integrity.scan(tree.county, 2025)
    assert january.flags.filter(kind=FlagKind.COPIED).count() == 1


def test_a_copy_two_years_apart_is_not_compared(tree, record):
    record(tree.a, dt.date(2024, 1, 10), minutes=MINUTES)
    later = record(tree.c, dt.date(2026, 1, 8), minutes=MINUTES)
    integrity.scan(tree.county, 2026)
    assert FlagKind.COPIED not in kinds(later)


def _sketch(values):
    return "".join(f"{v:015x}" for v in values)


@pytest.mark.parametrize(("differing", "expected"), [(12, True), (13, False)])
def test_similarity_just_over_and_under_the_threshold(differing, expected):
    base = [1000 + i for i in range(similarity.BINS)]
    other = list(base)
    for i in range(differing):  # band 0 (bins 0–7) stays shared, so the pair is a candidate
        other[8 + i] += 1
    score = similarity.stored_similarity(_sketch(base), _sketch(other))
    assert score == (similarity.BINS - differing) / similarity.BINS  # 0.8125 / 0.796875
    found = similarity.similar_to(_sketch(base), [(7, _sketch(other))], integrity.COPY_THRESHOLD)
    assert bool(found) is expected


def test_late_entry_seven_versus_eight_days(tree, record):
    seven = record(tree.a, dt.date(2026, 3, 2), entered=at(dt.date(2026, 3, 9)))
    eight = record(tree.a, dt.date(2026, 3, 3), entered=at(dt.date(2026, 3, 11)))
    assert FlagKind.LATE_ENTRY not in kinds(seven)
    assert "相隔 8 天" in eight.flags.get(kind=FlagKind.LATE_ENTRY).message


def test_an_overlap_between_two_branches_survives_the_rescan(tree, record):
    mover = tree.members["a"][2]
    member_transfer(acting_user=SYSTEM, member=mover, to_org=tree.c, transferred_on=dt.date(2026, 8, 3))
    old = record(tree.a, dt.date(2026, 8, 3), attendance=present(mover), hour=9)
    new = record(tree.c, dt.date(2026, 8, 3), attendance=present(mover), hour=10)
    assert new.flags.filter(kind=FlagKind.OVERLAP, related=old).exists()
    assert old.flags.filter(kind=FlagKind.OVERLAP, related=new).exists()
    integrity.scan(tree.county, 2026)
    integrity.scan(tree.town1, 2026)
    assert new.flags.filter(kind=FlagKind.OVERLAP, related=old).exists()
    assert old.flags.filter(kind=FlagKind.OVERLAP, related=new).exists()
    assert mover.name in old.flags.get(kind=FlagKind.OVERLAP).message


def test_a_burst_is_found_when_saved(tree, record):
    batch = at(dt.date(2026, 12, 18), 10)
    rows = [record(tree.c, dt.date(2026, m, 10), entered=batch + dt.timedelta(minutes=3 * m)) for m in range(6, 11)]
    assert all(FlagKind.BURST in kinds(m) for m in rows)
    four = [record(tree.b, dt.date(2026, m, 10), entered=batch + dt.timedelta(minutes=3 * m)) for m in range(6, 10)]
    assert all(FlagKind.BURST not in kinds(m) for m in four)


def test_the_scan_finds_nothing_new_after_saves(tree, record, group):
    """Whatever the checks on save found, the full scan finds the same: no flag appears or disappears."""
    org, _ = group
    record(tree.a, dt.date(2026, 3, 1), minutes=MINUTES)
    record(tree.b, dt.date(2026, 3, 2), minutes=MINUTES, entered=at(dt.date(2026, 3, 20)))
    record(org, dt.date(2026, 3, 1), minutes=OTHER, hour=10)
    before = set(IntegrityFlag.objects.values_list("meeting_id", "kind", "related_id"))
    integrity.scan(tree.county, 2026)
    assert set(IntegrityFlag.objects.values_list("meeting_id", "kind", "related_id")) == before
    assert before  # copies, a late entry and an overlap with the group meeting were found


# -- flags with a state --------------------------------------------------------------------------

def test_a_decision_survives_the_rescan_and_is_audited(tree, record):
    late = record(tree.a, dt.date(2026, 3, 1), entered=at(dt.date(2026, 3, 20)))
    flag = late.flags.get()
    with pytest.raises(ValidationError):
        actions.flag_decide(acting_user=tree.county_admin, flag=flag, state=FlagState.EXPLAINED)
    actions.flag_decide(acting_user=tree.county_admin, flag=flag, state=FlagState.EXPLAINED,
                        explanation="书记住院，出院后补录", expected_version=1)
    integrity.scan(tree.county, 2026)
    flag.refresh_from_db()
    assert (flag.state, flag.explanation, flag.decided_by) == (FlagState.EXPLAINED, "书记住院，出院后补录",
                                                               tree.county_admin)
    assert flag.cleared_at is None
    record_ = ChangeRecord.objects.get(action="orglife_flag_decide")
    assert record_.after["state"] == "explained" and record_.note == "书记住院，出院后补录"


def test_a_judged_flag_whose_cause_is_gone_is_kept_as_cleared(tree, record):
    member = tree.members["b"][0]
    judged = record(tree.b, dt.date(2026, 4, 4))
    member_update(acting_user=SYSTEM, member=member, status="deceased", status_effective_on=dt.date(2026, 4, 1))
    flag = judged.flags.get(kind=FlagKind.LEFT_MEMBER)
    actions.flag_decide(acting_user=SYSTEM, flag=flag, state=FlagState.CONFIRMED)
    # the date was wrong: corrected by a second dated change restoring normal standing the same day
    StatusChange.objects.filter(member=member).update(effective_on=dt.date(2026, 5, 1))
    integrity.scan(tree.county, 2026)
    flag.refresh_from_db()
    assert flag.cleared_at is not None and flag.state == FlagState.CONFIRMED
    assert not judged.flags.filter(kind=FlagKind.OVER_MEMBERSHIP).exists()  # open: removed


def test_a_decision_on_a_stale_version_is_a_conflict(tree, record):
    from dangjian.core.errors import VersionConflict

    late = record(tree.a, dt.date(2026, 3, 1), entered=at(dt.date(2026, 3, 20)))
    flag = late.flags.get()
    actions.flag_decide(acting_user=SYSTEM, flag=flag, state=FlagState.CONFIRMED, expected_version=1)
    with pytest.raises(VersionConflict):
        actions.flag_decide(acting_user=SYSTEM, flag=flag, state=FlagState.DISMISSED, explanation="误报",
                            expected_version=1)


# -- the command, the API, the report column -----------------------------------------------------------

def test_the_scan_command(tree, record, capsys):
    late = record(tree.a, dt.date(2026, 3, 1), entered=at(dt.date(2026, 3, 20)))
    IntegrityFlag.objects.all().delete()
    call_command("orglife_scan", "--org", tree.town1.code, "--year", "2026")
    assert kinds(late) == [FlagKind.LATE_ENTRY]
    assert "东城镇党委 2026 年：当前核查提示 1 条" in capsys.readouterr().out
    assert ChangeRecord.objects.filter(action="orglife_scan", object_id=tree.town1.pk).exists()


def test_the_scan_and_decision_api(tree, record, login):
    late = record(tree.a, dt.date(2026, 3, 1), entered=at(dt.date(2026, 3, 20)))
    IntegrityFlag.objects.all().delete()
    reader = login(tree.reader_town1).post("/api/orglife/scan", {"org": tree.a.pk, "year": 2026},
                                           content_type="application/json")
    assert reader.status_code == 403
    client = login(tree.secretary_a)
    unseen = client.post("/api/orglife/scan", {"org": tree.town1.pk, "year": 2026}, content_type="application/json")
    assert unseen.status_code == 404
    response = client.post("/api/orglife/scan", {"org": tree.a.pk, "year": 2026}, content_type="application/json")
    assert response.status_code == 200 and response.json()["flags"] == 1
    flag = late.flags.get()
    url = f"/api/orglife/flags/{flag.pk}/decision"
    missing = client.post(url, {"state": "explained", "version": 1}, content_type="application/json")
    assert missing.status_code == 422 and "须填写理由" in missing.json()["detail"][0]["message"]
    done = client.post(url, {"state": "explained", "explanation": "补录", "version": 1},
                       content_type="application/json")
    assert done.status_code == 200 and done.json()["state"] == "explained"
    assert done.json()["decided_by"] == "secretary_a"
    listed = client.get("/api/orglife/flags", {"org": tree.a.pk, "year": 2026, "state": "explained"}).json()
    assert [f["id"] for f in listed] == [flag.pk]


def test_a_subtree_too_large_for_the_request_is_rescanned_in_the_background(tree, record, login, monkeypatch):
    from dangjian.jobs.testing import run_jobs
    from dangjian.orglife import jobs

    late = record(tree.a, dt.date(2026, 3, 1), entered=at(dt.date(2026, 3, 20)))
    IntegrityFlag.objects.all().delete()
    monkeypatch.setattr(jobs, "SYNC_SCAN_MAX_ORGS", 3)  # the county tree has more than three organisations
    client = login(tree.county_admin)
    refused = client.post("/api/orglife/scan", {"org": tree.county.pk, "year": 2026}, content_type="application/json")
    assert refused.status_code == 422 and "/api/orglife/scan-jobs" in refused.json()["detail"][0]["message"]
    page = client.post(reverse("orglife:flags_rescan") + f"?org={tree.county.pk}&year=2026")
    assert page.status_code == 302 and "/jobs/" in page["Location"]
    started = client.post("/api/orglife/scan-jobs", {"org": tree.county.pk, "year": 2026},
                          content_type="application/json")
    assert started.status_code == 202 and started.json()["state"] == "queued"
    job_id = started.json()["job"]
    assert kinds(late) == []  # nothing happens in the request
    run_jobs()
    assert kinds(late) == [FlagKind.LATE_ENTRY]
    progress = client.get(f"/api/jobs/{job_id}").json()
    assert progress["state"] == "done" and "当前核查提示 1 条" in progress["message"]
    assert progress["kind_label"] == "组织生活重新核查" and progress["download_url"] is None
    assert ChangeRecord.objects.filter(action="orglife_scan", object_id=tree.county.pk,
                                       actor=tree.county_admin).count() == 2  # the page's job and the API's
    assert [j["id"] for j in client.get("/api/jobs").json()["items"]][0] == job_id
    assert login(tree.secretary_a).get(f"/api/jobs/{job_id}").status_code == 404  # someone else's job


def test_a_background_rescan_needs_change_scope_then_and_when_it_runs(tree, login):
    from dangjian.accounts.models import Position
    from dangjian.jobs.models import Job
    from dangjian.jobs.testing import run_jobs

    assert login(tree.reader_town1).post("/api/orglife/scan-jobs", {"org": tree.a.pk, "year": 2026},
                                         content_type="application/json").status_code == 403
    client = login(tree.secretary_a)
    assert client.post("/api/orglife/scan-jobs", {"org": tree.town1.pk}, content_type="application/json"
                       ).status_code == 404
    job_id = client.post("/api/orglife/scan-jobs", {"org": tree.a.pk}, content_type="application/json").json()["job"]
    Position.objects.filter(user=tree.secretary_a).delete()  # the post is gone before the worker runs
    run_jobs()
    job = Job.objects.get(pk=job_id)
    assert job.state == "failed" and "不在您可修改的范围内" in job.message


def test_the_nightly_rescan_is_scheduled_without_cron(tree, record):
    from dangjian.jobs.periodic import schedules
    from dangjian.orglife.tasks import nightly_rescan

    assert "orglife.scan" in {s.name for s in schedules()}
    late = record(tree.a, dt.date(2026, 3, 1), entered=at(dt.date(2026, 3, 20)))
    IntegrityFlag.objects.all().delete()
    found = nightly_rescan.call()
    assert kinds(late) == [FlagKind.LATE_ENTRY]
    assert set(found) >= {f"{tree.county.code} {dt.date.today().year}"}


def test_years_to_rescan():
    from dangjian.orglife.rules import years_to_rescan

    assert years_to_rescan(dt.date(2027, 1, 31)) == [2026, 2027]
    assert years_to_rescan(dt.date(2027, 2, 1)) == [2027]


def test_the_report_counts_flags(tree, record, login):
    late = record(tree.a, dt.date(2026, 3, 1), entered=at(dt.date(2026, 3, 20)))
    record(tree.c, dt.date(2026, 3, 1), entered=at(dt.date(2026, 3, 25)))
    actions.flag_decide(acting_user=SYSTEM, flag=late.flags.get(), state=FlagState.CONFIRMED)
    from dangjian.orglife import exporting
    from dangjian.orglife.report import compliance_report

    report = exporting.report_dict(compliance_report(tree.county, 2026))
    by_name = {o["name"]: o for o in report["organizations"]}
    assert by_name["示范县委"]["integrity"] == {"open": 1, "confirmed": 1, "explained": 0}
    assert by_name["东城镇红星村党支部"]["integrity"] == {"open": 0, "confirmed": 1, "explained": 0}
    page = login(tree.county_admin).get("/orglife/", {"org": tree.county.pk, "year": 2026}).content.decode()
    assert "核查提示（待核实 1 / 共 2）" in page


def test_the_flags_page_takes_a_decision(tree, record, login):
    late = record(tree.a, dt.date(2026, 3, 1), entered=at(dt.date(2026, 3, 20)))
    flag = late.flags.get()
    client = login(tree.secretary_a)
    page = client.get("/orglife/flags/", {"org": tree.a.pk, "year": 2026}).content.decode()
    assert f'data-flag="{flag.pk}"' in page and "待核实" in page
    client.post(f"/orglife/flags/{flag.pk}/decide/", {"state": "explained", "explanation": "外出学习后补录",
                                                     "version": 1, "next": "https://example.com/"})
    flag.refresh_from_db()
    assert flag.state == FlagState.EXPLAINED and flag.decided_by == tree.secretary_a
    refused = login(tree.reader_town1).post(f"/orglife/flags/{flag.pk}/decide/", {"state": "open", "version": 2})
    assert refused.status_code == 403  # seen but not changeable: refused with the reason (out of scope is 404)
    flag.refresh_from_db()
    assert flag.state == FlagState.EXPLAINED
