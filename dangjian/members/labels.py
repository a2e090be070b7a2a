"""The Chinese of this app's audit actions and recorded keys (core/labels.py)."""

from dangjian.core.labels import register_actions, register_fields

register_actions({
    "member_create": "登记党员", "member_update": "修改党员信息", "member_transfer": "组织关系转接",
    "member_reveal": "查看完整证件号码", "member_account_link": "关联党员账号", "member_account_unlink": "解除党员账号",
    "correction_request": "申请更正", "correction_accepted": "接受更正", "correction_rejected": "驳回更正",
    "correction_withdrawn": "撤回更正申请",
})
register_fields({"id_number": "公民身份号码", "phone": "手机号码", "to_org": "转入党组织", "from_org": "转出党组织",
                 "field": "更正项目", "proposed": "正确值"})
