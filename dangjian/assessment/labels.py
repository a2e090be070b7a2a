"""The Chinese of this app's audit actions and recorded keys (core/labels.py)."""

from dangjian.core.labels import register_actions, register_fields

register_actions({
    "assessment_scheme_create": "新建考核方案", "assessment_scheme_update": "修改考核方案评分标准",
    "assessment_indicators": "修改考核指标", "assessment_scheme_issue": "下发考核方案",
    "assessment_compute": "计算考核指标", "assessment_claim": "填报自评", "assessment_claim_file": "上传自评佐证",
    "assessment_self": "提交自评",
    "assessment_score": "上级评分", "assessment_survey": "录入群众测评", "assessment_rate": "上级评定等次",
    "assessment_publicize": "公示考核结果", "assessment_objection": "登记公示异议",
    "assessment_objection_answer": "处理公示异议", "assessment_report": "上报考核结果",
    "assessment_amend": "更正考核结果", "assessment_candidate_confirm": "认定后进/软弱涣散党组织",
    "assessment_candidate_dismiss": "不予认定后进/软弱涣散", "assessment_candidate_lift": "后进/软弱涣散党组织摘帽",
})
register_fields({
    "indicators": "考核指标", "organisations": "计算的党组织数", "candidates": "后进/软弱涣散提示数",
    "indicator": "指标", "claim_points": "自评分", "points": "得分", "stage": "环节", "grade": "等次",
    "publicity_start": "公示开始", "objection": "异议", "response": "核实处理情况", "value": "值",
    "item": "整顿事项", "deadline": "整顿期限", "backward": "后进提示规则", "bands": "等次",
    "file": "佐证文件",
})
