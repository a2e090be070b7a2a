"""The demo dataset from a scale and a seed: ``build_plan`` draws it, ``load_demo`` writes it."""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import Counter
from dataclasses import dataclass

from . import committees, groups, imperfections, store
from .people import MemberFactory
from .plan import Plan
from .scales import ANCHOR, DEFAULT_SEED, SCALES
from .tree import TreeBuilder


def build_plan(scale: str, *, seed: int = DEFAULT_SEED, anchor: dt.date = ANCHOR) -> Plan:
    """The whole dataset in memory. The same arguments give the same plan, on any day and machine:
    one ``random.Random(seed)`` is consumed in a fixed order and no set or clock is consulted."""
    rng = random.Random(seed)
    builder = TreeBuilder(rng, anchor)
    root = builder.build(SCALES[scale])
    orgs = list(root.walk())
    imperfections.shrink_small_branches(orgs, rng)
    imperfections.ensure_large_branch(orgs, rng)
    factory = MemberFactory(rng, anchor)
    for county in builder.counties:
        for org in county.org.walk():
            if org.profile and not org.members:
                factory.fill(org, county)
    committees.assign_terms(orgs, rng, anchor)
    groups.add_groups(orgs, rng)
    plan = Plan(root=root, anchor=anchor, seed=seed, scale=scale)
    holders = {id(p.member) for org in orgs if org.term for p in org.term.posts}
    imperfections.mark_lost_contact(plan.members(), holders, rng, anchor)
    return plan


@dataclass(frozen=True)
class LoadResult:
    orgs_by_kind: Counter
    members: int
    terms: int
    posts: int
    seconds: float


def load_demo(scale: str, *, seed: int = DEFAULT_SEED, anchor: dt.date = ANCHOR, progress=None) -> LoadResult:
    """Draw and write the dataset; the caller holds the transaction and has emptied the tables."""
    started = time.perf_counter()
    plan = build_plan(scale, seed=seed, anchor=anchor)
    if progress:
        progress(f"已生成数据（{time.perf_counter() - started:.1f} 秒），正在写入数据库…")
    counts = store.save_plan(plan, progress=progress)
    kinds = Counter(org.kind for org in plan.orgs())
    return LoadResult(kinds, counts["members"], counts["terms"], counts["posts"], time.perf_counter() - started)
