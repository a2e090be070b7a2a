"""A small speech and the decomposer's answer for it, in the JSON shape of issue 4."""

SPEECH = """在全县党建工作会议上的讲话
一、存在的问题
（一）一些支部三会一课落实不到位，存在补记录、凑次数的问题。
二、重点任务
（一）各党支部要严格落实三会一课制度，每季度至少上一次党课，6月底前完成自查。
（二）组织部门要加强对流动党员的管理服务，年底前实现全覆盖。
"""

RESULT = {
    "title": "在全县党建工作会议上的讲话",
    "noise": ["本文来源于网络"],
    "outline": [{"marker": "一、", "level": 1, "heading": "存在的问题", "text": "", "children": []}],
    "items": [
        {"kind": "problem", "text": "一些支部三会一课落实不到位，存在补记录、凑次数的问题。",
         "path": ["一、", "（一）"], "owners": [],
         "frequency": None, "deadline": None, "mechanisms": ["三会一课"], "source": "x"},
        {"kind": "task", "text": "各党支部要严格落实三会一课制度，每季度至少上一次党课。", "path": ["二、", "（一）"],
         "owners": ["各党支部"], "frequency": "quarterly", "deadline": "6月底前", "mechanisms": ["三会一课"],
         "source": "x"},
        {"kind": "responsibility", "text": "组织部门要加强对流动党员的管理服务。", "path": ["二、", "（二）"],
         "owners": ["组织部门"], "frequency": None, "deadline": "年底前", "mechanisms": ["流动党员"], "source": "x"},
    ],
}
