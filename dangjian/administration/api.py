"""The 三员's one API operation: the organisation picker of the grant-position form. The security
administrator holds no position (so ``restrict`` shows them nothing) yet grants positions anywhere
in the tree; this search is open to the duty that grants positions and to nobody else."""

from __future__ import annotations

from ninja import Query, Router

from dangjian.accounts.queries import duty_of
from dangjian.apikit import PickerOut, PickerQuery, responses
from dangjian.core.errors import ActionDenied
from dangjian.orgs.models import Organization
from dangjian.orgs.queries import org_search

from . import rules

router = Router(tags=["三员管理"])


@router.get("/orgs", response=responses(PickerOut, errors=(401, 403, 422)), summary="查找党组织（设置岗位）",
            url_name="grant_org_picker")
def pick_orgs_to_grant(request, query: Query[PickerQuery]):
    """安全管理员设置岗位时选择党组织：全部党组织中名称、简称或组织代码包含输入文字的。其他用户 403。"""
    if not rules.may(duty_of(request.user), rules.POSITIONS):
        raise ActionDenied("您的管理职责不包括设置岗位")
    orgs = org_search(Organization.objects.all(), query.q, limit=query.limit)
    return {"items": [{"id": o.pk, "code": o.code, "label": o.name_with_code} for o in orgs]}
