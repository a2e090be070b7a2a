from django.apps import AppConfig


class OrglifeConfig(AppConfig):
    name = "dangjian.orglife"
    label = "orglife"
    verbose_name = "组织生活"

    def ready(self) -> None:
        # A member's death, expulsion or transfer is dated: the meetings from that day on are
        # re-checked against the roster as it then stood (in the member action's transaction).
        from dangjian.members.actions import membership_changed

        from . import tasks  # noqa: F401  (registers the nightly rescan)

        membership_changed.connect(_recheck_meetings, dispatch_uid="orglife.recheck_meetings")


def _recheck_meetings(sender, *, member, since, **kwargs) -> None:
    from .integrity import recheck_member

    recheck_member(member, since)
