"""Terms (换届) and committee posts, with the share of vacancies and overdue elections the
structure warnings are meant to find."""

from __future__ import annotations

import datetime as dt
import random

from dangjian.members.choices import MembershipType
from dangjian.members.rules import age_on
from dangjian.orgs.choices import BRANCH_KINDS, COMMITTEE_KINDS, OrgKind, Post, UnitCategory
from dangjian.orgs.rules import COMMITTEE_THRESHOLD, default_term_years, has_committee

from .people import add_years
from .plan import MemberSpec, OrgSpec, PostSpec, TermSpec

VACANT_SHARE = 0.03
EXPIRED_SHARE = 0.05
EXPIRING_SHARE = 0.05
NORMAL, EXPIRED, EXPIRING = "normal", "expired", "expiring"

POSTS_BY_SIZE = {
    1: (Post.SECRETARY,),
    2: (Post.SECRETARY, Post.DEPUTY_SECRETARY),
    3: (Post.SECRETARY, Post.ORGANIZATION, Post.PROPAGANDA),
    4: (Post.SECRETARY, Post.ORGANIZATION, Post.PROPAGANDA, Post.DISCIPLINE),
    5: (Post.SECRETARY, Post.DEPUTY_SECRETARY, Post.ORGANIZATION, Post.PROPAGANDA, Post.DISCIPLINE),
    7: (Post.SECRETARY, Post.DEPUTY_SECRETARY, Post.DEPUTY_SECRETARY, Post.ORGANIZATION, Post.PROPAGANDA,
        Post.DISCIPLINE, Post.OTHER),
}
# Secretaries' ages (lowest, highest, weight): older in the villages, as the speeches complain.
RURAL_SECRETARY_AGES = ((28, 44, 22), (45, 49, 25), (50, 54, 30), (55, 63, 23))
OTHER_SECRETARY_AGES = ((30, 44, 36), (45, 49, 28), (50, 54, 24), (55, 59, 12))
CONCURRENT_HEAD_SHARE = {UnitCategory.VILLAGE: 0.7, UnitCategory.COMMUNITY: 0.55}


def quota(rng: random.Random, population: list, share: float) -> list:
    """``share`` of ``population``, at least one, in a seeded random choice."""
    if not population:
        return []
    return rng.sample(population, max(1, round(len(population) * share)))


def assign_terms(orgs: list[OrgSpec], rng: random.Random, anchor: dt.date) -> None:
    with_terms = [o for o in orgs if has_committee(o.kind)]
    eligible = [o for o in with_terms if o.parent is not None and o.kind != OrgKind.TEMPORARY_BRANCH]
    picked = quota(rng, eligible, EXPIRED_SHARE + EXPIRING_SHARE)
    split = len(picked) // 2 or 1
    states = {id(o): EXPIRED for o in picked[:split]} | {id(o): EXPIRING for o in picked[split:]}
    branches = [o for o in with_terms if o.kind in BRANCH_KINDS and not _is_seat(o)]
    vacant = {id(o) for o in quota(rng, branches, VACANT_SHARE)}
    for org in with_terms:
        org.term = make_term(org, states.get(id(org), NORMAL), rng, anchor)
        org.term.posts = committee(org, rng, anchor, vacant=id(org) in vacant)


def _is_seat(org: OrgSpec) -> bool:
    return org.parent is not None and org.parent.seat is org


def make_term(org: OrgSpec, state: str, rng: random.Random, anchor: dt.date) -> TermSpec:
    years = default_term_years(org.kind, org.unit_category)
    if state == EXPIRED:
        ends = anchor - dt.timedelta(days=rng.randint(20, 420))
    elif state == EXPIRING:
        ends = anchor + dt.timedelta(days=rng.randint(45, 160))
    else:
        ends = anchor + dt.timedelta(days=rng.randint(200, years * 365 - 30))
    started = add_years(ends, -years)
    if org.kind == OrgKind.TEMPORARY_BRANCH and org.founded_on:
        started, ends = org.founded_on, add_years(org.founded_on, years)
    elif org.founded_on and org.founded_on > started:
        org.founded_on = started
    return TermSpec(started_on=started, ends_on=ends)


def committee(org: OrgSpec, rng: random.Random, anchor: dt.date, *, vacant: bool) -> list[PostSpec]:
    pool = org.seat.subtree_members() if org.seat else org.subtree_members()
    full = [m for m in pool if m.membership_type == MembershipType.FULL]
    posts = POSTS_BY_SIZE[committee_size(org, len(full), rng)]
    oldest = 75 if org.profile == "retired" else 63  # a retirees' branch is led by a retiree
    candidates = [m for m in full if _can_serve(m, anchor, oldest)]
    chosen: list[MemberSpec] = []
    secretary = pick_secretary(org, candidates, rng, anchor)
    if secretary is not None:
        chosen.append(secretary)
    others = [m for m in candidates if m is not secretary]
    chosen += rng.sample(others, min(len(posts) - len(chosen), len(others)))
    result = [PostSpec(member, post) for member, post in zip(chosen, posts, strict=False)]
    if result and result[0].post == Post.SECRETARY:
        result[0].concurrent_head = _concurrent_head(org, rng)
    if vacant:
        result = [p for p in result if p.post != Post.SECRETARY]
    return result


def committee_size(org: OrgSpec, full_members: int, rng: random.Random) -> int:
    """< 7 full members: a 书记, sometimes a 副书记; ≥ 7: a 支委会 of 3–5 (docs/architecture.md「业务规则」)."""
    if org.kind in COMMITTEE_KINDS:
        return 7
    if org.kind == OrgKind.GENERAL_BRANCH:
        return 7 if full_members >= 80 else 5
    if full_members < COMMITTEE_THRESHOLD:
        return 2 if rng.random() < 0.2 else 1
    if full_members < 15:
        return rng.choice((3, 3, 4))
    return rng.choice((3, 4, 5, 5))


def _can_serve(member: MemberSpec, anchor: dt.date, oldest: int) -> bool:
    return (member.status == "normal" and not member.lost_contact and member.flow_status != "out"
            and 25 <= age_on(member.birth_date, anchor) <= oldest)


def pick_secretary(org: OrgSpec, candidates: list[MemberSpec], rng: random.Random, anchor: dt.date):
    """A secretary whose age falls in a band drawn first, so the 书记队伍 age structure is spread."""
    if not candidates:
        return None
    rural = org.unit_category in (UnitCategory.VILLAGE, UnitCategory.COMMUNITY)
    bands = RURAL_SECRETARY_AGES if rural else OTHER_SECRETARY_AGES
    low, high, _ = rng.choices(bands, weights=[b[2] for b in bands])[0]
    in_band = [m for m in candidates if low <= age_on(m.birth_date, anchor) <= high]
    if in_band:
        return rng.choice(in_band)
    middle = (low + high) / 2
    return min(candidates, key=lambda m: abs(age_on(m.birth_date, anchor) - middle))


def _concurrent_head(org: OrgSpec, rng: random.Random) -> bool:
    """一肩挑: the village (community) secretary who also heads the 村(居)委会."""
    share = CONCURRENT_HEAD_SHARE.get(org.unit_category, 0)
    top_level = org.parent is not None and org.parent.kind != OrgKind.GENERAL_BRANCH
    return share > 0 and top_level and org.kind != OrgKind.GRID_BRANCH and rng.random() < share
