"""Following pages, themes, territories and people: what each account watches."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, delete, or_, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from wiki.content.cog import get_commune, get_department, get_epci, get_region
from wiki.content.slugs import slug_for
from wiki.content.text import fold
from wiki.extensions import db, read_rows
from wiki.models import Page, PageTheme, User, utcnow
from wiki.social.models import FOLLOW_KINDS, Follow, NotificationSettings

# Territory keys: a commune code or name slug (/territories/<key>), or a whole department or
# region of France (followed from a commune's page).
DEPARTMENT = "departement-"
REGION = "region-"


class FollowError(Exception):
    """Something that cannot be followed (unknown kind, empty target)."""


@dataclass(frozen=True)
class Followed:
    """One line of "Mes suivis": what is followed, how to show it and where it leads."""

    follow: Follow
    label: str
    page: Page | None = None
    person: User | None = None


def settings_for(user: User) -> NotificationSettings:
    """The account's choices; the defaults until the person changes one (nothing written)."""
    found = db.session.get(NotificationSettings, user.id)
    if found is None:
        found = NotificationSettings(
            user_id=user.id,
            follow_edited=True,
            mail_mode="daily",
            accept_contact=True,
            unsubscribe_version=0,
        )
    return found


def stored_settings(user: User) -> NotificationSettings:
    """The account's settings row, written with the defaults if it is not there yet (two
    senders or requests doing so at once never fail on it). No commit."""
    defaults = settings_for(user)
    insert = _insert_for_dialect()
    db.session.execute(
        insert(NotificationSettings)
        .values(
            user_id=user.id,
            follow_edited=defaults.follow_edited,
            mail_mode=defaults.mail_mode,
            accept_contact=defaults.accept_contact,
            unsubscribe_version=defaults.unsubscribe_version,
        )
        .on_conflict_do_nothing()
    )
    return db.session.get(NotificationSettings, user.id)


def _insert_for_dialect():
    dialect = db.session.get_bind().dialect.name
    return postgresql_insert if dialect == "postgresql" else sqlite_insert


def _clean(kind: str, target: str | int) -> tuple[str, str]:
    target = str(target).strip()
    if kind not in FOLLOW_KINDS or not target or len(target) > 255:
        raise FollowError(kind)
    return kind, target


def is_following(user: User, kind: str, target: str | int) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    kind, target = _clean(kind, target)
    found = read_rows(_FOLLOWING, {"user": user.id, "kind": kind, "target": target}).scalar()
    return found is not None


_FOLLOWING = select(Follow.id).where(  # built once: every page view of a signed-in person
    Follow.user_id == bindparam("user"),
    Follow.kind == bindparam("kind"),
    Follow.target == bindparam("target"),
)


def follow(user: User, kind: str, target: str | int, *, commit: bool = True) -> None:
    """Follow; following twice is the same as once (also when two requests cross)."""
    kind, target = _clean(kind, target)
    _insert_follow(user.id, kind, target)
    if commit:
        db.session.commit()


def _insert_follow(user_id: int, kind: str, target: str) -> None:
    """Insert unless already there: two requests following at the same instant, or a save
    following the page it edits, never fail on the unique constraint."""
    insert = _insert_for_dialect()
    db.session.execute(
        insert(Follow)
        .values(user_id=user_id, kind=kind, target=target, created_at=utcnow())
        .on_conflict_do_nothing()
    )


def unfollow(user: User, kind: str, target: str | int) -> None:
    kind, target = _clean(kind, target)
    db.session.execute(
        delete(Follow).where(
            Follow.user_id == user.id, Follow.kind == kind, Follow.target == target
        )
    )
    db.session.commit()


def following(user: User) -> dict[str, list[Followed]]:
    """Everything the account follows, by kind, each with a label to show."""
    rows = db.session.scalars(
        select(Follow).where(Follow.user_id == user.id).order_by(Follow.created_at.desc())
    ).all()
    page_ids = [int(r.target) for r in rows if r.kind == "page" and r.target.isdigit()]
    person_ids = [int(r.target) for r in rows if r.kind == "person" and r.target.isdigit()]
    pages = {p.id: p for p in db.session.scalars(select(Page).where(Page.id.in_(page_ids)))}
    people = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(person_ids)))}
    found: dict[str, list[Followed]] = {kind: [] for kind in FOLLOW_KINDS}
    for row in rows:
        if row.kind == "page":
            page = pages.get(int(row.target)) if row.target.isdigit() else None
            if page is not None and page.public:
                found["page"].append(Followed(row, page.title, page=page))
        elif row.kind == "person":
            person = people.get(int(row.target)) if row.target.isdigit() else None
            if person is not None:
                found["person"].append(Followed(row, person.name, person=person))
        elif row.kind == "territory":
            found["territory"].append(Followed(row, territory_label(row.target)))
        else:
            found[row.kind].append(Followed(row, row.target))
    return found


def territory_label(key: str) -> str:
    """What a territory key names: a commune, a department, a region, or a name as typed."""
    if key.startswith(DEPARTMENT):
        division = get_department(key[len(DEPARTMENT) :])
    elif key.startswith(REGION):
        division = get_region(key[len(REGION) :])
    else:
        division = get_commune(key) if key[:1].isdigit() else None
        division = division or (get_epci(key) if key.isdigit() else None)
    return division.name if division else key


def territory_keys(page: Page) -> set[str]:
    """The keys under which the page's territory can be followed (/territories/<key>)."""
    keys = set()
    if page.insee:
        keys.add(page.insee)
        commune = get_commune(page.insee)
        if commune is not None:
            keys.add(slug_for(fold(commune.name)))
            keys.add(f"{DEPARTMENT}{commune.department}")
            region = commune.region_division
            if region is not None:
                keys.add(f"{REGION}{region.code}")
    # A territory at a wider scale (an EPCI, a department, a region) and those around it.
    if page.territory_key:
        keys.add(page.territory_key)
    if page.epci:
        keys.add(page.epci)
    if page.department:
        keys.add(f"{DEPARTMENT}{page.department}")
    if page.region:
        keys.add(f"{REGION}{page.region}")
    if page.territory:
        keys.add(slug_for(fold(page.territory)))
    keys.discard("")
    return keys


def followers_of(page: Page, actor_id: int | None) -> dict[int, str]:
    """Who follows the page, one of its themes, its territory or the person acting: each
    account once, with the first reason found (the page itself comes first)."""
    themes = db.session.scalars(select(PageTheme.theme).where(PageTheme.page_id == page.id)).all()
    wanted = [(Follow.kind == "page") & (Follow.target == str(page.id))]
    if themes:
        wanted.append((Follow.kind == "theme") & Follow.target.in_(themes))
    keys = territory_keys(page)
    if keys:
        wanted.append((Follow.kind == "territory") & Follow.target.in_(keys))
    if actor_id is not None:
        wanted.append((Follow.kind == "person") & (Follow.target == str(actor_id)))
    rows = db.session.execute(
        select(Follow.user_id, Follow.kind, Follow.target).where(or_(*wanted))
    )
    order = {kind: n for n, kind in enumerate(FOLLOW_KINDS)}
    reasons: dict[int, str] = {}
    for user_id, kind, target in sorted(rows, key=lambda r: order[r[1]]):
        if user_id == actor_id:
            continue  # nobody is told about their own edits
        reasons.setdefault(user_id, kind if kind in ("page", "person") else f"{kind}:{target}")
    return reasons


def follow_edited_page(author: User | None, page: Page) -> None:
    """Editing a page follows it, unless the account switched that off. Part of the save's
    transaction (no commit); a follow already there is left alone, never an error."""
    if author is None or not settings_for(author).follow_edited:
        return
    _insert_follow(author.id, "page", str(page.id))
