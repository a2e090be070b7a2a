"""Who acts. A person acts as their ``User``; set-up commands, demo data and test builders act as
``SYSTEM``, a named actor that is no user. ``None`` is never an actor: every action refuses it, so a
forgotten ``acting_user`` fails loudly instead of running without a scope check."""

from __future__ import annotations

SYSTEM_NAME = "系统"


class SystemActor:
    """The system itself. Not a user: it has no positions (``restrict`` gives it nothing to read),
    ``scoping.require`` lets it through every write, and the audit log records it with no user and
    the name 系统."""

    pk = None
    id = None
    is_authenticated = False
    is_active = False
    is_anonymous = False
    is_superuser = False

    def get_username(self) -> str:
        return SYSTEM_NAME

    def get_full_name(self) -> str:
        return SYSTEM_NAME

    def __str__(self) -> str:
        return SYSTEM_NAME

    def __repr__(self) -> str:
        return "SYSTEM"


SYSTEM = SystemActor()


def check_actor(acting_user) -> None:
    """Every action's first line: ``None`` is a forgotten argument, never the system."""
    if acting_user is None:
        raise TypeError(
            "acting_user is None: pass the acting user, or dangjian.core.actors.SYSTEM when the system "
            "itself acts (commands, demo data, test builders)"
        )


def is_system(actor) -> bool:
    return actor is SYSTEM


UNKNOWN_ACTOR_NAME = "未知"


def actor_name(actor) -> str:
    """The name an audit or step row keeps: 系统 for ``SYSTEM`` only; an actor nobody named
    (``None``, e.g. a failed login) is 未知, so a forgotten actor never passes for the system."""
    if actor is SYSTEM:
        return SYSTEM_NAME
    if actor is None:
        return UNKNOWN_ACTOR_NAME
    return actor.get_full_name() or actor.get_username()


def user_or_none(actor):
    """The user to store in a foreign key: the actor itself, or no user for the system."""
    check_actor(actor)
    return None if actor is SYSTEM else actor
