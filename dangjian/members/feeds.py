"""What member records put in people's 待办: a correction request for the staff of the member's
organisation to decide, and its result for the member (a notice the member closes)."""

from __future__ import annotations

from django.urls import reverse

from dangjian.inbox import actions as inbox

from .choices import CorrectionStatus

CORRECTION, RESULT = "members.correction", "members.correction_result"


def correction_filed(request) -> None:
    member = request.member
    inbox.notify(key=f"{CORRECTION}:{request.pk}", source=CORRECTION, org=member.org,
                 url=reverse("members:correction", args=[request.pk]),
                 title=f"更正申请待处理：{member.name}的{request.field_label}",
                 body=f"申请改为：{request.proposed_display}\n理由：{request.reason}")


def correction_decided(request) -> None:
    """Called by the decision actions inside their transaction."""
    inbox.resolve(key=f"{CORRECTION}:{request.pk}", note=request.get_status_display())
    user_id = request.member.user_id
    if request.status == CorrectionStatus.WITHDRAWN or user_id is None:
        return
    outcome = "已按您的申请更正" if request.status == CorrectionStatus.ACCEPTED else "未予更正"
    note = f"\n处理意见：{request.decision_note}" if request.decision_note else ""
    inbox.notify(key=f"{RESULT}:{request.pk}", source=RESULT, user=request.member.user,
                 url=reverse("members:me"), notice=True,
                 title=f"更正申请结果：{request.field_label}{outcome}",
                 body=f"申请改为：{request.proposed_display}{note}")
