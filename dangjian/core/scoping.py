"""Scope, enforced in one place (docs/architecture.md「权限范围」).

A user acts from positions in the organisation tree. ``restrict(user, action)`` on a scoped
queryset is the only road to rows: it keeps those whose organisation path lies under one of the
user's positions that grants ``action``. A user without such a position gets nothing — denial is
the default. Each scoped model names the path it is scoped by in ``scope_path``.

Which positions a user holds is the accounts app's knowledge, and core sits below every feature
app, so core never imports it: the accounts app hands its lookup in at start-up
(``set_position_lookup`` in ``AccountsConfig.ready``). See docs/architecture.md, "分层".
"""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.db import models
from django.db.models import Q

from .actors import SYSTEM, check_actor
from .errors import ActionDenied

VIEW = "view"
CHANGE = "change"
REVEAL = "reveal"

# ``position_grants(user)`` → [(organisation path, actions granted there)]; set by the accounts app.
_position_lookup = None


def set_position_lookup(lookup) -> None:
    """Called once by the accounts app: how to find a user's positions, each as the organisation's
    path and the actions its role grants."""
    global _position_lookup
    _position_lookup = lookup


def _position_grants(user) -> list[tuple[str, frozenset[str]]]:
    if _position_lookup is None:
        raise RuntimeError("scoping has no position lookup: is dangjian.accounts in INSTALLED_APPS?")
    return _position_lookup(user)


class ScopedQuerySet(models.QuerySet):
    def restrict(self, user, action: str = VIEW):
        prefixes = scope_prefixes(user, action)
        if not prefixes:
            return self.none()
        field = f"{self.model.scope_path}__startswith"
        return self.filter(reduce(or_, (Q(**{field: p}) for p in prefixes)))


def scope_prefixes(user, action: str) -> list[str]:
    """The organisation paths under which ``user`` may do ``action``, shortest first (then in tree
    order, so the first is always the same), no nesting."""
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    cache = user.__dict__.setdefault("_scope_cache", {})
    if action not in cache:
        if "grants" not in cache:  # one query per request answers every action (view, change, reveal)
            cache["grants"] = _position_grants(user)
        paths = sorted({path for path, actions in cache["grants"] if action in actions}, key=lambda p: (len(p), p))
        kept: list[str] = []
        for path in paths:
            if not any(path.startswith(k) for k in kept):
                kept.append(path)
        cache[action] = kept
    return cache[action]


def path_in_scope(user, action: str, path: str) -> bool:
    return any(path.startswith(p) for p in scope_prefixes(user, action))


def allows(user, action: str, org_or_path) -> bool:
    """Whether ``user`` may do ``action`` at an organisation (an object with ``path``, or the path
    itself). ``SYSTEM`` may do anything; ``None`` raises TypeError. For callers that report a
    refusal row by row (importers) instead of raising."""
    if user is SYSTEM:
        return True
    check_actor(user)
    path = org_or_path if isinstance(org_or_path, str) else org_or_path.path
    return path_in_scope(user, action, path)


def require(user, action: str, org_or_path, *, message: str = "无权操作") -> None:
    """The only scope guard for writes: every action calls it before changing anything.
    ActionDenied(``message``) unless ``user`` may do ``action`` at that organisation (or path);
    ``SYSTEM`` passes; ``None`` raises TypeError (a forgotten ``acting_user``)."""
    if not allows(user, action, org_or_path):
        raise ActionDenied(message)


def forget_scope(user) -> None:
    user.__dict__.pop("_scope_cache", None)


def readable(qs, user, action: str = VIEW):
    """``qs`` as ``user`` may read it: through ``restrict`` for a person; every row for ``SYSTEM``,
    for the system's own jobs that read on nobody's behalf (the daily 待办 scan, the assessment's
    computed indicators). ``restrict`` alone gives ``SYSTEM`` nothing, so a page can never borrow it."""
    return qs.all() if user is SYSTEM else qs.restrict(user, action)
