"""The dashboard's own registered panel (and the example for other apps: a module ``dashboards.py``
calling ``register_dashboard``): the 书记队伍 figures under the charts."""

from dangjian.core.registry import register_dashboard


def _secretaries(request, org, board):
    own = board["own"]
    if not own.get("sec_needing"):
        return None
    return {"rows": [("应配书记的党组织", own.get("sec_needing", 0)), ("书记人数", own.get("sec", 0)),
                     ("书记空缺", own.get("sec_vacant", 0)), ("一肩挑", own.get("sec_head", 0))]}


register_dashboard("dashboard.secretaries", "dashboard/_panel_secretaries.html", _secretaries, order=50)
