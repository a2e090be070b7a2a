from __future__ import annotations

import datetime as dt

from django.utils import timezone

from dangjian.core.scoping import VIEW, scope_prefixes

from .choices import ROLE_ACTIONS
from .models import ApiToken, Position

LAST_USED_GRANULARITY = dt.timedelta(minutes=5)


def position_grants(user) -> list[tuple[str, frozenset[str]]]:
    """Every position of ``user`` as (organisation path, the actions its role grants): one query,
    from which ``core.scoping`` works out the scope of every action a request asks about."""
    rows = Position.objects.filter(user=user).values_list("org__path", "role")
    return [(path, frozenset(ROLE_ACTIONS.get(role, ()))) for path, role in rows]


def scope_root(user, action: str = VIEW):
    """The top of the user's scope: the organisation of their highest position granting ``action``
    (the shortest path; the first in tree order among equals), or None when they have none. Pages and
    reports that open on "your organisation" start here."""
    prefixes = scope_prefixes(user, action)
    if not prefixes:
        return None
    organization = Position._meta.get_field("org").related_model  # accounts stays below orgs
    return organization.objects.filter(path=prefixes[0]).first()


def positions_of(user):
    return Position.objects.filter(user=user).select_related("org").order_by("org__path")


def user_for_token(token: str, *, address: str | None = None):
    """The active user owning ``token`` when it is neither revoked nor expired, or None. The user
    carries ``token_locked_until``: when failed logins from ``address`` keep the account shut (the
    token is no way around the lockout), else None. One query: the lockout's count and last failure
    come as subqueries of the token's own."""
    from .rules import lock_delay
    from .usernames import lockout_key

    now = timezone.now()
    row = (
        ApiToken.objects.select_related("user", "user__password_state")
        .filter(digest=ApiToken.digest_of(token), user__is_active=True, revoked_at__isnull=True, expires_at__gt=now)
        .annotate(**_failure_stats(address, now))
        .first()
    )
    if row is None:
        return None
    until = row.recent_failure_at + lock_delay(row.recent_failures) if row.recent_failures else None
    if lockout_key(row.user.username) != row.user.username:
        # an account made before names were normalised: its failures are kept under the normal form,
        # which the database cannot compute, so they are counted by a query of their own
        until = lockout_of(row.user.username, address=address, now=now)
    row.user.token_locked_until = until if until is not None and until > now else None
    # One write per token every few minutes at most, not one per API request.
    if row.last_used_at is None or now - row.last_used_at > LAST_USED_GRANULARITY:
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row.user


def _failure_stats(address: str | None, now) -> dict:
    """Annotations for a query whose rows have ``user``: how many failed logins from ``address``
    count toward the lockout now, and the last one's time (accounts.rules.locked_until's inputs)."""
    from django.db.models import Count, Max, OuterRef, Q, Subquery
    from django.db.models.functions import Coalesce

    from .models import LoginAttempt
    from .rules import LOCK_MINUTES

    start = now - dt.timedelta(minutes=LOCK_MINUTES)
    from_here = Q(address=address) if address else Q(address__isnull=True)
    # the last success from this address, or unlock from anywhere, of the failure's own username
    here = LoginAttempt.objects.filter(username=OuterRef("username"), at__gte=start).filter(from_here | Q(unlock=True))
    last_reset = here.filter(success=True).order_by("-at").values("at")[:1]
    failures = LoginAttempt.objects.filter(
        username=OuterRef("user__username"), at__gte=start, success=False,
        at__gt=Coalesce(Subquery(last_reset), start)).filter(from_here)
    return {
        "recent_failures": Coalesce(Subquery(failures.order_by().values("username").annotate(n=Count("id"))
                                             .values("n")[:1]), 0),
        "recent_failure_at": Subquery(failures.order_by().values("username").annotate(last=Max("at"))
                                      .values("last")[:1]),
    }


def tokens_of(user):
    """The user's tokens, newest first (revoked and expired ones too: the page shows their state)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")


def lockout_of(username: str, *, address: str | None, now):
    """When ``username`` opens again for logins from ``address``, or None when it may try now.
    Only this address's failures count, since its last success or the last unlock (any address)."""
    from django.db.models import Q

    from .models import LoginAttempt
    from .rules import LOCK_MINUTES, locked_until
    from .usernames import lockout_key

    recent = LoginAttempt.objects.filter(username=lockout_key(username),
                                         at__gte=now - dt.timedelta(minutes=LOCK_MINUTES))
    here = recent.filter(Q(address=address) | Q(unlock=True)) if address else recent.filter(
        Q(address__isnull=True) | Q(unlock=True))
    reset = here.filter(success=True).order_by("-at").values_list("at", flat=True).first()
    failures = here.filter(success=False)
    if reset:
        failures = failures.filter(at__gt=reset)
    return locked_until(list(failures.values_list("at", flat=True)), now=now)


def duty_of(user) -> str | None:
    """The user's 三员 duty (a Duty value), or None. Cached on the user object for the request."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_dangjian_duty"):
        from .models import AdminDuty

        user._dangjian_duty = AdminDuty.objects.filter(user=user).values_list("duty", flat=True).first()
    return user._dangjian_duty


def password_change_due(user, *, now=None) -> str | None:
    """Why ``user`` must change the password now (rules.FIRST_LOGIN / rules.EXPIRED), or None.
    Without a PasswordState row (a user made by plain ``create_user``) the clock starts at
    ``date_joined`` and nothing is forced at first login."""
    from django.conf import settings
    from django.core.exceptions import ObjectDoesNotExist

    from .rules import password_change_reason

    try:
        state = user.password_state
        must_change, changed_at = state.must_change, state.changed_at
    except ObjectDoesNotExist:
        must_change, changed_at = False, user.date_joined
    return password_change_reason(must_change=must_change, changed_at=changed_at, now=now or timezone.now(),
                                  max_age_days=settings.PASSWORD_MAX_AGE_DAYS)


def recent_password_hashes(user, count: int) -> list[str]:
    """The hashes of the user's last ``count`` passwords, the current one first."""
    from .models import PasswordHistory

    if count <= 0:
        return []
    history = PasswordHistory.objects.filter(user=user).order_by("-set_at", "-pk").values_list("password", flat=True)
    hashes = [user.password] if user.has_usable_password() else []
    return list(dict.fromkeys([*hashes, *history[:count]]))[:count]


def totp_required_for(user) -> bool:
    """The rule ``totp_required`` for this user: the 三员 always, the configured roles too."""
    from django.conf import settings

    from .rules import totp_required

    required_roles = settings.TOTP_REQUIRED_ROLES
    roles = set(Position.objects.filter(user=user).values_list("role", flat=True)) if required_roles else set()
    return totp_required(duty=duty_of(user), roles=roles, required_roles=required_roles)
