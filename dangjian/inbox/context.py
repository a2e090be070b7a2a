"""The 待办 count in the navigation bar, computed only when a page renders it."""

from django.utils.functional import SimpleLazyObject

from .queries import counts


def inbox_count(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # one lazy count per request, however many templates (the home page's panels) the request renders
    held = getattr(request, "_inbox_counts", None)
    if held is None:
        held = request._inbox_counts = SimpleLazyObject(lambda: counts(user))
    return {"inbox_counts": held}
