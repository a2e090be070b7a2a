"""The Chinese of this app's audit actions (core/labels.py)."""

from dangjian.core.labels import register_actions

register_actions({"snapshot_take": "生成统计快照"})
