"""Who may do what with files: one place to adapt when roles change."""

from __future__ import annotations

# Roles that may hide a file version. "moderator" arrives with the roles of issue 12.
MODERATING_ROLES = frozenset({"admin", "moderator"})


def can_upload(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def can_moderate(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.role in MODERATING_ROLES


def has_upload_quota(user) -> bool:
    """Administrators are not held by the daily limits (imports, migrations of old sites)."""
    return not (getattr(user, "is_authenticated", False) and user.role == "admin")
