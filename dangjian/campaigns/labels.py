"""The Chinese of this app's audit actions and recorded keys (core/labels.py)."""

from dangjian.core.labels import register_actions, register_fields

register_actions({
    "campaign_sheet_create": "制定评分表", "campaign_create": "新建督查观摩评选", "campaign_update": "修改活动设置",
    "campaign_close": "结束活动", "campaign_targets": "确定活动对象", "campaign_sample": "分层随机抽取对象",
    "campaign_grant": "授权督查人员或评委", "campaign_revoke": "终止督查人员或评委授权",
    "campaign_finding": "记录督查发现", "campaign_to_item": "督查发现转为问题清单", "campaign_revisit": "整改回头看",
    "campaign_score": "评委评分", "campaign_apply": "评选申报", "campaign_screen": "评选初审",
    "campaign_publicity": "评选公示", "campaign_objection": "登记公示异议", "campaign_objection_answer": "答复公示异议",
    "campaign_name": "命名", "campaign_decline": "不予命名", "campaign_title_review": "称号复评",
})
register_fields({
    "items": "评分项目", "method": "确定方式", "added": "新增对象数", "seed": "随机种子", "size": "抽取数量",
    "population": "抽样总体", "kinds": "组织类型", "fingerprint": "抽取结果摘要", "user": "人员", "role": "角色",
    "until": "授权截止", "home_org": "所在党组织", "target": "对象", "score": "得分", "is_problem": "存在问题",
    "text": "内容", "photos": "照片数", "item": "清单事项", "reopen": "重新整改", "total": "总分",
    "files": "材料数", "objection": "异议", "answer": "答复", "certificate_no": "证书编号", "year": "年度",
    "kept": "保留", "closed": "已结束", "starts_on": "开始日期", "ends_on": "结束日期",
})
