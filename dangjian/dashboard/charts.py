"""Chart specifications: plain dicts a template puts in a ``json_script`` and the static
``dashboard/dashboard.js`` draws with ECharts. Each point may carry a link to the records behind it
(``links``), so a click on a bar opens the list."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse

from dangjian.members.choices import AGE_BANDS, PARTY_AGE_BANDS, SECRETARY_AGE_BANDS, Education, Gender, MembershipType
from dangjian.orgs.choices import OrgKind

from . import rules
from .figures import NONE

KEY_FIGURES = [
    ("total", "党员总数"), ("type:probationary", "预备党员"), ("gender:F", "女党员"), ("minority", "少数民族党员"),
    ("org", "党组织"), ("sec_vacant", "书记空缺"), ("chg:develop", "本年发展党员"), ("wl:open", "三单未销号"),
    ("wl:overdue", "三单超期"),
]
RATES = [("rate:ol", "组织生活落实率(%)", "ol:met", "ol:owed"), ("rate:female", "女党员占比(%)", "gender:F", "total"),
         ("rate:closed", "三单销号率(%)", "wl:closed", "wl:items")]
COMPARABLE = KEY_FIGURES + [(key, label) for key, label, _, _ in RATES] + [
    ("age:0", "35岁及以下党员"), ("age:5", "71岁及以上党员"), ("lost_contact", "失联党员"), ("flow_out", "流出党员"),
    ("sec_head", "书记一肩挑"), ("chg:transfer_out", "本年转出"),
]
COMPARABLE_KEYS = dict(COMPARABLE)


def value_of(figures: dict, key: str) -> float | int | None:
    for rate_key, _, part, whole in RATES:
        if key == rate_key:
            if whole == "wl:items":
                return rules.rate(figures.get("wl:closed", 0), figures.get("wl:closed", 0) + figures.get("wl:open", 0))
            return rules.ratio(figures, part, whole)
    return figures.get(key, 0)


def sources_url(org, key: str, snapshot=None) -> str:
    query = {"key": key} | ({"snapshot": snapshot.pk} if snapshot else {})
    return f"{reverse('dashboard:sources', args=[org.pk])}?{urlencode(query)}"


def chart(chart_id: str, title: str, kind: str, points: list[tuple[str, float | None, str | None]], *,
          series: str = "", unit: str = "") -> dict:
    return {"id": chart_id, "title": title, "type": kind, "series": series or title, "unit": unit,
            "labels": [p[0] for p in points], "values": [p[1] for p in points], "links": [p[2] for p in points]}


def _points(org, figures, keys_labels, link: bool):
    return [(label, figures.get(key, 0), sources_url(org, key) if link else None) for key, label in keys_labels]


def structure_charts(org, figures: dict, *, link: bool = True) -> list[dict]:
    """The member structure, organisation types and 书记队伍 of ``org``'s subtree."""
    pts = lambda pairs: _points(org, figures, pairs, link)  # noqa: E731
    return [
        chart("c-gender", "性别", "pie", pts([(f"gender:{v}", label) for v, label in Gender.choices])),
        chart("c-type", "党员类型", "pie", pts([(f"type:{v}", label) for v, label in MembershipType.choices])),
        chart("c-ethnicity", "民族", "pie", [("汉族", figures.get("total", 0) - figures.get("minority", 0), None),
                                            ("少数民族", figures.get("minority", 0),
                                             sources_url(org, "minority") if link else None)]),
        chart("c-age", "年龄结构", "bar", pts([(f"age:{i}", b[0]) for i, b in enumerate(AGE_BANDS)]), unit="人"),
        chart("c-party-age", "党龄结构", "bar", pts([(f"pa:{i}", b[0]) for i, b in enumerate(PARTY_AGE_BANDS)]),
              unit="人"),
        chart("c-education", "学历结构", "bar",
              pts([(f"edu:{v}", label) for v, label in Education.choices] + [(f"edu:{NONE}", "未填写")]), unit="人"),
        chart("c-org-kinds", "党组织类型", "bar",
              [p for p in pts([(f"kind:{v}", label) for v, label in OrgKind.choices]) if p[1]], unit="个"),
        chart("c-secretary-age", "书记队伍年龄", "bar",
              pts([(f"sec_age:{i}", b[0]) for i, b in enumerate(SECRETARY_AGE_BANDS)]), unit="人"),
        chart("c-worklists", "三单办理", "bar",
              pts([("wl:open", "未销号"), ("wl:closed", "已销号"), ("wl:overdue", "超期")]), unit="项"),
    ]


def orglife_chart(months: list[dict], *, link_url: str | None = None) -> dict:
    return chart("c-orglife", "组织生活落实率（按月）", "line",
                 [(f"{m['month']}月", m["rate"], link_url) for m in months], unit="%")


def comparison_chart(rows: list[dict], label: str) -> dict:
    return chart("c-compare", f"下级党组织对比：{label}", "hbar", [(r["name"], r["value"], r["url"]) for r in rows])


def trend_chart(points: list[dict], keys: list[tuple[str, str]]) -> dict:
    spec = chart("c-trend", "历年变化（年末快照）", "multiline", [(str(p["year"]), None, None) for p in points])
    spec["multi"] = [{"name": label, "values": [p.get(key, 0) for p in points]} for key, label in keys]
    return spec
