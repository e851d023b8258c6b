"""Who may do what with files: one place that follows the account roles (wiki.models.User)."""

from __future__ import annotations


def can_moderate(user) -> bool:
    """Moderators and administrators may hide a file version."""
    return bool(getattr(user, "is_authenticated", False)) and user.is_moderator


def has_upload_quota(user) -> bool:
    """Administrators are not held by the daily limits (imports, migrations of old sites)."""
    return not (getattr(user, "is_authenticated", False) and user.is_admin)
