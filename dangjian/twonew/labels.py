"""The Chinese of this app's audit actions (core/labels.py)."""

from dangjian.core.labels import register_actions, register_fields

register_actions({
    "twonew_entity_create": "登记两新组织", "twonew_entity_update": "修改两新组织",
    "twonew_entity_confirm": "动态排查核实两新组织", "twonew_round_create": "发起动态排查",
    "twonew_centre_create": "登记阵地", "twonew_centre_update": "修改阵地",
    "twonew_centre_photos": "上传阵地照片", "twonew_centre_photo_remove": "删除阵地照片",
    "twonew_list_save": "修改两新领域或阵地标准",
})
register_fields({"round": "排查", "standards": "已达标准"})
