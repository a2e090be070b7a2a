"""Cases written in bulk for the demo and the benchmark: each case follows one timeline of the 25
steps (with the days between steps a county usually sees), cut at the step it has reached, some
with a deliberate breach. Written with bulk_create (measurement and demo data: no history), then
checked set-based like every other case."""

from __future__ import annotations

import datetime as dt
import random

from dangjian.core.idnumbers import make_id_number
from dangjian.members.choices import MembershipType, PartyStatus
from dangjian.members.models import Member

from . import rules
from .choices import Outcome
from .models import CaseStep, RecruitmentCase

BATCH = 2000
FIRST_BIRTH = dt.date(1985, 1, 1)
DEMO_AREA, BENCH_AREA = "990900", "990901"  # fictitious areas, apart from the demo members' 9901xx
# (step, days after the application)
TIMELINE = [(1, 0), (2, 20), (3, 90), (4, 95), (5, 96), (6, 270), (6, 450), (7, 460), (8, 465), (9, 470),
            (10, 480), (11, 490), (12, 510), (13, 520), (14, 525), (15, 540), (16, 560), (17, 600), (18, 610),
            (19, 612), (20, 615), (21, 720), (22, 890), (23, 910), (24, 950), (25, 960)]
# Where the cases stand. Every admitted case not yet confirmed was admitted within the last year (a
# 预备党员 of more than a year is overdue for 转正, which the breaches below do not stage).
REACHED = [1, 2, 3, 6, 7, 9, 12, 14, 15, 17, 20, 21, 24, 25]
BREACHES = ("short_activist", "late_approval", "holiday_publicity")
# People named at a step: the 培养联系人 (one) and the 入党介绍人 (two), full members of the branch in
# good standing — without them every case past step 5 carried a contacts/introducers flag.
PEOPLE = {5: 1, 9: 2}
NAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["晓明", "丽娟", "建华", "海燕", "志强", "秀兰", "国庆", "春梅", "文博", "雨欣", "子涵", "浩然"]


def _steps_for(start: dt.date, reached: int, breach: str, rng) -> list[dict]:
    out = []
    timeline = TIMELINE[: next(i for i, (n, _) in enumerate(TIMELINE) if n == reached) + 1]
    for number, offset in timeline:
        if breach == "short_activist" and number >= 7:
            offset -= 25  # 积极分子 period about three weeks short of a year
        if breach == "late_approval" and number >= 17:
            offset += 70  # 审批 four months after the 支部大会, no reason recorded
        row = {"step": number, "done_on": start + dt.timedelta(days=offset)}
        if number == 11:
            row["training_days"] = 3
        if number == 12:
            begin = row["done_on"] - dt.timedelta(days=14)
            row["publicity_start"], row["publicity_end"] = begin, begin + dt.timedelta(days=9)
        if number in (15, 23):
            expected = rng.randint(8, 40)
            present = rng.randint(expected // 2 + 1, expected)
            row.update(voting_expected=expected, voting_present=present,
                       votes_for=rng.randint(expected // 2 + 1, present))
        if number == 23:
            row["outcome"] = Outcome.CONFIRM
        if number in (17, 24):
            row["outcome"] = Outcome.APPROVED
        out.append(row)
    if breach == "holiday_publicity":
        for row in out:
            if row["step"] == 12:  # five calendar days over the National Day holidays of 2025
                row["publicity_start"], row["publicity_end"] = dt.date(2025, 9, 29), dt.date(2025, 10, 3)
    return out


def plan(branches: list, count: int, *, today: dt.date, seed: int, breaches: int = 0) -> list[tuple]:
    """``count`` (branch, start, reached, breach) spread over ``branches``; the first ``breaches``
    cases of each kind carry one of the three breaches."""
    rng = random.Random(seed)
    chosen = []
    for i in range(count):
        reached = REACHED[i % len(REACHED)]
        offset = dict(TIMELINE[::-1])[reached] if reached != 6 else 270
        start = today - dt.timedelta(days=offset + rng.randint(1, 40))
        breach = BREACHES[i % 3] if i < breaches * 3 else ""
        if breach == "holiday_publicity":
            reached, start = max(reached, 14), dt.date(2025, 10, 10) - dt.timedelta(days=510)
        elif breach == "late_approval":
            reached = 17
            start = today - dt.timedelta(days=dict(TIMELINE[::-1])[reached] + 70 + rng.randint(1, 20))
        elif breach == "short_activist":
            reached = max(reached, 7)
            start = today - dt.timedelta(days=dict(TIMELINE[::-1])[reached] + rng.randint(1, 20))
        chosen.append((branches[i % len(branches)], start, reached, breach))
    return chosen


def write(cases: list[tuple], *, seed: int, area: str, prefix: str = "", today: dt.date) -> list[int]:
    """Write the planned cases (and the 预备党员/党员 records of those admitted); returns their ids."""
    rng = random.Random(seed)
    ids = []
    for chunk_start in range(0, len(cases), BATCH):
        chunk = cases[chunk_start: chunk_start + BATCH]
        rows, plans = [], []
        for i, (org, start, reached, breach) in enumerate(chunk, start=chunk_start):
            # distinct numbers: a birth day per index modulo 6,000 days, the sequence above it
            birth = FIRST_BIRTH + dt.timedelta(days=i % 6000)
            gender = "M" if i % 2 else "F"
            number = make_id_number(area, birth, i // 6000, gender)
            case = RecruitmentCase(name=f"{prefix}{NAMES[i % len(NAMES)]}{GIVEN[i % len(GIVEN)]}",
                                   gender=gender, birth_date=birth, org=org, applied_on=start,
                                   edition=rules.edition_for(start).code)
            case.set_id_number(number)
            rows.append(case)
            plans.append(_steps_for(start, reached, breach, rng))
        created = RecruitmentCase.objects.bulk_create(rows, batch_size=BATCH)
        steps = [CaseStep(case=case, **row) for case, rows_ in zip(created, plans, strict=True) for row in rows_
                 if row["done_on"] <= today]
        CaseStep.objects.bulk_create(steps, batch_size=BATCH)
        _name_people(steps)
        ids += [c.pk for c in created]
    return ids


def _name_people(steps: list[CaseStep]) -> None:
    """The full members of each branch named at the steps of ``PEOPLE`` (one query for the members,
    one bulk insert); a branch with too few records as many as it has, which the rules flag."""
    named = [s for s in steps if s.step in PEOPLE]
    full: dict[int, list[int]] = {}
    for org_id, pk in (Member.objects.filter(org_id__in={s.case.org_id for s in named},
                                             membership_type=MembershipType.FULL, status=PartyStatus.NORMAL)
                       .order_by("org_id", "pk").values_list("org_id", "pk")):
        if len(full.setdefault(org_id, [])) < 2:
            full[org_id].append(pk)
    through = CaseStep.persons.through
    through.objects.bulk_create([through(casestep_id=s.pk, member_id=pk) for s in named
                                 for pk in full.get(s.case.org_id, [])[:PEOPLE[s.step]]], batch_size=BATCH)


def add_members(cases, today: dt.date) -> int:
    """The 预备党员 (or, after 转正, full members) of the admitted demo cases."""
    made = 0
    for case in cases:
        steps = {s.step: s for s in case.steps.all()}
        if 17 not in steps or case.member_id:
            continue
        confirmed = steps[24].done_on if 24 in steps else None
        member = Member(name=case.name, gender=case.gender, birth_date=case.birth_date, org=case.org,
                        joined_on=steps[15].done_on, confirmed_on=confirmed,
                        membership_type=MembershipType.FULL if confirmed else MembershipType.PROBATIONARY)
        member.id_number_encrypted, member.id_number_index = case.id_number_encrypted, case.id_number_index
        member.id_number_masked = case.id_number_masked
        member.save()
        case.member = member
        case.save(update_fields=["member"])
        made += 1
    return made
