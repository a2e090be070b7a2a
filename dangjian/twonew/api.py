"""The 两新组织 API: the registry with the list page's filters, coverage rates, 动态排查 progress and
confirmation; the same actions as the pages. Outside the scope 404, read-only 403, stale 409, bad 422."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Query, Router, Status

from dangjian.apikit import (
    WRITE_ERRORS,
    DbId,
    PageQuery,
    page_of,
    readable_or_404,
    reject_nulls,
    responses,
    subtree_root,
    write_in_scope,
)
from dangjian.core.scoping import CHANGE
from dangjian.core.shortcuts import parse_id
from dangjian.orgs.models import Organization
from dangjian.orgs.queries import referenced_org

from . import actions, queries
from .models import Entity, Field
from .schemas import (
    ConfirmIn,
    CoverageReport,
    EntityCreate,
    EntityFilters,
    EntityOut,
    EntityPage,
    EntityPatch,
    ProgressOut,
)

router = Router(tags=["两新组织"])
NULLABLE = {"covering_org", "field"}


def _entities():
    return Entity.objects.select_related("org", "field", "covering_org")


def _refs(user, data: dict) -> dict:
    if data.get("covering_org") is not None:
        org = Organization.objects.restrict(user, CHANGE).filter(pk=data["covering_org"]).first()
        if org is None:
            raise ValidationError({"covering_org": "所建党组织不存在，或不在您可维护的范围内"})
        data["covering_org"] = org
    if data.get("field") is not None:
        field = Field.objects.filter(pk=data["field"], active=True).first()
        if field is None:
            raise ValidationError({"field": "领域不存在或已停用"})
        data["field"] = field
    return data


def _round(user, round_id: int):
    rnd = queries.rounds_for(user).filter(pk=parse_id(round_id) or 0).first()
    if rnd is None:
        raise Http404("排查不存在，或不在您的管辖范围内")
    return rnd


@router.get("/entities", response=responses(EntityPage, errors=(401, 422)), summary="两新组织名录")
def list_entities(request, filters: Query[EntityFilters], page: Query[PageQuery]):
    root = subtree_root(request.user, filters.org) if filters.org else None
    coverage = "uncovered" if filters.coverage == "none" else filters.coverage
    qs = queries.filter_entities(_entities().restrict(request.user), org=root, coverage=coverage,
                                 field_id=filters.field, text=filters.q.strip())
    return page_of(qs.order_by("name", "id"), page)


@router.get("/entities/{int:entity_id}", response=responses(EntityOut), summary="两新组织详情")
def get_entity(request, entity_id: int):
    return readable_or_404(_entities(), request.user, entity_id)


@router.post("/entities", response=responses(EntityOut, status=201, errors=WRITE_ERRORS), summary="登记两新组织")
def create_entity(request, payload: EntityCreate):
    org = referenced_org(request.user, pk=payload.org, code=payload.org_code, field="org")
    data = _refs(request.user, payload.model_dump(exclude={"org", "org_code"}))
    entity = write_in_scope(request.user, _entities(), lambda: actions.entity_create(
        acting_user=request.user, org=org, **data))
    return Status(201, entity)


@router.patch("/entities/{int:entity_id}", response=responses(EntityOut, errors=WRITE_ERRORS), summary="修改两新组织")
def update_entity(request, entity_id: int, payload: EntityPatch):
    entity = readable_or_404(_entities(), request.user, entity_id)
    changes = payload.model_dump(exclude_unset=True, exclude={"version"})
    reject_nulls(changes, nullable=NULLABLE)
    changes = _refs(request.user, changes)
    return write_in_scope(request.user, _entities(), lambda: actions.entity_update(
        acting_user=request.user, entity=entity, expected_version=payload.version, **changes),
        pk=entity_id, expected_version=payload.version)


@router.post("/rounds/{int:round_id}/entities/{int:entity_id}/confirm",
             response=responses(EntityOut, errors=WRITE_ERRORS), summary="动态排查：确认信息无变化")
def confirm_entity(request, round_id: int, entity_id: int, payload: ConfirmIn):
    rnd = _round(request.user, round_id)
    entity = readable_or_404(_entities(), request.user, entity_id)
    return write_in_scope(request.user, _entities(), lambda: actions.entity_confirm(
        acting_user=request.user, round=rnd, entity=entity, expected_version=payload.version, note=payload.note),
        pk=entity_id, expected_version=payload.version)


def _coverage_out(row) -> dict:
    c = row.counts
    return {"id": row.org_id, "name": row.name, "level": row.level, "total": c.total, "separate": c.separate,
            "joint": c.joint, "instructor": c.instructor, "uncovered": c.uncovered, "org_rate": c.org_rate,
            "work_rate": c.work_rate}


@router.get("/coverage", response=responses(CoverageReport), summary="覆盖率")
def coverage(request, org: DbId | None = None):
    """组织覆盖率、工作覆盖率：所选党组织（默认您管辖范围的最高一级）及其直接下级（各含全部下级），以及按领域。"""
    root = subtree_root(request.user, org)
    return {"by_org": [_coverage_out(r) for r in queries.coverage_by_org(request.user, root)],
            "by_field": [_coverage_out(r) for r in queries.coverage_by_field(request.user, root)]}


@router.get("/rounds/{int:round_id}/progress", response=responses(list[ProgressOut]), summary="动态排查进度")
def round_progress(request, round_id: int):
    rnd = _round(request.user, round_id)
    return [{"id": row.org_id, "name": row.name, "level": row.level, "total": p.total, "checked": p.checked,
             "remaining": p.remaining, "percent": p.percent} for row, p in queries.round_progress(request.user, rnd)]


