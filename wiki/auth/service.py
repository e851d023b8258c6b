"""Account rules: names, hashed passwords (scrypt through Werkzeug), roles, blocks."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from wiki.auth import passwords, sessions
from wiki.extensions import db
from wiki.models import User, utcnow

# Readers are anonymous visitors: every account can at least contribute.
ROLES = ("contributor", "moderator", "administrator")
# The names of the first version, still accepted by the command line and old scripts.
ROLE_ALIASES = {"editor": "contributor", "admin": "administrator"}
RANK = {"contributor": 1, "moderator": 2, "administrator": 3}

USERNAME_MIN, USERNAME_MAX = 2, 32
USERNAME = re.compile(r"^[^\W_][\w.-]*$")
DISPLAY_MAX = 80
# Characters that look alike once lower-cased: "camiIle", "cami11e" and "camille" are one name.
_LOOKALIKES = str.maketrans({"0": "o", "1": "l", "i": "l", "|": "l", "5": "s", "$": "s"})
MIN_PASSWORD = passwords.MIN_LENGTH
# A fixed hash to compare against when the name is unknown, so timing does not reveal names.
_DUMMY_HASH = generate_password_hash("essaim-timing-guard")


class AccountError(Exception):
    """A refusal the user can act on; `status` is the HTTP answer, `field` where to say it."""

    def __init__(self, message, field: str | None = None, status: int = 400):
        super().__init__(str(message))
        self.message = message
        self.field = field
        self.status = status


def canonical_role(role: str) -> str:
    return ROLE_ALIASES.get(role, role)


def skeleton(name: str) -> str:
    """What a name looks like: NFKC, case-folded, look-alike letters merged, no separators."""
    folded = unicodedata.normalize("NFKC", name or "").casefold()
    folded = "".join(
        c for c in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(c)
    )
    folded = folded.replace("rn", "m").replace("vv", "w").translate(_LOOKALIKES)
    return "".join(c for c in folded if c.isalnum())


def clean_username(username: str) -> str:
    name = unicodedata.normalize("NFKC", username or "").strip().lower()
    if (
        not USERNAME_MIN <= len(name) <= USERNAME_MAX
        or not USERNAME.match(name)
        or not all(_latin_or_digit(c) for c in name)
    ):
        raise AccountError(
            _l(
                "%(min)s to %(max)s letters, digits, dots, dashes or underscores, without "
                "spaces, starting with a letter or digit.",
                min=USERNAME_MIN,
                max=USERNAME_MAX,
            ),
            "username",
        )
    return name


def _latin_or_digit(char: str) -> bool:
    """Latin letters (accents welcome) only: a Cyrillic "а" would pass for an "a"."""
    if char in ".-_" or "0" <= char <= "9":
        return True
    return char.isalpha() and unicodedata.name(char, "").startswith("LATIN ")


def clean_display_name(display_name: str | None, fallback: str) -> str:
    name = " ".join(unicodedata.normalize("NFKC", display_name or "").split())
    if not name:
        return fallback
    if len(name) > DISPLAY_MAX:
        raise AccountError(
            _l("The display name is too long (%(n)s characters at most).", n=DISPLAY_MAX),
            "display_name",
        )
    if any(unicodedata.category(c)[0] in "CZ" and c != " " for c in name) or any(
        c in name for c in "<>"
    ):
        raise AccountError(
            _l("The display name may hold letters, digits, spaces and punctuation only."),
            "display_name",
        )
    if not any(c.isalnum() for c in name):
        raise AccountError(_l("The display name needs a letter or a digit."), "display_name")
    return name


def find_user(username: str) -> User | None:
    name = unicodedata.normalize("NFKC", username or "").strip().lower()
    return db.session.scalar(select(User).where(func.lower(User.username) == name))


def find_user_by_email(email: str) -> User | None:
    address = (email or "").strip().lower()
    if not address:
        return None
    return db.session.scalars(
        select(User).where(func.lower(User.email) == address).order_by(User.id)
    ).first()


def _look_alike(name: str, ignore_id: int | None = None) -> User | None:
    """An account whose login or display name looks like `name` (few accounts: a scan)."""
    wanted = skeleton(name)
    if not wanted:
        return None
    for user in db.session.scalars(select(User)):
        if user.id == ignore_id:
            continue
        if wanted in (skeleton(user.username), skeleton(user.display_name or "")):
            return user
    return None


def create_user(
    username: str,
    password: str,
    email: str | None = None,
    role: str = "contributor",
    display_name: str | None = None,
) -> User:
    name = clean_username(username)
    typed = " ".join(unicodedata.normalize("NFKC", username or "").split())
    role = canonical_role(role)
    if role not in ROLES:
        raise AccountError(_l("Unknown role: %(role)s", role=role), "role")
    shown = clean_display_name(display_name, fallback=typed)
    if find_user(name) is not None:
        raise AccountError(_l("This name is already taken."), "username", 409)
    if _look_alike(name) is not None:
        raise AccountError(
            _l("This name looks too much like an existing account's: choose another one."),
            "username",
            409,
        )
    if shown.lower() != name and _look_alike(shown) is not None:
        raise AccountError(
            _l("This display name looks too much like another account's."), "display_name", 409
        )
    try:
        passwords.check(password, names=(name, shown, (email or "").split("@")[0]))
    except passwords.PasswordRefused as refused:
        raise AccountError(refused.message, "password") from refused
    user = User(
        username=name,
        display_name=shown,
        email=(email or None),
        password_hash=generate_password_hash(passwords.normalise(password)),
        role=role,
    )
    db.session.add(user)
    db.session.commit()
    return user


def authenticate(username: str, password: str) -> User | None:
    """The account, or None with the same work done whether the name exists or not."""
    user = find_user(username)
    candidate = passwords.normalise(password)
    if user is None:
        check_password_hash(_DUMMY_HASH, candidate)
        return None
    if not check_password_hash(user.password_hash, candidate):
        return None
    return user


def change_password(user: User, current: str | None, new: str, *, check_current=True) -> None:
    """A new password; every other session of the account stops (this one stays)."""
    if check_current and not check_password_hash(
        user.password_hash, passwords.normalise(current or "")
    ):
        raise AccountError(_l("The current password is not right."), "current")
    try:
        passwords.check(new, names=(user.username, user.display_name or ""))
    except passwords.PasswordRefused as refused:
        raise AccountError(refused.message, "password") from refused
    user.password_hash = generate_password_hash(passwords.normalise(new))
    db.session.commit()
    sessions.end_all(user, keep_current=True)


def may_manage(actor: User, target: User) -> bool:
    """Moderators manage contributors; administrators manage everyone but themselves."""
    if actor.id == target.id:
        return False
    if actor.is_admin:
        return True
    return actor.is_moderator and RANK[target.role] < RANK[actor.role]


def _refuse_unless_manages(actor: User, target: User) -> None:
    if actor.id == target.id:
        raise AccountError(_l("You cannot do this to your own account."), status=403)
    if not may_manage(actor, target):
        raise AccountError(
            _l("Only an administrator can act on a moderator or an administrator."), status=403
        )


def set_role(actor: User, target: User, role: str, reason: str = "") -> None:
    from wiki.moderation import audit

    role = canonical_role(role)
    if role not in ROLES:
        raise AccountError(_l("Unknown role: %(role)s", role=role), "role")
    if not actor.is_admin:
        raise AccountError(_l("Only administrators can change roles."), status=403)
    _refuse_unless_manages(actor, target)
    if target.role == role:
        return
    old = target.role
    target.role = role
    audit.record(actor, "user.role", "user", target.id, target.username, reason, old=old, new=role)
    db.session.commit()


def block(actor: User, target: User, reason: str, until: datetime | None) -> None:
    """Block an account: its sessions stop now; `until` None means until unblocked."""
    from wiki.moderation import audit

    reason = " ".join((reason or "").split())
    if not reason:
        raise AccountError(_l("Say why the account is blocked."), "reason")
    if until is not None and until <= utcnow():
        raise AccountError(_l("The end of the block must be in the future."), "until")
    _refuse_unless_manages(actor, target)
    target.blocked_at = utcnow()
    target.blocked_until = until
    target.blocked_reason = reason[:500]
    audit.record(
        actor, "user.block", "user", target.id, target.username, reason, until=until or "never"
    )
    db.session.commit()
    sessions.end_all(target)


def unblock(actor: User, target: User, reason: str = "") -> None:
    from wiki.moderation import audit

    _refuse_unless_manages(actor, target)
    if target.blocked_at is None:
        raise AccountError(_l("This account is not blocked."), status=409)
    target.blocked_at = target.blocked_until = target.blocked_reason = None
    audit.record(actor, "user.unblock", "user", target.id, target.username, reason)
    db.session.commit()


def set_flagged(actor: User, target: User, flagged: bool, reason: str = "") -> None:
    """A flagged account's edits all wait in the review queue."""
    from wiki.moderation import audit

    _refuse_unless_manages(actor, target)
    if target.flagged == flagged:
        return
    target.flagged = flagged
    action = "user.flag" if flagged else "user.unflag"
    audit.record(actor, action, "user", target.id, target.username, reason)
    db.session.commit()


def search_users(query: str = "", limit: int = 100) -> list[User]:
    statement = select(User).order_by(User.created_at.desc()).limit(limit)
    words = (query or "").strip()
    if words:
        escaped = words.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        like = f"%{escaped}%"
        statement = statement.where(
            func.lower(User.username).like(like, escape="\\")
            | func.lower(User.display_name).like(like, escape="\\")
            | func.lower(User.email).like(like, escape="\\")
        )
    return list(db.session.scalars(statement))
