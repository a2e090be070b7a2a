"""The Chinese of this app's audit actions and recorded keys (core/labels.py)."""

from dangjian.core.labels import register_actions, register_fields

register_actions({
    "community_report_request": "申请到社区报到", "community_report_accept": "接收报到",
    "community_report_decline": "不接收报到", "community_report_end": "结束报到",
    "community_need_post": "发布社区需求", "community_need_close": "关闭社区需求",
    "community_record_enter": "登记服务记录", "community_record_decide": "确认服务记录",
    "community_feedback": "社区年度反馈",
})
register_fields({"decision_note": "社区意见", "reject_reason": "未确认原因"})
