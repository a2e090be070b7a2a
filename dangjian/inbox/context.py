"""The 待办 count in the navigation bar, computed only when a page renders it."""

from django.utils.functional import SimpleLazyObject

from .queries import counts


def inbox_count(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"inbox_counts": SimpleLazyObject(lambda: counts(user))}
