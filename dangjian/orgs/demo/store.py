"""Writing a demo plan to the database, and clearing the party data before a reload.

Rows go in with ``bulk_create`` in batches: organisations level by level (a level needs its
parents' ids), then members, terms and posts. Paths come from the plan, so nothing is allocated
row by row. Members are turned into model instances one batch at a time to keep memory flat.
"""

from __future__ import annotations

from itertools import islice

from django.db.models import Max, ProtectedError

from dangjian.accounts.models import Position
from dangjian.core.actors import SYSTEM
from dangjian.core.history import record_change
from dangjian.members.models import Member, Transfer
from dangjian.orgs.models import CommitteePost, Organization, Term

from .plan import MemberSpec, OrgSpec, Plan

BATCH = 1000
ORG_FIELDS = ("name", "short_name", "code", "kind", "path", "founded_on", "unit_name", "unit_category")
MEMBER_FIELDS = (
    "name", "gender", "ethnicity", "birth_date", "education", "category", "work_unit", "job_title", "joined_on",
    "confirmed_on", "membership_type", "status", "address", "lost_contact", "lost_contact_since", "flow_status",
    "flow_place", "hardship", "retired", "report_community",
)


class WipeRefused(Exception):
    """Party data is referenced by rows the demo loader does not own."""


def batches(items, size: int = BATCH):
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def save_plan(plan: Plan, progress=None) -> dict[str, int]:
    orgs = plan.orgs()
    save_orgs(orgs)
    members = plan.members()
    save_members(members, progress)
    terms = [org for org in orgs if org.term is not None]
    save_terms(terms)
    posts = save_posts(terms)
    record_change(actor=SYSTEM, action="demo_load", obj=Organization.objects.get(pk=plan.root.pk),
                  after={"scale": plan.scale, "seed": plan.seed, "anchor": plan.anchor.isoformat(),
                         "orgs": len(orgs), "members": len(members)},
                  note="生成演示数据（dangjian demo-data）")
    return {"orgs": len(orgs), "members": len(members), "terms": len(terms), "posts": posts}


def save_orgs(orgs: list[OrgSpec]) -> None:
    for depth in sorted({org.depth for org in orgs}):
        level = [org for org in orgs if org.depth == depth]
        for chunk in batches(level):
            rows = [Organization(parent_id=org.parent.pk if org.parent else None, depth=depth,
                                 **{f: getattr(org, f) for f in ORG_FIELDS}) for org in chunk]
            Organization.objects.bulk_create(rows)
            for org, row in zip(chunk, rows, strict=True):
                org.pk = row.pk


def member_row(spec: MemberSpec) -> Member:
    row = Member(org_id=spec.org.pk, **{f: getattr(spec, f) for f in MEMBER_FIELDS})
    row.set_id_number(spec.id_number)
    row.set_phone(spec.phone)
    return row


def save_members(members: list[MemberSpec], progress=None) -> None:
    for number, chunk in enumerate(batches(members), start=1):
        rows = [member_row(spec) for spec in chunk]
        Member.objects.bulk_create(rows)
        for spec, row in zip(chunk, rows, strict=True):
            spec.pk = row.pk
        if progress and number % 20 == 0:
            progress(f"已写入党员 {number * BATCH:,} 名")


def save_terms(orgs: list[OrgSpec]) -> None:
    for chunk in batches(orgs):
        rows = [Term(org_id=org.pk, started_on=org.term.started_on, ends_on=org.term.ends_on, is_current=True)
                for org in chunk]
        Term.objects.bulk_create(rows)
        for org, row in zip(chunk, rows, strict=True):
            org.term.pk = row.pk


def save_posts(orgs: list[OrgSpec]) -> int:
    rows = [CommitteePost(term_id=org.term.pk, member_id=p.member.pk, post=p.post, concurrent_head=p.concurrent_head)
            for org in orgs for p in org.term.posts]
    CommitteePost.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


def wipe_party_data() -> None:
    """Delete every organisation, member, term, post and position, leaves first. Audit records stay.
    Rows of other apps that protect an organisation or a member stop the wipe with a clear error."""
    try:
        CommitteePost.objects.all().delete()
        Term.objects.all().delete()
        Transfer.objects.all().delete()
        Position.objects.all().delete()
        Member.objects.all().delete()
        deepest = Organization.objects.aggregate(m=Max("depth"))["m"] or 0
        for depth in range(deepest, 0, -1):
            Organization.objects.filter(depth=depth).delete()
    except ProtectedError as exc:
        names = sorted({obj._meta.verbose_name for obj in exc.protected_objects})
        raise WipeRefused(f"无法清除现有数据：{'、'.join(map(str, names))}仍引用党组织或党员") from exc
