"""The Chinese of this app's audit actions (core/labels.py)."""

from dangjian.core.labels import register_actions

register_actions({"job_start": "提交后台任务"})
