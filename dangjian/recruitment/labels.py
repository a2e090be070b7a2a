"""The Chinese of this app's audit actions and recorded keys (core/labels.py)."""

from dangjian.core.labels import register_actions, register_fields

register_actions({
    "recruitment_case_create": "登记发展党员对象", "recruitment_step": "登记发展党员步骤",
    "recruitment_document": "上传发展党员材料", "recruitment_layer": "设置发展党员地方规则",
    "recruitment_import": "导入发展党员对象", "recruitment_demo": "载入发展党员演示数据",
    "calendar_day_set": "登记节假日或调休", "calendar_day_remove": "删除节假日或调休",
})
register_fields({"step": "步骤", "persons": "相关党员", "meeting": "会议记录", "approver": "审批单位",
                 "layer": "地方规则", "enabled": "启用", "document": "材料", "kind": "材料类别", "day": "日期",
                 "edition": "适用细则版本"})
