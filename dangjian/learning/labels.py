"""The Chinese of this app's audit actions (core/labels.py)."""

from dangjian.core.labels import register_actions, register_fields

register_actions({
    "learning_programme_create": "新建学习计划", "learning_programme_update": "修改学习计划",
    "learning_session_create": "登记学习活动", "learning_session_update": "修改学习活动",
    "learning_target_set": "设置年度学时目标",
})
register_fields({"attendees": "参学人数", "meeting": "对应的组织生活会议"})
