"""Writes of 述职评议, 民主评议党员 and 党员积分: keyword-only, atomic, ``acting_user`` first; each checks
the scope with ``require``, validates through the pure rules, bumps the version and records the change."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db.models import F, Q
from django.utils import timezone

from dangjian.accounts.models import Position
from dangjian.core.actors import SYSTEM, user_or_none
from dangjian.core.documents import inspect_document
from dangjian.core.errors import ActionDenied, VersionConflict
from dangjian.core.history import audited_transaction, record_change
from dangjian.core.registry import points_sources
from dangjian.core.scoping import CHANGE, allows, require
from dangjian.core.tree import ancestors_and_self, parent_path
from dangjian.members.choices import PartyStatus
from dangjian.members.models import Member
from dangjian.orglife.choices import MeetingStatus, MeetingType
from dangjian.orglife.models import Attendance, Meeting
from dangjian.orgs.choices import BRANCH_KINDS, SUB_BRANCH_KINDS, Post
from dangjian.orgs.models import CommitteePost, Organization
from dangjian.worklists import actions as worklists
from dangjian.worklists.choices import Kind, Source

from . import feeds, queries, rules
from .choices import (
    STAGE_ORDER,
    AppealOutcome,
    Disposal,
    EntryOrigin,
    EntryState,
    Exclusion,
    Grade,
    PointsCategory,
    Rating,
    Stage,
)
from .models import (
    Appeal,
    Appraisal,
    AppraisalMember,
    Ballot,
    DisposalRecord,
    PointsEntry,
    PointsRule,
    PointsSetting,
    ReportEntry,
    ReportProblem,
    ReportRound,
    RoundBallot,
    SourceRule,
)

REPORT_TYPES = {"pdf", "docx"}
PROBLEM_DEADLINE_DAYS = 180
GENERATE_BATCH = 2000


def _locked(model, obj):
    return model.objects.select_for_update().get(pk=obj.pk)


def _check_version(locked, expected: int | None, submitted: dict) -> None:
    if expected is not None and locked.version != expected:
        raise VersionConflict("该记录已被他人修改，请刷新后重新操作",
                              current={"version": locked.version}, submitted={**submitted, "version": expected})


def _bump(obj) -> None:
    obj.version += 1
    obj.save()


def _year_ok(year: int) -> None:
    if not 2000 <= int(year) <= 2100:
        raise ValidationError({"year": "年度应在 2000 至 2100 之间"})


# -- 书记抓基层党建述职评议 ---------------------------------------------------------------------------


def _secretaries(org_ids: list[int]) -> dict[int, Member]:
    posts = (CommitteePost.objects.filter(term__org_id__in=org_ids, term__is_current=True, post=Post.SECRETARY)
             .select_related("member", "term"))
    return {p.term.org_id: p.member for p in posts}


def _round_snapshot(r: ReportRound) -> dict:
    return {"year": r.year, "title": r.title, "good_share": r.good_share, "fair_share": r.fair_share,
            "poor_share": r.poor_share}


@audited_transaction()
def round_create(*, acting_user, org: Organization, year: int, title: str = "",
                 good_share: int = rules.DEFAULT_GOOD_SHARE, fair_share: int = rules.DEFAULT_FAIR_SHARE,
                 poor_share: int = rules.DEFAULT_POOR_SHARE) -> ReportRound:
    """A year's 述职评议 of the secretaries of the organisations directly under ``org`` (two queries
    find them and their current 书记, whatever the number of organisations)."""
    require(acting_user, CHANGE, org, message="无权为该党组织组织述职评议")
    _year_ok(year)
    errors = rules.threshold_errors(good_share, fair_share, poor_share)
    if errors:
        raise ValidationError(errors)
    if ReportRound.objects.filter(org=org, year=year).exists():
        raise ValidationError({"year": f"{org.name}{year}年度的述职评议已经建立"})
    children = list(Organization.objects.filter(parent=org).exclude(kind__in=SUB_BRANCH_KINDS).order_by("path"))
    if not children:
        raise ValidationError({"org": f"{org.name}没有下级党组织，无需组织书记述职评议"})
    title = (title or "").strip()[:200] or f"{org.display_name}{year}年度书记抓基层党建述职评议"
    r = ReportRound.objects.create(org=org, year=year, title=title, good_share=good_share,
                                   fair_share=fair_share, poor_share=poor_share)
    secretaries = _secretaries([c.pk for c in children])
    ReportEntry.objects.bulk_create([
        ReportEntry(round=r, org=c, member=secretaries.get(c.pk),
                    secretary_name=secretaries[c.pk].name if c.pk in secretaries else "")
        for c in children
    ])
    record_change(actor=acting_user, action="appraisal_round_create", obj=r,
                  after={**_round_snapshot(r), "entries": len(children)})
    return r


@audited_transaction()
def round_update(*, acting_user, round: ReportRound, expected_version: int | None = None, **changes) -> ReportRound:
    locked = _locked(ReportRound, round)
    require(acting_user, CHANGE, locked.org, message="无权修改该述职评议")
    _check_version(locked, expected_version, {k: str(v) for k, v in changes.items()})
    before = _round_snapshot(locked)
    for key in ("title", "good_share", "fair_share", "poor_share"):
        if key in changes and changes[key] is not None:
            setattr(locked, key, changes[key])
    errors = rules.threshold_errors(locked.good_share, locked.fair_share, locked.poor_share)
    if errors:
        raise ValidationError(errors)
    after = _round_snapshot(locked)
    if after != before:
        _bump(locked)
        entries = list(locked.entries.all())
        for entry in entries:
            _set_result(entry, locked)
        ReportEntry.objects.bulk_update(entries, ["result", "result_reason"])
        record_change(actor=acting_user, action="appraisal_round_update", obj=locked, before=before, after=after)
    return locked


def _set_result(entry: ReportEntry, r: ReportRound) -> None:
    result = rules.report_result(entry.tallies, good_share=r.good_share, fair_share=r.fair_share,
                                 poor_share=r.poor_share)
    entry.result, entry.result_reason = result.rating or "", result.reason


@audited_transaction()
def entry_tally(*, acting_user, entry: ReportEntry, good: int, fairly_good: int, average: int, poor: int,
                expected_version: int | None = None) -> ReportEntry:
    """The 评议 tallies of one secretary, entered by the organising level (never by the assessed
    organisation itself), and the result they give under the round's thresholds."""
    locked = ReportEntry.objects.select_for_update().select_related("round__org", "org").get(pk=entry.pk)
    require(acting_user, CHANGE, locked.round.org, message="只有组织述职评议的党组织可以录入评议票数")
    if acting_user is not SYSTEM and allows(acting_user, CHANGE, locked.org) and \
            not allows(acting_user, CHANGE, parent_path(locked.org.path)):
        raise ActionDenied("被评议的党组织不能录入对本组织书记的评议票数")
    tallies = {"good": good, "fairly_good": fairly_good, "average": average, "poor": poor}
    _check_version(locked, expected_version, {k: str(v) for k, v in tallies.items()})
    errors = rules.tally_errors(tallies)
    if errors:
        raise ValidationError(errors)
    before = {**locked.entered, "result": locked.result}
    for key, value in tallies.items():
        setattr(locked, key, int(value))
    _set_result(locked, locked.round)  # entered tallies and account votes together
    _bump(locked)
    record_change(actor=acting_user, action="appraisal_entry_tally", obj=locked, before=before,
                  after={**locked.entered, "result": locked.result})
    return locked


@audited_transaction()
def round_voting(*, acting_user, round: ReportRound, voting: bool, expected_version: int | None = None) -> ReportRound:
    """Open or close account voting in a round (the organising level, at its 述职评议 meeting)."""
    locked = _locked(ReportRound, round)
    require(acting_user, CHANGE, locked.org, message="只有组织述职评议的党组织可以开始或结束账号投票")
    _check_version(locked, expected_version, {"voting": voting})
    if locked.voting != bool(voting):
        locked.voting = bool(voting)
        _bump(locked)
        record_change(actor=acting_user, action="appraisal_round_voting", obj=locked,
                      before={"voting": not locked.voting}, after={"voting": locked.voting})
        if locked.voting:
            feeds.round_voting_opened(locked, queries.round_voters_pending(locked))
        else:
            feeds.round_voting_closed(locked)
    return locked


@audited_transaction()
def round_ballot_cast(*, acting_user, round: ReportRound, choices: Mapping[int, str]) -> RoundBallot:
    """述职评议 by an account while the round's voting is open: 好/较好/一般/差 for every secretary the
    account may rate (``queries.rateable_entries``), added to their account votes with one UPDATE per
    rating and their results recomputed in one more. Secret: only that the account voted is kept,
    neither the ballot nor the change record holds a choice. One ballot per account."""
    locked = ReportRound.objects.select_for_update().get(pk=round.pk)
    voter_orgs = queries.round_voter_orgs(acting_user, locked) if acting_user is not SYSTEM else set()
    if not voter_orgs:
        raise ActionDenied("只有在组织单位或被评议党组织任职的账号可以参加述职评议投票")
    if not locked.voting:
        raise ValidationError({"choices": "本次述职评议未在进行账号投票"})
    if RoundBallot.objects.filter(round=locked, voter=acting_user).exists():
        raise ValidationError({"choices": "您已投票，投票后不能更改"})
    try:
        choices = {int(k): str(v) for k, v in choices.items()}
    except (TypeError, ValueError):
        raise ValidationError({"choices": "评议对象不在本次述职评议中"}) from None
    rateable = list(queries.rateable_entries(acting_user, locked, voter_orgs).values_list("pk", flat=True))
    errors = rules.round_ballot_errors(choices, rateable)
    if errors:
        raise ValidationError(errors)
    for rating in Rating.values:
        chosen = [pk for pk, r in choices.items() if r == rating]
        if chosen:
            ReportEntry.objects.filter(pk__in=chosen).update(**{f"voted_{rating}": F(f"voted_{rating}") + 1},
                                                             version=F("version") + 1)
    entries = list(ReportEntry.objects.filter(pk__in=rateable))
    for entry in entries:
        _set_result(entry, locked)
    ReportEntry.objects.bulk_update(entries, ["result", "result_reason"])
    ReportRound.objects.filter(pk=locked.pk).update(voters=F("voters") + 1)
    ballot = RoundBallot.objects.create(round=locked, voter=acting_user)
    feeds.round_ballot_cast(locked, acting_user)
    record_change(actor=acting_user, action="appraisal_round_ballot", obj=locked,
                  after={"voters": locked.voters + 1})
    return ballot


@audited_transaction()
def entry_report(*, acting_user, entry: ReportEntry, upload) -> ReportEntry:
    """The 述职报告: a .docx or .pdf, checked by its content (worklists' evidence checks)."""
    locked = ReportEntry.objects.select_for_update().select_related("org").get(pk=entry.pk)
    require(acting_user, CHANGE, locked.org, message="无权为该书记上传述职报告")
    file_type, content = inspect_document(upload)
    if file_type not in REPORT_TYPES:
        raise ValidationError({"file": "述职报告只接受 Word（.docx）或 PDF 文件（按文件内容判断，而非扩展名）"})
    original = os.path.basename(getattr(upload, "name", "") or "report")[:200]
    before = {"report": locked.report_name}
    locked.report_file.save(f"report.{file_type}", ContentFile(content), save=False)
    locked.report_name, locked.report_type = original, file_type
    _bump(locked)
    record_change(actor=acting_user, action="appraisal_entry_report", obj=locked, before=before,
                  after={"report": original})
    return locked


@audited_transaction()
def problem_add(*, acting_user, entry: ReportEntry, text: str) -> ReportProblem:
    entry = ReportEntry.objects.select_related("round__org").get(pk=entry.pk)
    require(acting_user, CHANGE, entry.round.org, message="只有组织述职评议的党组织可以登记评议中指出的问题")
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "请填写问题"})
    if len(text) > 300:
        raise ValidationError({"text": f"最多 300 个字（现为 {len(text)} 个字）"})
    problem = ReportProblem.objects.create(entry=entry, text=text)
    record_change(actor=acting_user, action="appraisal_problem_add", obj=problem, after={"text": text})
    return problem


@audited_transaction()
def problem_to_item(*, acting_user, problem: ReportProblem, deadline: dt.date | None = None,
                    today: dt.date | None = None):
    """One click: the problem becomes a 三单 problem item owned by the secretary's organisation,
    through worklists' own ``item_create``."""
    locked = ReportProblem.objects.select_for_update().select_related("entry__org", "entry__round").get(pk=problem.pk)
    if locked.item_id:
        raise ValidationError({"item": "该问题已列入问题清单"})
    today = today or timezone.localdate()
    entry = locked.entry
    item = worklists.item_create(
        acting_user=acting_user, org=entry.org, kind=Kind.PROBLEM, source=Source.SUPERVISION,
        title=locked.text, description=f"{entry.round.title}中指出的问题（书记：{entry.secretary_name or '空缺'}）",
        person_names=entry.secretary_name, deadline=deadline or today + dt.timedelta(days=PROBLEM_DEADLINE_DAYS),
    )
    locked.item = item
    locked.save(update_fields=["item"])
    record_change(actor=acting_user, action="appraisal_problem_item", obj=locked, after={"item": item.pk})
    return item


# -- 民主评议党员 ----------------------------------------------------------------------------------------


def _check_meeting(meeting: Meeting | None, org: Organization, year: int) -> None:
    if meeting is None:
        return
    if meeting.org_id != org.pk:
        raise ValidationError({"meeting": "所选会议不是本支部的会议"})
    if MeetingType.REVIEW not in (meeting.type_codes or "").split(","):
        raise ValidationError({"meeting": "所选会议不是“民主评议党员”类型的会议"})
    first, last = rules.meeting_window(year)
    if not first <= timezone.localtime(meeting.held_at).date() <= last:
        raise ValidationError({"meeting": f"{year}年度的民主评议党员会议应在 {first:%Y-%m-%d} 至 {last:%Y-%m-%d} 召开"})


@audited_transaction()
def appraisal_start(*, acting_user, org: Organization, year: int, meeting: Meeting | None = None) -> Appraisal:
    """A branch's 民主评议党员 of ``year``: every member of the branch in good standing is listed."""
    require(acting_user, CHANGE, org, message="无权为该党组织开展民主评议党员")
    _year_ok(year)
    if org.kind not in BRANCH_KINDS:
        raise ValidationError({"org": "民主评议党员以党支部为单位开展，请选择党支部"})
    if Appraisal.objects.filter(org=org, year=year).exists():
        raise ValidationError({"year": f"{org.name}{year}年度的民主评议党员已经开始"})
    _check_meeting(meeting, org, year)
    appraisal = Appraisal.objects.create(org=org, year=year, meeting=meeting)
    # the branch and its 党小组 (a branch has no branches under it)
    members = (Member.objects.filter(org__path__startswith=org.path, status=PartyStatus.NORMAL).order_by("id")
               .values_list("id", "name"))
    AppraisalMember.objects.bulk_create([AppraisalMember(appraisal=appraisal, member_id=pk, name=name)
                                         for pk, name in members])
    record_change(actor=acting_user, action="appraisal_start", obj=appraisal,
                  after={"year": year, "people": appraisal.people.count(),
                         "meeting": meeting.pk if meeting else None})
    return appraisal


@audited_transaction()
def appraisal_update(*, acting_user, appraisal: Appraisal, expected_version: int | None = None,
                     meeting: Meeting | None = None, voters: int | None = None) -> Appraisal:
    locked = Appraisal.objects.select_for_update().select_related("org").get(pk=appraisal.pk)
    require(acting_user, CHANGE, locked.org, message="无权修改该民主评议")
    _check_version(locked, expected_version, {"meeting": meeting.pk if meeting else None, "voters": voters})
    if locked.stage == Stage.DONE:
        raise ValidationError({"stage": "民主评议已完成，不能再修改"})
    _check_meeting(meeting, locked.org, locked.year)
    if voters is not None and voters < 0:
        raise ValidationError({"voters": "人数不能为负数"})
    before = {"meeting": locked.meeting_id, "voters": locked.voters}
    locked.meeting, locked.voters = meeting, voters
    after = {"meeting": locked.meeting_id, "voters": locked.voters}
    if after != before:
        _bump(locked)
        record_change(actor=acting_user, action="appraisal_update", obj=locked, before=before, after=after)
    return locked


@audited_transaction()
def appraisal_advance(*, acting_user, appraisal: Appraisal, expected_version: int | None = None,
                      today: dt.date | None = None) -> Appraisal:
    """The next step: 个人自评 → 党员互评 → 民主测评 → 组织评定 → 已完成. Finishing needs every member
    appraised to have a grade; a result published is not changed afterwards."""
    locked = Appraisal.objects.select_for_update().select_related("org").get(pk=appraisal.pk)
    require(acting_user, CHANGE, locked.org, message="无权办理该民主评议")
    _check_version(locked, expected_version, {"stage": locked.stage})
    if locked.stage == Stage.DONE:
        raise ValidationError({"stage": "民主评议已完成"})
    if locked.stage == Stage.DECISION:
        errors = rules.finish_errors(locked.people.values_list("name", "exclusion", "grade"))
        if errors:
            raise ValidationError({"stage": errors})
    before = locked.stage
    locked.stage = STAGE_ORDER[STAGE_ORDER.index(locked.stage) + 1]
    if locked.stage == Stage.DONE:
        locked.finished_on = today or timezone.localdate()
        due = locked.finished_on + dt.timedelta(days=rules.DISPOSAL_DECIDE_DAYS)
        for person in locked.people.filter(grade=Grade.UNQUALIFIED, disposal__isnull=True).select_related(
                "appraisal__org"):
            feeds.disposal_needed(person, due)
    _bump(locked)
    record_change(actor=acting_user, action="appraisal_advance", obj=locked, before={"stage": before},
                  after={"stage": locked.stage})
    return locked


PERSON_FIELDS = ["exclusion", "exclusion_note", "self_review", "peer_done", "excellent_votes", "qualified_votes",
                 "basic_votes", "unqualified_votes", "grade"]
VOTE_FIELDS = ["excellent_votes", "qualified_votes", "basic_votes", "unqualified_votes"]
# which fields each step may change (exclusion until the grades are decided)
STAGE_FIELDS = {
    Stage.SELF: {"exclusion", "exclusion_note", "self_review"},
    Stage.PEER: {"exclusion", "exclusion_note", "self_review", "peer_done"},
    Stage.VOTE: {"exclusion", "exclusion_note", "peer_done", *VOTE_FIELDS},
    Stage.DECISION: {"grade"},
    Stage.DONE: set(),
}


def _person_snapshot(p: AppraisalMember) -> dict:
    return {f: getattr(p, f) for f in PERSON_FIELDS}


@audited_transaction()
def person_update(*, acting_user, person: AppraisalMember, expected_version: int | None = None,
                  **changes) -> AppraisalMember:
    locked = (AppraisalMember.objects.select_for_update().select_related("appraisal__org")
              .get(pk=person.pk))
    appraisal = locked.appraisal
    require(acting_user, CHANGE, appraisal.org, message="无权修改该党员的评议情况")
    changes = {k: v for k, v in changes.items() if k in PERSON_FIELDS and v is not None}
    _check_version(locked, expected_version, {k: str(v) for k, v in changes.items()})
    before = _person_snapshot(locked)
    changes = {k: v for k, v in changes.items() if before[k] != v}
    allowed = STAGE_FIELDS[Stage(appraisal.stage)]
    late = [k for k in changes if k not in allowed]
    if late:
        labels = "、".join(str(AppraisalMember._meta.get_field(k).verbose_name) for k in late)
        raise ValidationError({late[0]: f"当前环节为“{appraisal.get_stage_display()}”，不能修改{labels}"})
    for key, value in changes.items():
        setattr(locked, key, value)
    errors = {}
    if locked.exclusion and locked.exclusion not in Exclusion.values:
        errors["exclusion"] = "不参加评议的情形不在规定范围内"
    if not locked.exclusion:
        locked.exclusion_note = ""
    if locked.exclusion and (locked.grade or any(getattr(locked, f) for f in VOTE_FIELDS)):
        errors["exclusion"] = "已有测评票数或评定等次的党员不能改为不参加评议"
    grade_error = rules.grade_errors(locked.grade, excluded=bool(locked.exclusion))
    if grade_error:
        errors["grade"] = grade_error
    votes = {f: getattr(locked, f) for f in VOTE_FIELDS}
    errors.update(rules.tally_errors(votes, voters=appraisal.voters))
    if errors:
        raise ValidationError({("excellent_votes" if k == "__all__" else k): v for k, v in errors.items()})
    after = _person_snapshot(locked)
    if after != before:
        _bump(locked)
        old = {k: before[k] for k in after if before[k] != after[k]}
        record_change(actor=acting_user, action="appraisal_person_update", obj=locked, before=old,
                      after={k: after[k] for k in old})
    return locked


@audited_transaction()
def ballot_cast(*, acting_user, appraisal: Appraisal, choices: Mapping[int, str]) -> Ballot:
    """民主测评 by the member's own account, during the 民主测评 step: a grade for every other member
    appraised, added to their tallies (and the number of voters); the choices are not kept with the
    voter and are not recorded in the change log. One ballot per member."""
    member = _own_member(acting_user)
    locked = Appraisal.objects.select_for_update().select_related("org").get(pk=appraisal.pk)
    voter = (AppraisalMember.objects.filter(appraisal=locked, member=member, exclusion="").first()
             if member is not None else None)
    if voter is None:
        raise ActionDenied("只有参加本次评议的党员可以投票")
    if locked.stage != Stage.VOTE:
        raise ValidationError({"choices": f"当前环节为“{locked.get_stage_display()}”，不在民主测评环节"})
    if Ballot.objects.filter(appraisal=locked, voter=voter).exists():
        raise ValidationError({"choices": "您已投票，投票后不能更改"})
    try:
        choices = {int(k): str(v) for k, v in choices.items()}
    except (TypeError, ValueError):
        raise ValidationError({"choices": "测评对象不是本次参加评议的党员"}) from None
    eligible = locked.people.filter(exclusion="").values_list("pk", flat=True)
    errors = rules.ballot_errors(choices, list(eligible), voter.pk)
    if errors:
        raise ValidationError(errors)
    for grade in Grade.values:
        chosen = [pk for pk, g in choices.items() if g == grade]
        if chosen:
            AppraisalMember.objects.filter(pk__in=chosen).update(**{f"{grade}_votes": F(f"{grade}_votes") + 1},
                                                                 version=F("version") + 1)
    locked.voters = (locked.voters or 0) + 1
    _bump(locked)
    ballot = Ballot.objects.create(appraisal=locked, voter=voter)
    record_change(actor=acting_user, action="appraisal_ballot", obj=locked, after={"voters": locked.voters})
    return ballot


def _own_member(acting_user):
    return (Member.objects.filter(user=acting_user).first()
            if getattr(acting_user, "is_authenticated", False) else None)


@audited_transaction()
def appeal_file(*, acting_user, person: AppraisalMember, text: str, today: dt.date | None = None) -> Appeal:
    """申诉: the member, with their own account, against their completed result; the level above the
    branch reviews it (a 待办 for it)."""
    locked = (AppraisalMember.objects.select_for_update(of=("self",))
              .select_related("appraisal__org__parent", "member").get(pk=person.pk))
    member = _own_member(acting_user)
    if member is None or member.pk != locked.member_id:
        raise ActionDenied("只能对本人的评议结果提出申诉")
    if locked.appraisal.stage != Stage.DONE or not locked.grade:
        raise ValidationError({"text": "民主评议完成、评定等次后才能申诉"})
    if Appeal.objects.filter(person=locked).exists():
        raise ValidationError({"text": "已对本次评议结果提出申诉"})
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "请填写申诉理由"})
    if len(text) > 2000:
        raise ValidationError({"text": f"申诉理由最多 2000 字（现为 {len(text)} 字）"})
    appeal = Appeal.objects.create(person=locked, text=text, filed_on=today or timezone.localdate())
    feeds.appeal_filed(appeal, locked.appraisal.org.parent)
    record_change(actor=acting_user, action="appraisal_appeal", obj=locked, after={"text": text[:200]})
    return appeal


@audited_transaction()
def appeal_answer(*, acting_user, appeal: Appeal, outcome: str, response: str, grade: str = "",
                  expected_version: int | None = None, today: dt.date | None = None) -> Appeal:
    """复查 by the level above (never someone holding a post in the branch): keep the grade or change it,
    with the reasons; the member is told."""
    locked = (Appeal.objects.select_for_update(of=("self",))
              .select_related("person__appraisal__org", "person__member").get(pk=appeal.pk))
    person, org = locked.person, locked.person.appraisal.org
    above = parent_path(org.path)
    if acting_user is not SYSTEM:
        require(acting_user, CHANGE, above or org, message="申诉由上级党组织复查")
        if not above or Position.objects.filter(user=acting_user, org=org).exists():
            raise ActionDenied("不能复查本支部的评议结果")
    _check_version(locked, expected_version, {"outcome": outcome})
    if locked.outcome:
        raise ValidationError({"outcome": "该申诉已复查"})
    errors = rules.appeal_errors(outcome, response, person.grade, grade)
    if errors:
        raise ValidationError(errors)
    before = person.grade
    if outcome == AppealOutcome.CHANGED:
        person.grade = grade
        _bump(person)
        answered = today or timezone.localdate()
        if grade == Grade.UNQUALIFIED and not DisposalRecord.objects.filter(person=person).exists():
            feeds.disposal_needed(person, answered + dt.timedelta(days=rules.DISPOSAL_DECIDE_DAYS))
        elif before == Grade.UNQUALIFIED:
            feeds.disposal_settled(person, "申诉复查已改变评定等次")
    locked.outcome, locked.response = outcome, response.strip()[:5000]
    locked.answered_on = today or timezone.localdate()
    _bump(locked)
    feeds.appeal_answered(locked)
    record_change(actor=acting_user, action="appraisal_appeal_answer", obj=person,
                  before={"grade": before}, after={"grade": person.grade, "outcome": outcome})
    return locked


@audited_transaction()
def disposal_create(*, acting_user, person: AppraisalMember, kind: str, due_on: dt.date | None, note: str = "",
                    today: dt.date | None = None) -> DisposalRecord:
    """组织处置 of a member appraised 不合格; its due date is a 待办 for the branch until done."""
    locked = AppraisalMember.objects.select_for_update().select_related("appraisal__org").get(pk=person.pk)
    require(acting_user, CHANGE, locked.appraisal.org, message="无权登记组织处置")
    errors = rules.disposal_errors(locked.grade, due_on, today or timezone.localdate())
    if kind not in Disposal.values:
        errors["kind"] = "处置方式应为限期改正、劝其退党或除名"
    if DisposalRecord.objects.filter(person=locked).exists():
        errors["kind"] = "该党员已登记组织处置"
    if len(note or "") > 500:
        errors["note"] = "最多 500 个字"
    if errors:
        raise ValidationError(errors)
    record = DisposalRecord.objects.create(person=locked, kind=kind, due_on=due_on, note=(note or "").strip())
    feeds.disposal_opened(record)
    record_change(actor=acting_user, action="appraisal_disposal_create", obj=record,
                  after={"kind": kind, "due_on": due_on.isoformat(), "note": record.note})
    return record


@audited_transaction()
def disposal_done(*, acting_user, disposal: DisposalRecord, done_note: str, expected_version: int | None = None,
                  today: dt.date | None = None) -> DisposalRecord:
    locked = (DisposalRecord.objects.select_for_update().select_related("person__appraisal__org")
              .get(pk=disposal.pk))
    require(acting_user, CHANGE, locked.person.appraisal.org, message="无权办结该组织处置")
    _check_version(locked, expected_version, {"done_note": done_note})
    if locked.done_on:
        raise ValidationError({"done_note": "该组织处置已办结"})
    done_note = (done_note or "").strip()
    if not done_note:
        raise ValidationError({"done_note": "请填写办结情况"})
    locked.done_on, locked.done_note = today or timezone.localdate(), done_note[:500]
    _bump(locked)
    feeds.disposal_closed(locked)
    record_change(actor=acting_user, action="appraisal_disposal_done", obj=locked,
                  after={"done_on": locked.done_on.isoformat(), "done_note": locked.done_note})
    return locked


# -- 党员积分 --------------------------------------------------------------------------------------------

RULE_FIELDS = ["category", "name", "description", "points", "cap_month", "cap_year", "active"]


def _rule_snapshot(rule: PointsRule) -> dict:
    return {f: getattr(rule, f) for f in RULE_FIELDS}


def _validate_rule(rule: PointsRule) -> None:
    if rule.category == PointsCategory.VETO:
        rule.points = 0
    errors = rules.points_rule_errors(category=rule.category, name=rule.name, description=rule.description,
                                      points=rule.points, cap_month=rule.cap_month, cap_year=rule.cap_year)
    if errors:
        raise ValidationError(errors)


@audited_transaction()
def rule_create(*, acting_user, org: Organization, category: str, name: str, points: int = 0,
                description: str = "", cap_month: int | None = None, cap_year: int | None = None) -> PointsRule:
    require(acting_user, CHANGE, org, message="无权为该党组织制定积分规则")
    rule = PointsRule(org=org, category=category, name=(name or "").strip()[:100],
                      description=(description or "").strip()[:300], points=points,
                      cap_month=cap_month or None, cap_year=cap_year or None)
    _validate_rule(rule)
    rule.save()
    record_change(actor=acting_user, action="appraisal_rule_create", obj=rule, after=_rule_snapshot(rule))
    return rule


@audited_transaction()
def rule_update(*, acting_user, rule: PointsRule, expected_version: int | None = None, **changes) -> PointsRule:
    locked = PointsRule.objects.select_for_update().select_related("org").get(pk=rule.pk)
    require(acting_user, CHANGE, locked.org, message="无权修改该积分规则")
    _check_version(locked, expected_version, {k: str(v) for k, v in changes.items()})
    before = _rule_snapshot(locked)
    for key, value in changes.items():
        if key in RULE_FIELDS:
            setattr(locked, key, value or None if key in ("cap_month", "cap_year") else value)
    _validate_rule(locked)
    after = _rule_snapshot(locked)
    if after != before:
        _bump(locked)
        old = {k: before[k] for k in after if before[k] != after[k]}
        record_change(actor=acting_user, action="appraisal_rule_update", obj=locked, before=old,
                      after={k: after[k] for k in old})
    return locked


@audited_transaction()
def setting_set(*, acting_user, org: Organization, rankings: bool) -> PointsSetting:
    require(acting_user, CHANGE, org, message="无权修改该党组织的积分设置")
    setting, _ = PointsSetting.objects.select_for_update().get_or_create(org=org)
    if setting.rankings != rankings:
        before = setting.rankings
        setting.rankings = rankings
        _bump(setting)
        record_change(actor=acting_user, action="appraisal_setting", obj=setting, before={"rankings": before},
                      after={"rankings": rankings})
    return setting


def applicable_rules(org: Organization):
    """Active rules set by ``org`` or any organisation above it."""
    return PointsRule.objects.filter(active=True, org__path__in=ancestors_and_self(org.path))


@audited_transaction()
def entry_claim(*, acting_user, member: Member, rule: PointsRule, on: dt.date, reason: str,
                evidence_text: str = "", upload=None, today: dt.date | None = None) -> PointsEntry:
    """A claim with evidence, by the member themselves or by the branch's staff; the branch approves."""
    member = Member.objects.select_related("org").get(pk=member.pk)
    own = acting_user is not SYSTEM and member.user_id is not None and member.user_id == acting_user.pk
    if not own:
        require(acting_user, CHANGE, member.org, message="只能为本人或本支部的党员申报积分")
    today = today or timezone.localdate()
    errors = {}
    if not applicable_rules(member.org).filter(pk=rule.pk).exists():
        errors["rule"] = "该积分规则不适用于此党员所在的党组织，或已停用"
    elif rule.category == PointsCategory.ATTENDANCE:
        errors["rule"] = "参加组织生活的积分由平台按出席记录生成，无需申报"
    if on is None or on > today:
        errors["on"] = "日期不能晚于今天"
    elif on.year < today.year - 1:
        errors["on"] = "只能申报本年度和上一年度的积分"
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = "请填写事由"
    elif len(reason) > 300:
        errors["reason"] = "事由最多 300 个字"
    evidence_text = (evidence_text or "").strip()
    if not evidence_text and upload is None:
        errors["evidence_text"] = "申报积分须提供佐证：填写说明或上传文件"
    if len(evidence_text) > 500:
        errors["evidence_text"] = "佐证说明最多 500 个字"
    if errors:
        raise ValidationError(errors)
    entry = PointsEntry(member=member, org=member.org, rule=rule, on=on, points=rule.points, reason=reason,
                        origin=EntryOrigin.CLAIM, evidence_text=evidence_text, claimed_by=user_or_none(acting_user))
    if upload is not None:
        _attach_evidence(entry, upload)
    entry.save()
    feeds.claim_filed(entry)
    record_change(actor=acting_user, action="appraisal_points_claim", obj=entry,
                  after={"rule": rule.name, "on": on.isoformat(), "points": entry.points, "reason": reason})
    return entry


def _attach_evidence(entry: PointsEntry, upload) -> None:
    """The evidence file, checked by its content and size (core.documents: PDF, JPEG/PNG, .docx, .xlsx)."""
    file_type, content = inspect_document(upload)
    entry.evidence_name = os.path.basename(getattr(upload, "name", "") or "file")[:200]
    entry.evidence_file.save(f"evidence.{file_type}", ContentFile(content), save=False)


@audited_transaction()
def entry_evidence(*, acting_user, entry: PointsEntry, upload, expected_version: int | None = None) -> PointsEntry:
    """Add (or replace) the evidence file of a claim still waiting for the branch: by whoever claimed it
    or by the branch's staff."""
    locked = PointsEntry.objects.select_for_update().select_related("org").get(pk=entry.pk)
    if acting_user is SYSTEM or locked.claimed_by_id != acting_user.pk:
        require(acting_user, CHANGE, locked.org, message="只有申报人或党员所在支部可以补充佐证")
    _check_version(locked, expected_version, {"file": getattr(upload, "name", "")})
    if locked.origin != EntryOrigin.CLAIM or locked.state != EntryState.PENDING:
        raise ValidationError({"file": "只有待审核的申报可以补充佐证文件"})
    before = {"evidence": locked.evidence_name}
    _attach_evidence(locked, upload)
    _bump(locked)
    record_change(actor=acting_user, action="appraisal_points_evidence", obj=locked, before=before,
                  after={"evidence": locked.evidence_name})
    return locked


@audited_transaction()
def entry_decide(*, acting_user, entry: PointsEntry, approve: bool, note: str = "",
                 expected_version: int | None = None) -> PointsEntry:
    locked = PointsEntry.objects.select_for_update().select_related("org").get(pk=entry.pk)
    require(acting_user, CHANGE, locked.org, message="只有党员所在支部可以审核积分申报")
    _check_version(locked, expected_version, {"approve": approve})
    if locked.state != EntryState.PENDING:
        raise ValidationError({"state": f"该申报已{locked.get_state_display()}"})
    if acting_user is not SYSTEM and locked.claimed_by_id == acting_user.pk:
        raise ValidationError({"state": "不能审核本人提交的申报，请由支部其他委员审核"})
    note = (note or "").strip()
    if not approve and not note:
        raise ValidationError({"note": "不予认定时请说明理由"})
    locked.state = EntryState.APPROVED if approve else EntryState.REJECTED
    locked.decided_by, locked.decision_note = user_or_none(acting_user), note[:300]
    _bump(locked)
    feeds.claim_decided(locked)
    record_change(actor=acting_user, action="appraisal_points_decide", obj=locked,
                  before={"state": EntryState.PENDING}, after={"state": locked.state, "note": locked.decision_note})
    return locked


@audited_transaction()
def source_rule_set(*, acting_user, org: Organization, year: int, source: str, per, points: int, cap: int,
                    active: bool = True, expected_version: int | None = None) -> SourceRule:
    """Set (or change) a computed points item of ``year`` for ``org``'s subtree: ``points`` for every
    full ``per`` units of a registered quantity (``core.registry.points_sources``), at most ``cap``."""
    require(acting_user, CHANGE, org, message="无权为该党组织制定积分规则")
    _year_ok(year)
    sources = points_sources()
    errors = rules.source_rule_errors(per, points, cap)
    if source not in sources:
        errors["source"] = "计分依据不是平台登记的可选项"
    if errors:
        raise ValidationError(errors)
    rule = SourceRule.objects.select_for_update().filter(org=org, year=year, source=source).first()
    values = {"per": Decimal(per).quantize(Decimal("0.1")), "points": int(points), "cap": int(cap),
              "active": bool(active)}
    if rule is None:
        rule = SourceRule.objects.create(org=org, year=year, source=source, **values)
        record_change(actor=acting_user, action="appraisal_source_rule", obj=rule,
                      after={"year": year, "source": sources[source].label, **_plain(values)})
        return rule
    _check_version(rule, expected_version, _plain(values))
    before = {k: getattr(rule, k) for k in values}
    if before != values:
        for key, value in values.items():
            setattr(rule, key, value)
        _bump(rule)
        record_change(actor=acting_user, action="appraisal_source_rule", obj=rule, before=_plain(before),
                      after=_plain(values))
    return rule


def _plain(values: dict) -> dict:
    return {k: str(v) if isinstance(v, Decimal) else v for k, v in values.items()}


def _nearest(rules_by_path: dict[str, SourceRule], path: str) -> SourceRule | None:
    for prefix in reversed(ancestors_and_self(path)):
        if prefix in rules_by_path:
            return rules_by_path[prefix]
    return None


def _generate_from_sources(root: Organization, year: int, today: dt.date) -> int:
    """One entry per member, year and registered source, keyed ``<source>:<year>:<member>``, its points
    recomputed from the quantity under the nearest rule of the year (a second run changes only what
    changed). A fixed number of queries per source: the rules, the amounts, the members' paths, the
    entries already there, and the writes."""
    created = 0
    on = min(dt.date(year, 12, 31), today)
    in_reach = Q(org__path__startswith=root.path) | Q(org__path__in=ancestors_and_self(root.path))
    for code, source in points_sources().items():
        rules_by_path = {r.org.path: r for r in SourceRule.objects.filter(in_reach, year=year, source=code,
                                                                           active=True).select_related("org")}
        if not rules_by_path:
            continue
        amounts = source.amounts(root, year)
        members = Member.objects.filter(pk__in=list(amounts)).values_list("pk", "org_id", "org__path")
        existing = {e.key: e for e in PointsEntry.objects.filter(key__startswith=f"{code}:{year}:",
                                                                 org__path__startswith=root.path)}
        new, changed = [], []
        for member_id, org_id, path in members:
            rule = _nearest(rules_by_path, path)
            if rule is None:
                continue
            points, reason = rules.source_points(amounts[member_id], per=rule.per, points=rule.points, cap=rule.cap,
                                                 unit=source.unit, label=source.label)
            reason = f"{reason}（{rule.org.name}{year}年度规则）"[:300]
            key = f"{code}:{year}:{member_id}"
            entry = existing.get(key)
            if entry is None:
                if points:
                    new.append(PointsEntry(member_id=member_id, org_id=org_id, on=on, points=points, reason=reason,
                                           origin=EntryOrigin.EVENT, state=EntryState.APPROVED, key=key))
            elif (entry.points, entry.reason, entry.on) != (points, reason, on):
                entry.points, entry.reason, entry.on = points, reason, on
                entry.version += 1
                changed.append(entry)
        PointsEntry.objects.bulk_create(new, batch_size=GENERATE_BATCH, ignore_conflicts=True)
        PointsEntry.objects.bulk_update(changed, ["points", "reason", "on", "version"], batch_size=GENERATE_BATCH)
        created += len(new)
    return created


@audited_transaction()
def points_generate(*, acting_user, root: Organization, start: dt.date, end: dt.date) -> int:
    """Entries for attendance at meetings held in ``start``–``end`` under ``root``, one per attendance
    and attendance rule that covers the meeting's organisation. Set-based (a fixed number of queries)
    and idempotent: each entry carries the key of its attendance and rule, so a second run adds
    nothing. Returns the number of new entries."""
    require(acting_user, CHANGE, root, message="无权为该党组织生成积分")
    if end < start:
        raise ValidationError({"end": "结束日期不能早于开始日期"})
    today = timezone.localdate()
    from_sources = sum(_generate_from_sources(root, year, today) for year in range(start.year, end.year + 1))
    attendance_rules = list(PointsRule.objects.filter(active=True, category=PointsCategory.ATTENDANCE)
                            .filter(Q(org__path__startswith=root.path) | Q(org__path__in=ancestors_and_self(root.path)))
                            .select_related("org"))
    if not attendance_rules:
        if from_sources:
            record_change(actor=acting_user, action="appraisal_points_generate", obj=root,
                          after={"start": start.isoformat(), "end": end.isoformat(), "created": from_sources})
        return from_sources
    tz = timezone.get_current_timezone()
    rows = (Attendance.objects.filter(
        status="present", meeting__status=MeetingStatus.HELD, meeting__org__path__startswith=root.path,
        meeting__held_at__gte=dt.datetime.combine(start, dt.time.min, tz),
        meeting__held_at__lt=dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tz))
        .values_list("id", "member_id", "meeting__org_id", "meeting__org__path", "meeting__held_at", "meeting__title"))
    before = PointsEntry.objects.filter(origin=EntryOrigin.EVENT, org__path__startswith=root.path).count()
    batch: list[PointsEntry] = []
    for att_id, member_id, org_id, path, held_at, title in rows.iterator(chunk_size=GENERATE_BATCH):
        for rule in attendance_rules:
            if path.startswith(rule.org.path):
                batch.append(PointsEntry(
                    member_id=member_id, org_id=org_id, rule=rule, on=timezone.localtime(held_at, tz).date(),
                    points=rule.points, reason=f"参加“{title[:80]}”", origin=EntryOrigin.EVENT,
                    state=EntryState.APPROVED, key=f"attendance:{att_id}:{rule.pk}"))
        if len(batch) >= GENERATE_BATCH:  # memory stays flat however many attendances the period holds
            PointsEntry.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    PointsEntry.objects.bulk_create(batch, ignore_conflicts=True)
    created = PointsEntry.objects.filter(origin=EntryOrigin.EVENT, org__path__startswith=root.path).count() - before
    created += from_sources
    record_change(actor=acting_user, action="appraisal_points_generate", obj=root,
                  after={"start": start.isoformat(), "end": end.isoformat(), "created": created})
    return created

