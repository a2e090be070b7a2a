"""Writes to the organisation tree. Tree writes lock the parent row, so paths are handed out one
at a time on PostgreSQL; SQLite's IMMEDIATE transactions serialise them anyway."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db.models import F, Max, Value
from django.db.models.functions import Concat, Length, Substr

from dangjian.core.actors import SYSTEM, check_actor
from dangjian.core.errors import ActionDenied, VersionConflict
from dangjian.core.history import audited_transaction, diff, record_change
from dangjian.core.scoping import CHANGE, require
from dangjian.core.tree import PATH_STEP

from . import feeds
from .choices import SUB_BRANCH_KINDS, OrgKind, Post
from .models import CommitteePost, Organization, Term
from .paths import next_child_path
from .rules import default_term_years

EDITABLE_FIELDS = ["name", "short_name", "code", "kind", "founded_on", "unit_name", "unit_category"]


def org_snapshot(org: Organization) -> dict:
    data = {f: getattr(org, f) for f in EDITABLE_FIELDS}
    data["founded_on"] = org.founded_on.isoformat() if org.founded_on else None
    data["parent"] = org.parent.code if org.parent_id else None
    return data


def _allocate_path(parent: Organization | None) -> str:
    if parent is None:
        last = Organization.objects.filter(depth=1).aggregate(m=Max("path"))["m"]
        return next_child_path("", last)
    Organization.objects.select_for_update().filter(pk=parent.pk).first()
    last = Organization.objects.filter(parent=parent).aggregate(m=Max("path"))["m"]
    return next_child_path(parent.path, last)


def _check_code_free(code: str, exclude_pk: int | None = None) -> None:
    if Organization.objects.filter(code=code).exclude(pk=exclude_pk).exists():
        raise ValidationError({"code": f"组织代码 {code} 已被使用"})


@audited_transaction()
def org_create(*, acting_user, parent: Organization | None, name: str, code: str, kind: str, **fields) -> Organization:
    """A new organisation under ``parent``. Only ``SYSTEM`` (set-up commands, the demo) may create
    a root."""
    if parent is None:
        check_actor(acting_user)
        if acting_user is not SYSTEM:
            raise ActionDenied("只有系统初始化可以创建顶级党组织")
    else:
        require(acting_user, CHANGE, parent, message="无权在该党组织下设立组织")
        if parent.kind in SUB_BRANCH_KINDS and kind not in SUB_BRANCH_KINDS:
            raise ValidationError({"kind": "党小组、党员中心户下不能设立党组织"})
    _check_code_free(code)
    path = _allocate_path(parent)
    org = Organization.objects.create(
        parent=parent, name=name, code=code, kind=kind, path=path, depth=len(path) // PATH_STEP,
        **{k: v for k, v in fields.items() if k in EDITABLE_FIELDS},
    )
    record_change(actor=acting_user, action="org_create", obj=org, after=org_snapshot(org))
    return org


@audited_transaction()
def org_update(*, acting_user, org: Organization, expected_version: int | None = None, **changes) -> Organization:
    locked = Organization.objects.select_for_update().get(pk=org.pk)
    require(acting_user, CHANGE, locked, message="无权修改该党组织")
    if expected_version is not None and locked.version != expected_version:
        raise VersionConflict(
            "该党组织信息已被他人修改，请核对后重新提交", current=org_snapshot(locked), submitted=changes
        )
    before = org_snapshot(locked)
    if "code" in changes and changes["code"] != locked.code:
        _check_code_free(changes["code"], locked.pk)
    for key in EDITABLE_FIELDS:
        if key in changes:
            setattr(locked, key, changes[key])
    old, new = diff(before, org_snapshot(locked))
    if new:
        locked.version += 1
        locked.save()
        record_change(actor=acting_user, action="org_update", obj=locked, before=old, after=new)
    return locked


@audited_transaction()
def org_move(*, acting_user, org: Organization, new_parent: Organization) -> Organization:
    """组织调整: move ``org`` and its whole subtree under ``new_parent`` in one statement. Members,
    terms and positions point at organisations by id, so they follow with nothing else to rewrite."""
    locked = Organization.objects.select_for_update().get(pk=org.pk)
    if locked.parent_id is None:
        raise ValidationError({"parent": "顶级党组织不能调整"})
    require(acting_user, CHANGE, locked.parent, message="无权从原上级党组织调出")
    require(acting_user, CHANGE, new_parent, message="无权调入目标党组织")
    if new_parent.path.startswith(locked.path):
        raise ValidationError({"parent": "不能把党组织调整到它自己或其下级之下"})
    if new_parent.kind in SUB_BRANCH_KINDS:
        raise ValidationError({"parent": "党小组、党员中心户下不能设立党组织"})
    old_path, old_parent = locked.path, locked.parent.code
    new_path = _allocate_path(new_parent)
    depth_change = (len(new_path) - len(old_path)) // PATH_STEP
    # Rewrite every path in the subtree at once: new prefix + the part below the old prefix. The new
    # prefix is freshly allocated under a parent outside the subtree, so no path can clash.
    subtree = Organization.objects.filter(path__startswith=old_path)
    subtree.update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1, Length("path"))),
        depth=F("depth") + depth_change,
    )
    Organization.objects.filter(pk=locked.pk).update(parent=new_parent, version=F("version") + 1)
    locked.refresh_from_db()
    record_change(
        actor=acting_user, action="org_move", obj=locked,
        before={"parent": old_parent}, after={"parent": new_parent.code},
    )
    return locked


@audited_transaction()
def term_start(
    *, acting_user, org: Organization, started_on: dt.date, ends_on: dt.date | None = None
) -> Term:
    """换届: a new current term; the previous one stops being current."""
    require(acting_user, CHANGE, org, message="无权为该党组织换届")
    if org.kind in SUB_BRANCH_KINDS:
        raise ValidationError({"org": "党小组、党员中心户不设委员会"})
    if ends_on is None:
        years = default_term_years(org.kind, org.unit_category)
        ends_on = _add_years(started_on, years)
    if ends_on <= started_on:
        raise ValidationError({"ends_on": "任期届满日期应晚于开始日期"})
    replaced = list(Term.objects.filter(org=org, is_current=True).values_list("pk", flat=True))
    Term.objects.filter(org=org, is_current=True).update(is_current=False)
    feeds.terms_replaced(replaced)
    term = Term.objects.create(org=org, started_on=started_on, ends_on=ends_on, is_current=True)
    record_change(
        actor=acting_user, action="term_start", obj=org,
        after={"started_on": started_on.isoformat(), "ends_on": ends_on.isoformat()},
    )
    return term


@audited_transaction()
def post_assign(*, acting_user, term: Term, member, post: str, concurrent_head: bool = False) -> CommitteePost:
    require(acting_user, CHANGE, term.org, message="无权任命该党组织委员")
    if post == Post.SECRETARY and term.posts.filter(post=Post.SECRETARY).exists():
        raise ValidationError({"post": "本届已有书记"})
    if term.posts.filter(member=member).exists():
        raise ValidationError({"member": "该党员已在本届委员会任职"})
    row = CommitteePost.objects.create(term=term, member=member, post=post, concurrent_head=concurrent_head)
    record_change(
        actor=acting_user, action="post_assign", obj=term.org,
        after={"member": member.name, "post": row.get_post_display()},
    )
    return row


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


__all__ = ["org_create", "org_update", "org_move", "term_start", "post_assign", "OrgKind"]
