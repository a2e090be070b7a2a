"""The Chinese of this app's audit actions (core/labels.py)."""

from dangjian.core.labels import register_actions, register_fields

register_actions({"notice_publish": "发布通知公告", "notice_confirm": "通知回执"})
register_fields({"recipients": "接收单位数", "confirmed": "已回执", "file": "附件"})
