"""The interface is French first: the catalogue is complete, correct, and used by default."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from tests.conftest import csrf_token, make_app
from wiki.extensions import db

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "wiki" / "translations"
POT = TRANSLATIONS / "messages.pot"
LOCALES = ("fr", "en")
# Same keywords as the extraction command written in babel.cfg.
KEYWORDS = {
    **DEFAULT_KEYWORDS,
    "_l": None,
    "lazy_gettext": None,
    "_ln": (1, 2),
    "lazy_ngettext": (1, 2),
}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]|\{\w+\}")
NBSP = "\u00a0"


def po_path(locale: str) -> Path:
    return TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"


def read_catalog(path: Path, locale: str | None = None):
    with path.open("rb") as f:
        return read_po(f, locale=locale)


def as_tuple(value) -> tuple[str, ...]:
    return value if isinstance(value, tuple) else (value,)


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogues():
    """Compile each .po whose .mo is missing or older, so that a clean clone passes too."""
    for locale in LOCALES:
        po = po_path(locale)
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        catalog = read_catalog(po, locale)
        # Written aside then moved: parallel test workers never read half a file.
        fd, tmp = tempfile.mkstemp(dir=po.parent, suffix=".mo.tmp")
        with os.fdopen(fd, "wb") as f:
            write_mo(f, catalog)
        os.replace(tmp, mo)
    # Flask-Babel caches translations per application, and each test builds its own app.


@pytest.fixture(scope="module")
def french():
    return read_catalog(po_path("fr"), "fr")


@pytest.fixture(scope="module")
def french_mo():
    with po_path("fr").with_suffix(".mo").open("rb") as f:
        return Translations(f)


def translated_ids(catalog) -> dict:
    return {message.id: message for message in catalog if message.id}


# --- The catalogue ------------------------------------------------------------------------------


def test_the_french_catalogue_translates_every_msgid_of_the_template(french):
    template = read_catalog(POT)
    messages = translated_ids(french)
    problems = []
    for entry in template:
        if not entry.id:
            continue
        message = messages.get(entry.id)
        if message is None:
            problems.append(f"absent from fr: {entry.id!r}")
            continue
        strings = as_tuple(message.string)
        if message.fuzzy:
            problems.append(f"fuzzy: {entry.id!r}")
        if not all(strings) or len(strings) != (french.num_plurals if message.pluralizable else 1):
            problems.append(f"not translated: {entry.id!r}")
    assert not problems, "Run the update of babel.cfg and translate:\n" + "\n".join(problems)


def test_every_string_of_the_source_code_is_in_the_french_catalogue(french):
    """Catches strings added since the last extraction, and an extraction that lost some."""
    with (ROOT / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    found = {
        message[2] if isinstance(message[2], str) else message[2][0]
        for message in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=KEYWORDS, strip_comment_tags=True
        )
    }
    translated = {
        as_tuple(m.id)[0] for m in french if m.id and all(as_tuple(m.string)) and not m.fuzzy
    }
    missing = sorted(found - translated)
    assert not missing, (
        "New interface strings without French: extract and update as babel.cfg says, "
        "then translate them:\n" + "\n".join(map(repr, missing))
    )


def test_the_french_catalogue_has_no_fuzzy_entry_and_no_fuzzy_header(french):
    assert not french.fuzzy
    assert [m.id for m in french if m.id and m.fuzzy] == []


def test_every_placeholder_of_a_msgid_appears_in_its_french_translation(french):
    problems = []
    for message in french:
        if not message.id:
            continue
        ids = as_tuple(message.id)
        for index, string in enumerate(as_tuple(message.string)):
            source = ids[0] if index == 0 else ids[-1]
            expected = sorted(set(PLACEHOLDER.findall(source)))
            if sorted(set(PLACEHOLDER.findall(string))) != expected:
                problems.append(f"{source!r} -> {string!r}")
    assert not problems, "\n".join(problems)


def test_french_plurals_use_two_forms_singular_for_zero_and_one(french, french_mo):
    assert french.num_plurals == 2
    assert french.plural_expr == "(n > 1)"
    one, two, zero = (
        french_mo.ngettext("%(num)s experience", "%(num)s experiences", n) for n in (1, 2, 0)
    )
    assert (one, two, zero) == ("%(num)s expérience", "%(num)s expériences", "%(num)s expérience")


def test_the_compiled_french_catalogue_matches_the_po_file(french, french_mo):
    for message in french:
        if not message.id or message.pluralizable:
            continue
        assert french_mo.gettext(message.id) == message.string, message.id


def test_french_translations_follow_french_typography(french):
    """’ rather than ', and a non-breaking space before : ; ? ! » and after «."""
    problems = []
    for message in french:
        if not message.id:
            continue
        for string in as_tuple(message.string):
            if "'" in string:
                problems.append(f"straight apostrophe: {string!r}")
            if re.search(r" [:;?!»]|« ", string):
                problems.append(f"breaking space: {string!r}")
            if re.search(r"(?<=\w)[;?!»]", string):
                problems.append(f"missing space: {string!r}")
    assert not problems, "\n".join(problems)


def test_french_translations_keep_percent_signs_escaped_for_templates(french):
    """Templates format every translation with %: a bare % would break the page."""
    for message in french:
        for string in as_tuple(message.string) if message.id else ():
            assert "%" not in re.sub(r"%\(\w+\)[sdif]|%%", "", string), string


def test_the_domain_words_are_translated_the_agreed_way(french_mo):
    expected = {
        "Levers": "Leviers",
        "Obstacles": "Verrous",
        "To replicate": "Pour essaimer",
        "Recent changes": "Modifications récentes",
        "Wanted pages": "Pages demandées",
        "Orphan pages": "Pages orphelines",
        "Pages that link here": "Pages qui pointent ici",
        "Did you mean": "Vouliez-vous dire",
        "Log in": "Se connecter",
        "Log out": "Se déconnecter",
        "Create an account": "Créer un compte",
        "History": "Historique",
        "Revision %(n)s": "Version %(n)s",
        "restore": "rétablir",
        "Rename": "Renommer",
    }
    assert {msgid: french_mo.gettext(msgid) for msgid in expected} == expected


# --- The site ------------------------------------------------------------------------------------


def html_lang(html: str) -> str:
    match = re.search(r'<html lang="([^"]+)"', html)
    assert match, html[:200]
    return match.group(1)


def test_the_home_page_is_in_french_by_default(client):
    response = client.get("/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html_lang(html) == "fr"
    assert "Modifications récentes" in html
    assert "Se connecter" in html
    assert "Créer un compte" in html
    assert "Recent changes" not in html
    assert ">English</button>" in html  # the way out, named in its own language


@pytest.fixture
def browser(tmp_path, migrated_db):
    """A client whose every request gets its own application context, as in production.

    The `client` fixture runs inside one application context for the whole test, and
    Flask-Babel keeps the locale it chose on `g` (application context), so the first request's
    language would stick to the following ones.
    """
    shutil.copy(migrated_db, tmp_path / "essaim.db")
    app = make_app(tmp_path)
    yield app.test_client()
    with app.app_context():
        db.engine.dispose()


def test_switching_the_language_with_the_header_form_shows_english_then_french_again(browser):
    client = browser
    token = csrf_token(client, "/")
    response = client.post("/language", data={"lang": "en", "next": "/", "csrf_token": token})
    assert response.status_code == 302

    html = client.get("/").get_data(as_text=True)
    assert html_lang(html) == "en"
    assert "Recent changes" in html
    assert "Log in" in html
    assert "Modifications récentes" not in html
    assert ">Français</button>" in html

    token = csrf_token(client, "/")
    client.post("/language", data={"lang": "fr", "next": "/", "csrf_token": token})
    html = client.get("/").get_data(as_text=True)
    assert html_lang(html) == "fr"
    assert "Modifications récentes" in html


def test_an_unknown_language_leaves_the_site_in_french(browser):
    client = browser
    token = csrf_token(client, "/")
    client.post("/language", data={"lang": "xx", "next": "/", "csrf_token": token})
    assert html_lang(client.get("/").get_data(as_text=True)) == "fr"


def test_a_missing_page_error_is_in_french(client):
    response = client.get("/nulle-part/ici")
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert html_lang(html) == "fr"
    assert "Cette page n’existe pas (encore)." in html
    assert "Code d’erreur" in html
    assert "Retour à l’accueil" in html


def test_messages_from_python_code_are_in_french(client, user):
    token = csrf_token(client, "/login")
    response = client.post(
        "/login", data={"username": "camille", "password": "pas le bon", "csrf_token": token}
    )
    assert "Nom inconnu ou mot de passe incorrect." in response.get_data(as_text=True)


def test_plural_counts_read_as_french(client, make_page):
    make_page()
    html = client.get("/pages").get_data(as_text=True)
    assert "<p>1 page</p>" in html
    make_page(title="Ressourcerie de la vallée")
    assert "<p>2 pages</p>" in client.get("/pages").get_data(as_text=True)


def test_metadata_values_are_shown_in_the_reader_s_language(app, make_page):
    from tests.conftest import csrf_token

    make_page(
        title="Cantine",
        text="---\ntype: experience\nstatus: en cours\nsetting: périurbain\n---\n# Cantine\n",
    )
    client = app.test_client()
    assert ">en cours<" in client.get("/wiki/cantine").get_data(as_text=True)
    token = csrf_token(client, "/")
    client.post("/language", data={"csrf_token": token, "lang": "en", "next": "/wiki/cantine"})
    html = client.get("/wiki/cantine").get_data(as_text=True)
    assert ">ongoing<" in html and "peri-urban" in html


def test_the_editor_offers_metadata_values_in_the_editor_s_language(app, make_page, user):
    """The values stay the French words of the text; the options say them in each language."""
    from tests.conftest import log_in

    make_page(
        title="Cantine",
        text="---\ntype: experience\nstatus: en cours\nscale: commune\n---\n# Cantine\n",
    )
    client = app.test_client()
    log_in(client)
    french = client.get("/wiki/cantine/edit").get_data(as_text=True)
    assert '<option selected value="en cours">en cours</option>' in french
    token = csrf_token(client, "/")
    client.post("/language", data={"csrf_token": token, "lang": "en", "next": "/"})
    english = client.get("/wiki/cantine/edit").get_data(as_text=True)
    assert '<option selected value="en cours">ongoing</option>' in english
    assert '<option selected value="commune">municipality</option>' in english
    assert '<option value="périurbain">peri-urban</option>' in english
