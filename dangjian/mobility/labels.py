"""The Chinese of this app's audit actions and recorded keys (core/labels.py)."""

from dangjian.core.labels import register_actions, register_fields

register_actions({
    "outflow_open": "登记党员外出", "outflow_update": "修改外出登记", "outflow_close": "结束外出登记",
    "activity_card_issue": "登记流动党员活动证", "flow_report": "登记流动党员报告",
    "inflow_register": "登记流入党员", "inflow_leave": "登记流入党员离开", "member_flow_set": "更新流动党员标记",
})
register_fields({"receiving_org_id": "流入地党组织（本系统内）", "receiving_org_text": "流入地党组织（系统外）",
                 "left_on": "外出日期", "expected_until": "预计返回日期", "closed_on": "结束日期",
                 "origin_org": "原所在党组织", "origin_place": "来自（地区）", "home_contact": "原党组织联系方式",
                 "arrived_on": "流入日期", "flow_status": "流动党员", "flow_place": "流动地点"})
