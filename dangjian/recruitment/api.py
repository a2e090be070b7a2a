"""The 发展党员 API: cases, their steps and the pipeline, scoped like every other list; a step is
recorded through the same action as the page and answers with the flags at once."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from ninja import Query, Router, Status

from dangjian.accounts.queries import scope_root
from dangjian.apikit import WRITE_ERRORS, PageQuery, page_of, readable_or_404, responses, write_in_scope
from dangjian.core.scoping import VIEW
from dangjian.members.models import Member
from dangjian.orglife.models import Meeting
from dangjian.orgs.models import Organization
from dangjian.orgs.queries import referenced_org

from . import actions, queries
from .models import CaseStep, RecruitmentCase
from .schemas import CaseCreate, CaseOut, CasePage, PipelineOut, StepIn, StepOut, StepResult

router = Router(tags=["发展党员"])


def _cases():
    return RecruitmentCase.objects.select_related("org")


@router.get("/cases", response=responses(CasePage, errors=(401, 422)), summary="发展党员对象列表")
def list_cases(request, page: Query[PageQuery], org: int | None = None, stage: str = "", show: str = "",
               q: str = ""):
    """管辖范围内的发展党员对象；`org` 该组织及其下级；`stage` 阶段；
    `show` = due（30 日内到期）、overdue（已超期）、flagged（有规则提示）。"""
    today = timezone.localdate()
    root = Organization.objects.restrict(request.user).filter(pk=org).first() if org else None
    qs = queries.in_subtree(queries.cases_for(request.user), root)
    qs = queries.filter_cases(qs, stage=stage, show=show, q=q, today=today)
    return page_of(qs.order_by("next_due_on", "id"), page)


@router.get("/cases/{int:case_id}", response=responses(CaseOut), summary="发展党员对象详情")
def get_case(request, case_id: int):
    return readable_or_404(_cases(), request.user, case_id)


@router.post("/cases", response=responses(CaseOut, status=201, errors=WRITE_ERRORS), summary="登记发展党员对象")
def create_case(request, payload: CaseCreate):
    org = referenced_org(request.user, pk=payload.org, code=payload.org_code, field="org")
    fields = payload.model_dump(exclude={"org", "org_code"})
    case = write_in_scope(request.user, _cases(), lambda: actions.case_create(acting_user=request.user, org=org,
                                                                               **fields))
    return Status(201, case)


@router.get("/cases/{int:case_id}/steps", response=responses(list[StepOut]), summary="发展党员步骤")
def list_steps(request, case_id: int):
    case = readable_or_404(_cases(), request.user, case_id)
    return list(CaseStep.objects.restrict(request.user).filter(case=case))


def _members(user, ids):
    found = list(Member.objects.restrict(user, VIEW).filter(pk__in=ids))
    if len(found) != len(set(ids)):
        raise ValidationError({"persons": "相关党员不存在或不在您的管辖范围内"})
    return found


@router.post("/cases/{int:case_id}/steps", response=responses(StepResult, errors=WRITE_ERRORS), summary="登记步骤")
def record_step(request, case_id: int, payload: StepIn):
    """登记（或更正只登记一次的）步骤。答复包含整个案卷记录后的规则提示；规则集标为阻止的违反返回 422。"""
    case = readable_or_404(_cases(), request.user, case_id)
    data = payload.model_dump(exclude={"version", "persons", "meeting", "approver"})
    data["training_days"], data["training_hours"] = Decimal(str(data["training_days"])), \
        Decimal(str(data["training_hours"]))
    persons = _members(request.user, payload.persons)
    meeting = Meeting.objects.restrict(request.user).filter(pk=payload.meeting).first() if payload.meeting else None
    if payload.meeting and meeting is None:
        raise ValidationError({"meeting": "会议记录不存在或不在您的管辖范围内"})
    approver = Organization.objects.filter(pk=payload.approver).first() if payload.approver else None
    if payload.approver and approver is None:
        raise ValidationError({"approver": "审批单位不存在"})
    holder = {}

    def write():
        row, flags = actions.step_record(acting_user=request.user, case=case, expected_version=payload.version,
                                         persons=persons, meeting=meeting, approver=approver, **data)
        holder.update(step=row, flags=[f.as_dict() for f in flags])
        return RecruitmentCase.objects.get(pk=case.pk)

    fresh = write_in_scope(request.user, _cases(), write, pk=case_id, expected_version=payload.version)
    return {"step": holder["step"], "flags": holder["flags"], "case": fresh}


@router.get("/pipeline", response=responses(PipelineOut, errors=(401, 422)), summary="发展党员进度汇总")
def pipeline(request, org: int | None = None):
    """该组织（默认为您管辖范围的顶层）及其全部下级：各阶段人数、30 日内到期、已超期、有规则提示的人数。"""
    root = Organization.objects.restrict(request.user).filter(pk=org).first() if org else scope_root(request.user)
    qs = queries.in_subtree(queries.cases_for(request.user), root)
    counts = queries.pipeline_counts(qs, timezone.localdate())
    return {"org": root, "total": counts.total, "due_in_30_days": counts.due, "overdue": counts.overdue,
            "flagged": counts.flagged,
            "stages": [{"stage": s, "label": label, "count": n} for s, label, n in counts.stages]}
