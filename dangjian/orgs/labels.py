"""The Chinese of this app's audit actions and recorded keys (core/labels.py)."""

from dangjian.core.labels import register_actions, register_fields, register_values

from .choices import Post

register_actions({
    "org_create": "设立党组织", "org_update": "修改党组织", "org_move": "组织调整", "term_start": "换届",
    "post_assign": "任命委员", "demo_load": "载入演示数据",
})
register_fields({"parent": "上级党组织", "post": "职务", "member": "党员"})
register_values("post", Post.choices)
