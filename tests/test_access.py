"""Who may do what: every route of the URL map × every role → the status it must answer.

The table is generated from `app.url_map`, so a route added without a rule here fails
`test_every_route_has_an_access_rule`. To declare a new route, add one line to RULES:

    ("blueprint.endpoint", "GET"): PUBLIC,          # anyone, 200
    ("blueprint.endpoint", "GET"): (PUBLIC, 302),   # anyone; answers a redirect
    ("blueprint.endpoint", "POST"): ACCOUNT,        # logged-in accounts (visitors → /login)
    ("blueprint.endpoint", "POST"): MODERATOR,      # moderators and administrators
    ("blueprint.endpoint", "POST"): ADMIN,          # administrators only

and, if its URL has an argument this file does not know yet, a value in VALUES (or in
ENDPOINT_VALUES for one endpoint). Denied means: a visitor is sent to /login (302), an account
gets 403. For an allowed GET the expected status is checked exactly; an allowed POST (sent
with a valid CSRF token and an empty form) must not be denied and must not answer 500.
"""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

from tests.conftest import make_app
from wiki.auth import sessions
from wiki.extensions import db
from wiki.models import PendingEdit, User, UserSession

ROLES = ("anonymous", "contributor", "moderator", "administrator")
PUBLIC = frozenset(ROLES)
ACCOUNT = frozenset(ROLES[1:])
MODERATOR = frozenset(ROLES[2:])
ADMIN = frozenset(ROLES[3:])
VISITORS = frozenset(ROLES[:1])  # pages for people not logged in (they still answer others)

RULES: dict[tuple[str, str], frozenset | tuple[frozenset, int]] = {
    # Reading: open to all.
    ("pages.home", "GET"): PUBLIC,
    ("pages.index", "GET"): PUBLIC,
    ("pages.recent", "GET"): PUBLIC,
    ("pages.view", "GET"): PUBLIC,
    ("pages.history", "GET"): PUBLIC,
    ("pages.diff", "GET"): PUBLIC,
    ("pages.print_view", "GET"): PUBLIC,
    ("pages.revision", "GET"): PUBLIC,
    ("pages.revision_permalink", "GET"): (PUBLIC, 302),
    ("pages.page_permalink", "GET"): (PUBLIC, 302),
    ("pages.short_link", "GET"): (PUBLIC, 302),
    ("feeds.recent_feed", "GET"): PUBLIC,
    ("feeds.history_feed", "GET"): PUBLIC,
    ("search.results", "GET"): PUBLIC,
    ("search.export_csv", "GET"): PUBLIC,
    ("search.suggest", "GET"): PUBLIC,
    ("knowledge.compare", "GET"): PUBLIC,
    ("knowledge.compare_csv", "GET"): PUBLIC,
    ("knowledge.invariants", "GET"): PUBLIC,
    ("knowledge.map_view", "GET"): PUBLIC,
    ("knowledge.map_json", "GET"): PUBLIC,
    ("knowledge.orphans", "GET"): PUBLIC,
    ("knowledge.wanted", "GET"): PUBLIC,
    ("knowledge.territories", "GET"): PUBLIC,
    ("knowledge.territory", "GET"): PUBLIC,
    ("knowledge.themes", "GET"): PUBLIC,
    ("knowledge.theme", "GET"): PUBLIC,
    ("api.communes", "GET"): PUBLIC,
    ("api.openapi", "GET"): PUBLIC,
    ("api.page_list", "GET"): PUBLIC,
    ("api.page_detail", "GET"): PUBLIC,
    ("api.page_revisions", "GET"): PUBLIC,
    ("api.revision_detail", "GET"): PUBLIC,
    ("api.search", "GET"): PUBLIC,
    ("api.themes", "GET"): PUBLIC,
    ("api.index", "GET"): PUBLIC,
    ("api.statement_list", "GET"): PUBLIC,
    ("api.recurrence_list", "GET"): PUBLIC,
    ("api.compare", "GET"): PUBLIC,
    ("api.territory_list", "GET"): PUBLIC,
    ("api.territory_detail", "GET"): PUBLIC,
    # The researchers' workbench: citations, figures and spreadsheets for anyone.
    ("cite.download", "GET"): PUBLIC,
    ("knowledge.figures_view", "GET"): PUBLIC,
    ("knowledge.compare_xlsx", "GET"): PUBLIC,
    ("search.export_xlsx", "GET"): PUBLIC,
    ("api.page_files", "GET"): PUBLIC,
    ("files.index", "GET"): PUBLIC,
    ("files.view", "GET"): PUBLIC,
    ("files.content", "GET"): PUBLIC,
    ("files.thumbnail", "GET"): PUBLIC,
    ("files.current_content", "GET"): (PUBLIC, 302),  # to the version's immutable URL
    ("files.page_files", "GET"): PUBLIC,
    # The festival kit: sheets, QR codes and booklets for anyone (booklets are rate-limited).
    ("festival.kit", "GET"): PUBLIC,
    ("festival.sheet", "GET"): PUBLIC,
    ("festival.card", "GET"): PUBLIC,
    ("festival.poster", "GET"): PUBLIC,
    ("festival.sheet_pdf", "GET"): PUBLIC,
    ("festival.qr_code", "GET"): PUBLIC,
    ("festival.basket", "POST"): PUBLIC,
    ("festival.booklet_page", "GET"): PUBLIC,
    ("festival.booklet_build", "POST"): PUBLIC,
    ("festival.offline_copy", "POST"): PUBLIC,
    ("festival.booklet_job", "GET"): (PUBLIC, 404),  # the test's job id is not a real one
    ("festival.booklet_job_json", "GET"): (PUBLIC, 404),
    ("festival.booklet_download", "GET"): (PUBLIC, 404),
    # Operations: health for load balancers; metrics by address (ESSAIM_METRICS_ALLOW), not role.
    ("ops.healthz", "GET"): PUBLIC,
    ("ops.readyz", "GET"): PUBLIC,
    ("ops.prometheus_metrics", "GET"): PUBLIC,
    # Accounts.
    ("auth.login", "GET"): PUBLIC,
    ("auth.login", "POST"): PUBLIC,
    ("auth.register", "GET"): PUBLIC,
    ("auth.register", "POST"): PUBLIC,
    ("auth.set_language", "POST"): PUBLIC,
    ("auth.forgot_password", "GET"): PUBLIC,
    ("auth.forgot_password", "POST"): PUBLIC,
    ("auth.reset_password", "GET"): (PUBLIC, 400),  # the test's token is not a valid one
    ("auth.reset_password", "POST"): PUBLIC,
    ("auth.confirm_email", "GET"): (PUBLIC, 400),
    ("auth.confirm_email", "POST"): PUBLIC,
    ("auth.logout", "POST"): ACCOUNT,
    ("auth.account", "GET"): ACCOUNT,
    ("auth.change_display_name", "POST"): ACCOUNT,
    ("auth.change_password", "POST"): ACCOUNT,
    ("auth.revoke_session", "POST"): ACCOUNT,
    ("auth.resend_confirmation", "POST"): ACCOUNT,
    ("api_tokens.page", "GET"): ACCOUNT,
    ("api_tokens.create_token", "POST"): ACCOUNT,
    ("api_tokens.revoke_token", "POST"): ACCOUNT,
    # API writes take a personal token (Authorization: Bearer), never a browser session: every
    # role is refused here, where requests carry only the session cookie (tests/api/ and
    # tests/transfer/ write with tokens).
    ("api_write.create_page", "POST"): frozenset(),
    ("api_write.update_page", "PUT"): frozenset(),
    ("api_write.upload_file", "POST"): frozenset(),
    # Writing: any account (templates and protected pages are checked by the page rules).
    ("pages.edit", "GET"): ACCOUNT,
    ("pages.save", "POST"): ACCOUNT,
    ("pages.new", "GET"): ACCOUNT,
    ("pages.new", "POST"): ACCOUNT,
    ("pages.rename", "GET"): ACCOUNT,
    ("pages.rename", "POST"): ACCOUNT,
    ("pages.revert", "POST"): ACCOUNT,
    ("pages.preview", "POST"): ACCOUNT,
    ("pages.editor_sync", "POST"): ACCOUNT,
    ("festival.add_alias", "POST"): ACCOUNT,
    ("selections.mine", "GET"): ACCOUNT,
    ("selections.keep", "POST"): ACCOUNT,
    ("selections.forget", "POST"): ACCOUNT,
    ("files.new", "GET"): ACCOUNT,
    ("files.new", "POST"): ACCOUNT,
    ("files.new_version", "POST"): ACCOUNT,
    ("files.revert", "POST"): ACCOUNT,
    ("files.page_files", "POST"): ACCOUNT,
    # Following and notifications (issue 16): one's own, so any account.
    ("social.follow", "POST"): ACCOUNT,
    ("social.unfollow", "POST"): ACCOUNT,
    ("social.following", "GET"): ACCOUNT,
    ("social.notifications", "GET"): ACCOUNT,
    ("social.open_notification", "GET"): (ACCOUNT, 404),  # the test's id is nobody's
    ("social.mark_read", "POST"): ACCOUNT,
    ("social.settings", "GET"): ACCOUNT,
    ("social.settings", "POST"): ACCOUNT,
    # The link of a mail works without logging in; the test's token is not a valid one.
    ("social.unsubscribe_link", "GET"): (PUBLIC, 400),
    ("social.unsubscribe_link", "POST"): PUBLIC,
    ("social.person", "GET"): PUBLIC,
    ("social.inspiration_map", "GET"): PUBLIC,
    ("social.inspiration_json", "GET"): PUBLIC,
    ("discussion.page", "GET"): PUBLIC,
    ("discussion.post", "POST"): ACCOUNT,
    ("discussion.edit", "GET"): (ACCOUNT, 404),  # the test's message id is not a message
    ("discussion.edit", "POST"): ACCOUNT,
    ("discussion.hide", "POST"): MODERATOR,
    ("contact.form", "GET"): PUBLIC,
    ("contact.send", "POST"): ACCOUNT,
    ("contact.decline", "GET"): (PUBLIC, 400),  # the test's token is not a valid one
    ("contact.decline", "POST"): (PUBLIC),
    # Moderation.
    ("moderation.page", "GET"): MODERATOR,
    ("moderation.delete", "POST"): MODERATOR,
    ("moderation.restore", "POST"): MODERATOR,
    ("moderation.protect", "POST"): MODERATOR,
    ("moderation.revision", "GET"): MODERATOR,
    ("moderation.revision", "POST"): MODERATOR,
    ("moderation.patrol", "POST"): MODERATOR,
    ("files.hide", "POST"): MODERATOR,
    ("statement_groups.merge", "POST"): MODERATOR,
    ("statement_groups.split", "POST"): MODERATOR,
    ("admin.users", "GET"): MODERATOR,
    ("admin.user", "GET"): MODERATOR,
    ("admin.block", "POST"): MODERATOR,
    ("admin.unblock", "POST"): MODERATOR,
    ("admin.flag", "POST"): MODERATOR,
    ("admin.change_role", "POST"): ADMIN,  # on the moderators' page, but administrators only
    ("admin.log", "GET"): MODERATOR,
    ("admin.review", "GET"): MODERATOR,
    ("admin.decide", "POST"): MODERATOR,
    # Administration.
    ("admin.spam", "GET"): ADMIN,
    ("admin.spam", "POST"): ADMIN,
    ("search_admin.page", "GET"): ADMIN,
    ("search_admin.progress_json", "GET"): ADMIN,
    ("search_admin.check", "POST"): ADMIN,
    ("search_admin.mend", "POST"): ADMIN,
    ("search_admin.rebuild", "POST"): ADMIN,
    ("search_synonyms.edit", "GET"): ADMIN,
    ("search_synonyms.edit", "POST"): ADMIN,
    ("transfer.page", "GET"): ADMIN,
    ("transfer.preview", "POST"): ADMIN,
    ("transfer.run", "POST"): ADMIN,
    ("transfer.job", "GET"): (ADMIN, 404),  # the test's job and batch ids are not real ones
    ("transfer.job_progress", "GET"): (ADMIN, 404),
    ("transfer.undo", "POST"): ADMIN,
    ("transfer.report", "GET"): (ADMIN, 404),
    ("transfer.export_zip", "GET"): ADMIN,
    ("transfer.export_json", "GET"): ADMIN,
    ("themes_admin.themes", "GET"): ADMIN,
    ("themes_admin.themes", "POST"): ADMIN,
    ("themes_admin.update", "POST"): ADMIN,
    ("themes_admin.delete", "POST"): ADMIN,
    ("themes_admin.move", "POST"): ADMIN,
}

# Routes that answer something else than 200 to an allowed GET in the test's world are given
# as (roles, status) above. URL arguments, by name, then per endpoint:
VALUES = {
    "slug": "jardin-partage",
    "name": "alimentation",
    "key": "59491",
    "code": None,  # the page's short code, set by the world
    "page_id": None,
    "rev": None,
    "revision_id": None,
    "user_id": None,
    "session_id": None,
    "edit_id": None,
    "token": "not-a-valid-token",
    "version_id": None,  # the world's photo
    "width": 320,
    "format": "fiche",
    "kind": "svg",
    "job_id": "0123456789abcdef",
    "batch_id": 999999,
    "extension": "json",
    "token_id": 999999,
    "fmt": "bib",
    "selection_id": 999999,
    "notification_id": 987654,
    "message_id": 987654,
}
ENDPOINT_VALUES = {
    "social.person": {"name": "contributor"},
    "themes_admin.update": {"slug": "alimentation"},
    "themes_admin.delete": {"slug": "alimentation"},
    "themes_admin.move": {"slug": "alimentation"},
}
FILE_ENDPOINTS = {
    "files.view",
    "files.content",
    "files.thumbnail",
    "files.current_content",
    "files.new_version",
    "files.revert",
    "files.hide",
}
SKIPPED_ENDPOINTS = {"static"}


def _routes(app: Flask):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIPPED_ENDPOINTS:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def _app(tmp_path, migrated_db):
    import shutil

    shutil.copy(migrated_db, tmp_path / "essaim.db")
    return make_app(tmp_path)


def test_every_route_has_an_access_rule(tmp_path, migrated_db):
    app = _app(tmp_path, migrated_db)
    routes = {(rule.endpoint, method) for rule, method in _routes(app)}
    missing = sorted(routes - RULES.keys())
    assert not missing, (
        "These routes have no access rule. Add a line per route to RULES in "
        f"tests/test_access.py (see its docstring): {missing}"
    )
    stale = sorted(RULES.keys() - routes)
    assert not stale, f"RULES in tests/test_access.py lists routes that no longer exist: {stale}"
    for rule, _method in _routes(app):
        unknown = [
            a
            for a in rule.arguments
            if a not in VALUES and a not in ENDPOINT_VALUES.get(rule.endpoint, {})
        ]
        assert not unknown, (
            f"{rule.rule}: give a value for {unknown} in VALUES or ENDPOINT_VALUES "
            "of tests/test_access.py"
        )


class World:
    """One page with two revisions, an account per role, a pending edit, a session."""

    def __init__(self, app):
        from wiki.pages import service

        self.users = {}
        for role in ROLES[1:]:
            user = User(username=role, display_name=role, password_hash="!", role=role)
            db.session.add(user)
            self.users[role] = user
        db.session.commit()
        author = self.users["contributor"]
        page = service.save_page(
            slug=None, title="Jardin partagé", text="# Jardin\n\nUn jardin.", author=author
        ).page
        service.save_page(
            slug=page.slug, title=None, text="# Jardin\n\nDeux jardins.", author=author
        )
        edit = PendingEdit(
            page_id=page.id, slug=page.slug, title=page.title, text="# x", author_id=author.id
        )
        db.session.add(edit)
        db.session.commit()
        photo = self._photo(author)
        sessions.start(author)
        session_id = db.session.scalar(
            select(UserSession.id).where(UserSession.user_id == author.id)
        )
        self.values = {
            **VALUES,
            "code": page.short_code,
            "page_id": page.id,
            "rev": page.current_id,
            "revision_id": page.current_id,
            "user_id": author.id,
            "session_id": session_id,
            "edit_id": edit.id,
            "version_id": photo.id,
        }
        self.photo_name = photo.file.name

    @staticmethod
    def _photo(author):
        import io

        from PIL import Image

        from wiki.files import service as files
        from wiki.files.storage import storage

        image = io.BytesIO()
        Image.new("RGB", (400, 300), (90, 140, 60)).save(image, "JPEG")
        return files.upload(
            storage(), image.getvalue(), filename="verger.jpg", uploader=author, alt="Le verger"
        )

    def client(self, app, role):
        client = app.test_client()
        if role != "anonymous":
            user = self.users[role]
            token = sessions.start(user)
            with client.session_transaction() as session:
                session["_user_id"] = f"{user.id}:{token}"
                session["_fresh"] = True
        return client


def _csrf(client) -> str:
    import re

    html = client.get("/account" if False else "/login").get_data(as_text=True)
    match = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html)
    return match.group(1)


def _denied(response, role) -> bool:
    if role == "anonymous":
        return response.status_code in (401, 403) or (
            response.status_code == 302 and "/login" in response.headers.get("Location", "")
        )
    return response.status_code in (401, 403)


def _url_values(world, rule) -> dict:
    given = rule.arguments - set(rule.defaults or {})  # /wiki/<slug>/card: format is fixed
    values = {a: world.values[a] for a in given if a in world.values}
    values.update(ENDPOINT_VALUES.get(rule.endpoint, {}))
    if rule.endpoint in FILE_ENDPOINTS:
        values["name"] = world.photo_name
    if rule.endpoint == "files.thumbnail":
        values["name"] = world.photo_name.rsplit(".", 1)[0] + ".webp"
    return values


def answer(app, world, rule, method, role):
    values = _url_values(world, rule)
    with app.test_request_context():
        from flask import url_for

        url = url_for(rule.endpoint, **values)
    client = world.client(app, role)
    if method == "GET":
        return client.get(url)
    token = _csrf(client)
    if rule.endpoint == "pages.editor_sync":
        return client.post(url, json={}, headers={"X-CSRFToken": token})
    return client.open(url, method=method, data={"csrf_token": token})


def _all_routes():
    import tempfile
    from pathlib import Path

    app = make_app(Path(tempfile.mkdtemp(prefix="essaim-routes-")))
    return sorted({(rule.endpoint, method) for rule, method in _routes(app)})


@pytest.mark.parametrize(("endpoint", "method"), _all_routes())
def test_route_answers_each_role_as_its_rule_says(tmp_path, migrated_db, endpoint, method):
    app = _app(tmp_path, migrated_db)
    rule_spec = RULES.get((endpoint, method))
    if rule_spec is None:
        pytest.fail(f"no access rule for {endpoint} {method}: add it to RULES (see the docstring)")
    allowed, ok_status = rule_spec if isinstance(rule_spec, tuple) else (rule_spec, 200)
    rule = next(
        r for r in app.url_map.iter_rules() if r.endpoint == endpoint and method in r.methods
    )
    with app.app_context():
        world = World(app)
        for role in ROLES:
            response = answer(app, world, rule, method, role)
            where = f"{method} {rule.rule} as {role}: {response.status_code}"
            assert response.status_code < 500, where
            if role not in allowed:
                assert _denied(response, role), f"{where}, expected a refusal"
            elif method == "GET":
                assert response.status_code == ok_status, f"{where}, expected {ok_status}"
            else:
                assert not _denied(response, role), f"{where}, expected to be let through"
            response.close()  # a streamed answer (CSV) ends in its own request context
        db.session.remove()
        db.engine.dispose()


# Routes that change state without a CSRF token on purpose. A route listed here
# must say why in a comment: e.g. a machine-to-machine endpoint authenticated otherwise.
CSRF_EXEMPT: set[tuple[str, str]] = {
    # Authenticated by a personal token in the Authorization header, which a browser never
    # sends by itself; the session cookie is ignored there.
    ("api_write.create_page", "POST"),
    ("api_write.update_page", "PUT"),
    ("api_write.upload_file", "POST"),
    # The unsubscribe link of a mail: its signed token is the proof, and mail programs POST
    # it without a form ("one-click unsubscribe", RFC 8058).
    ("social.unsubscribe_link", "POST"),
}


def _post_routes():
    return [r for r in _all_routes() if r[1] != "GET" and r not in CSRF_EXEMPT]


@pytest.mark.parametrize(("endpoint", "method"), _post_routes())
def test_state_changing_route_refuses_a_request_without_csrf_token(
    tmp_path, migrated_db, endpoint, method
):
    from sqlalchemy import func

    from wiki.files.models import FileVersion
    from wiki.models import AuditEntry, Revision, UserSession

    app = _app(tmp_path, migrated_db)
    rule = next(
        r for r in app.url_map.iter_rules() if r.endpoint == endpoint and method in r.methods
    )
    with app.app_context():
        world = World(app)

        def state():
            return (
                db.session.scalar(select(func.count(Revision.id))),
                db.session.scalar(select(func.count(AuditEntry.id))),
                db.session.scalar(select(func.count(UserSession.id))),
                db.session.scalar(select(func.count(FileVersion.id))),
                db.session.scalar(select(func.count(FileVersion.id)).where(FileVersion.hidden)),
                db.session.scalar(
                    select(func.count(PendingEdit.id)).where(PendingEdit.state == "pending")
                ),
            )

        # The most powerful account, and a visitor for what visitors may post.
        for role in ("administrator", "anonymous"):
            client = world.client(app, role)
            before = state()
            values = _url_values(world, rule)
            with app.test_request_context():
                from flask import url_for

                url = url_for(endpoint, **values)
            response = client.open(
                url,
                method=method,
                data={"reason": "x", "title": "Autre", "text": "# spam", "decision": "approve"},
            )
            where = f"{method} {rule.rule} as {role} without a CSRF token: {response.status_code}"
            assert response.status_code == 400, where
            assert "formulaire a expiré" in response.get_data(as_text=True), where
            assert state() == before, f"{where}: something changed"
        db.session.remove()
        db.engine.dispose()
