"""The Chinese of this app's audit actions and recorded keys (core/labels.py)."""

from dangjian.core.labels import register_actions, register_fields

from .choices import Transition

register_actions({
    "worklist_create": "新建清单事项", "worklist_update": "修改清单事项", "worklist_evidence": "上传佐证材料",
    "worklist_progress": "填报进展", "worklist_document": "登记来源文件",
    **{f"worklist_{code}": f"清单事项{label}" for code, label in Transition.choices},
})
register_fields({"measures": "整改措施", "progress": "进展情况", "state": "状态", "reason": "原因"})
