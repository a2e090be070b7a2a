"""The Chinese of this app's audit actions and recorded keys (core/labels.py)."""

from dangjian.core.labels import register_actions, register_fields

register_actions({
    "appraisal_round_create": "建立述职评议", "appraisal_round_update": "修改述职评议标准",
    "appraisal_entry_tally": "录入述职评议票数", "appraisal_round_voting": "开始或结束述职评议账号投票",
    "appraisal_round_ballot": "述职评议投票（本人账号）", "appraisal_entry_report": "上传述职报告",
    "appraisal_problem_add": "登记述职评议问题", "appraisal_problem_item": "述职评议问题列入问题清单",
    "appraisal_start": "开始民主评议党员", "appraisal_update": "修改民主评议党员",
    "appraisal_advance": "民主评议进入下一环节", "appraisal_ballot": "民主测评投票（本人账号）",
    "appraisal_appeal": "对民主评议结果提出申诉", "appraisal_appeal_answer": "复查民主评议结果申诉",
    "appraisal_person_update": "登记党员评议情况",
    "appraisal_disposal_create": "登记组织处置", "appraisal_disposal_done": "办结组织处置",
    "appraisal_rule_create": "新建积分规则", "appraisal_rule_update": "修改积分规则",
    "appraisal_setting": "修改积分设置", "appraisal_points_claim": "申报积分",
    "appraisal_points_decide": "审核积分申报", "appraisal_source_rule": "设置平台计算的积分项目",
    "appraisal_points_generate": "生成平台记录的积分", "appraisal_points_evidence": "补充积分申报佐证",
})
register_fields({"entries": "述职人数", "people": "评议人数", "report": "述职报告", "result": "评议结果",
                 "created": "新增积分记录", "start": "开始日期", "end": "结束日期", "rankings": "显示积分排名",
                 "rule": "积分规则", "item": "问题清单事项", "text": "申诉理由", "outcome": "复查结论",
                 "evidence": "佐证文件"})
