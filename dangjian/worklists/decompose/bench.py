"""A generated speech of a given length, and the benchmark the lead's ``dangjian bench`` calls."""

from __future__ import annotations

import time

from .numbering import chinese

HEADER = "仅供学习交流\n会员群：123456  客服微信：abc\n2024-03-01 发布 | 36 KB | 6页\n"
FOOTER = "\n免责声明：本站文档均由用户上传。\n查看更多\n"
SECTION_TOPICS = ("压实管党治党责任", "夯实基层组织基础", "严格党内组织生活", "深化作风建设", "抓好问题整改落实",
                  "建强党员干部队伍")
SUB_TOPICS = ("健全工作机制", "强化督促检查", "抓好队伍建设", "推进阵地建设", "提升服务能力")
SENTENCES = (
    "各级党组织书记要切实履行第一责任人职责，每季度至少专题研究一次党建工作",
    "组织部门要会同纪检监察机关开展专项督查，对发现的问题列出问题清单，年底前全部销号清零",
    "一些基层党组织“三会一课”制度落实不到位，存在补记录、凑次数的现象，组织生活质量不高",
    "要严格落实主题党日制度，每月固定一天开展活动，做到内容具体、形式多样",
    "班子成员要履行“一岗双责”，督促分管领域抓好党建工作，6月底前完成调研",
    "推进流动党员管理服务，健全离退休党员到社区报到机制，每半年通报一次情况",
    "部分党员干部学习不深入、作风不扎实，抓落实的能力还有差距",
    "各乡镇党委要抓好村（社区）“两委”换届后续工作，第三季度组织一次观摩评比",
)


def sample_speech(chars: int = 10_000) -> str:
    """A speech of about ``chars`` characters in the usual shape, with page noise around it."""
    parts = [HEADER, "在全县基层党建工作推进会上的讲话\n同志们：\n今天召开这次会议，主要任务是部署今年的基层党建工作。"
             "下面，我讲几点意见。\n"]
    size = sum(map(len, parts))
    section = 0
    while size < chars:
        section += 1
        lines = [f"{chinese(section)}、{SECTION_TOPICS[section % len(SECTION_TOPICS)]}"]
        for sub in range(1, 4):
            body = "。".join(f"{chinese(k)}是{SENTENCES[(section + sub + k) % len(SENTENCES)]}" for k in range(1, 4))
            lines.append(f"（{chinese(sub)}）{SUB_TOPICS[(section + sub) % len(SUB_TOPICS)]}。{body}。")
        block = "\n".join(lines) + "\n"
        parts.append(block)
        size += len(block)
    parts.append("同志们，做好今年的基层党建工作责任重大，希望大家以更加务实的作风抓好落实。" + FOOTER)
    return "".join(parts)


def benchmark_decompose(chars: int = 10_000, repeat: int = 5) -> float:
    """Decompose a generated ``chars``-character speech ``repeat`` times; print and return the best time
    in seconds (target: ≤ 1 s for 10,000 characters)."""
    from .pipeline import decompose

    text = sample_speech(chars)
    best = float("inf")
    result = {}
    for _ in range(repeat):
        started = time.perf_counter()
        result = decompose(text, source="bench.txt")
        best = min(best, time.perf_counter() - started)
    print(f"分解 {len(text)} 字讲话：{best * 1000:.0f} ms（{len(result['items'])} 条事项，目标 ≤ 1 s）")
    return best
