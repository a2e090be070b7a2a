"""The Chinese of this app's audit actions and recorded keys (core/labels.py)."""

from dangjian.core.labels import register_actions, register_fields

register_actions({
    "meeting_record": "登记会议", "meeting_update": "修改会议", "meeting_amend": "更正会议记录",
    "meeting_attach": "上传会议附件", "orglife_rule_set": "设置组织生活规则", "orglife_type_add": "增加会议类型",
})
register_fields({"types": "会议类型", "attendance": "出席情况", "type": "会议类型", "code": "代码", "file": "文件"})
register_actions({"orglife_flag_decide": "处理核查提示", "orglife_scan": "重新核查组织生活记录"})
