"""The Chinese of this app's audit actions and recorded keys (core/labels.py)."""

from dangjian.core.labels import register_actions, register_fields

register_actions({
    "dues_base_set": "核定党费基数", "dues_relief": "登记党费减免", "dues_arrangement": "登记按季度或委托交纳",
    "dues_payment": "登记党费交纳", "dues_payment_update": "修改党费交纳", "dues_payment_delete": "删除党费交纳",
})
register_fields({"approval_ref": "批准文号或记录", "approved_by_org": "批准的上级党组织",
                 "consented_on": "支部同意日期"})
