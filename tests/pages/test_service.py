"""The page service: revisions, merges, conflicts, renames, reverts."""

import pytest
from sqlalchemy import func, select

from wiki.models import Link, Revision, SlugRedirect, Statement
from wiki.moderation import service as moderation
from wiki.pages import service

TEXT = """---
type: experience
territory: Raismes
insee: "59491"
scale: commune
setting: périurbain
themes: [alimentation]
status: en cours
---
# Jardin partagé

## Contexte
Un terrain en friche derrière l’école.

## Leviers
- Le soutien des élus
- Un animateur salarié à mi‑temps

## Verrous
- L'essoufflement des bénévoles

## Pour essaimer
- Commencer petit : trois bacs suffisent
"""


def revision_count(db, page):
    return db.session.scalar(select(func.count(Revision.id)).where(Revision.page_id == page.id))


def test_creating_a_page_stores_first_revision_and_slug(db, user):
    revision = service.save_page(
        slug=None, title="Jardin partagé des Tilleuls à Raismes", text=TEXT, author=user
    )
    page = revision.page
    assert page.slug == "jardin-partage-des-tilleuls-a-raismes"
    assert revision.number == 1
    assert page.current_id == revision.id
    assert revision.author.username == "camille"
    assert revision.size == len(TEXT.encode())


def test_saving_derives_metadata_levers_and_links(db, user):
    text = TEXT + "\nVoir aussi [[Cantine bio]] et [[Monnaie locale|la monnaie]].\n"
    page = service.save_page(slug=None, title="Jardin", text=text, author=user).page
    assert (page.territory, page.insee, page.status, page.setting) == (
        "Raismes",
        "59491",
        "en cours",
        "périurbain",
    )
    assert [t.theme for t in page.themes] == ["alimentation"]
    kinds = db.session.execute(
        select(Statement.kind, Statement.text).where(Statement.page_id == page.id)
    ).all()
    assert ("lever", "Le soutien des élus") in kinds
    assert ("obstacle", "L'essoufflement des bénévoles") in kinds
    assert ("replicate", "Commencer petit : trois bacs suffisent") in kinds
    targets = set(db.session.scalars(select(Link.target_slug).where(Link.source_id == page.id)))
    assert targets == {"cantine-bio", "monnaie-locale"}


def test_editing_adds_a_revision_and_keeps_the_old_one(db, user, make_page):
    page = make_page(text="Premier jet")
    first = page.current
    second = service.save_page(
        slug=page.slug, title=None, text="Deuxième jet", author=user, base_id=first.id
    )
    assert second.number == 2 and second.parent_id == first.id
    assert db.session.get(Revision, first.id).text == "Premier jet"
    assert page.current.text == "Deuxième jet"


def test_saving_unchanged_text_writes_no_revision(db, user, make_page):
    page = make_page(text="Rien ne change")
    again = service.save_page(
        slug=page.slug, title=None, text="Rien ne change", author=user, base_id=page.current_id
    )
    assert again.id == page.current_id
    assert revision_count(db, page) == 1


def test_concurrent_edits_on_different_lines_are_merged(db, user, make_page):
    base_text = "Ligne un\nLigne deux\nLigne trois\nLigne quatre\n"
    page = make_page(text=base_text)
    base_id = page.current_id
    service.save_page(
        slug=page.slug,
        title=None,
        text=base_text.replace("Ligne un", "Ligne UN (Yanis)"),
        author=user,
        base_id=base_id,
    )
    mine = base_text.replace("Ligne quatre", "Ligne quatre (Camille)")
    merged = service.save_page(slug=page.slug, title=None, text=mine, author=user, base_id=base_id)
    assert merged.text == "Ligne UN (Yanis)\nLigne deux\nLigne trois\nLigne quatre (Camille)\n"
    assert merged.merged
    assert revision_count(db, page) == 3


def test_overlapping_edits_raise_a_conflict_holding_both_texts(db, user, make_page):
    page = make_page(text="Le budget est de 10 000 €.\n")
    base_id = page.current_id
    service.save_page(
        slug=page.slug,
        title=None,
        text="Le budget est de 12 000 €.\n",
        author=user,
        base_id=base_id,
    )
    with pytest.raises(service.Conflict) as caught:
        service.save_page(
            slug=page.slug,
            title=None,
            text="Le budget est de 15 000 €.\n",
            author=user,
            base_id=base_id,
        )
    conflict = caught.value
    assert conflict.mine == "Le budget est de 15 000 €.\n"
    assert conflict.current.text == "Le budget est de 12 000 €.\n"
    assert (
        "12 000" in conflict.merged and "15 000" in conflict.merged and "<<<<<<<" in conflict.merged
    )
    assert revision_count(db, page) == 2


def test_rename_leaves_redirect_from_every_old_slug(db, user, make_page):
    page = make_page(title="Jardin partagé")
    service.rename_page(page, "Jardin partagé des Tilleuls", user)
    service.rename_page(page, "Jardin des Tilleuls à Raismes", user)
    assert page.slug == "jardin-des-tilleuls-a-raismes"
    for old in ("jardin-partage", "jardin-partage-des-tilleuls"):
        resolved = service.find_page(old)
        assert resolved.redirected and resolved.page.id == page.id
    assert page.current.title == "Jardin des Tilleuls à Raismes"
    assert "Renamed" in page.current.comment or "Renommée" in page.current.comment


def test_rename_onto_an_existing_page_is_refused_and_changes_nothing(db, user, make_page):
    page = make_page(title="Monnaie locale")
    make_page(title="Tiers-lieu")
    with pytest.raises(service.TitleTaken):
        service.rename_page(page, "Tiers lieu", user)
    db.session.rollback()
    assert service.find_page("monnaie-locale").page.title == "Monnaie locale"
    assert db.session.scalar(select(func.count(SlugRedirect.slug))) == 0
    assert revision_count(db, page) == 1


def test_renaming_back_reuses_the_old_slug(db, user, make_page):
    page = make_page(title="Cantine bio")
    service.rename_page(page, "Cantine 100 % bio", user)
    service.rename_page(page, "Cantine bio", user)
    assert page.slug == "cantine-bio"
    assert service.find_page("cantine-100-bio").redirected


def test_revert_creates_a_new_revision_with_the_old_text(db, user, make_page):
    page = make_page(text="Version A")
    first = page.current
    service.save_page(slug=page.slug, title=None, text="Version B", author=user, base_id=first.id)
    reverted = service.revert_page(page, first, user)
    assert reverted.number == 3 and reverted.text == "Version A"
    assert [r.text for r in service.history(page)] == ["Version A", "Version B", "Version A"]


def test_title_colliding_with_existing_slug_is_refused(db, user, make_page):
    make_page(title="Énergie citoyenne")
    with pytest.raises(service.TitleTaken):
        service.save_page(slug=None, title="energie  CITOYENNE", text="x", author=user)


@pytest.mark.parametrize("title", ["", "   ", "!!!", "—"])
def test_titles_without_letters_are_refused(db, user, title):
    with pytest.raises(service.PageError):
        service.save_page(slug=None, title=title, text="x", author=user)


def test_a_too_large_page_is_refused_and_nothing_is_saved(db, user, make_page):
    page = make_page(text="court")
    big = "Un texte très long. " * 110_000  # about 2 MB
    with pytest.raises(service.InvalidContent):
        service.save_page(
            slug=page.slug, title=None, text=big, author=user, base_id=page.current_id
        )
    assert revision_count(db, page) == 1


def test_text_with_replacement_characters_from_bad_encoding_is_refused(db, user):
    with pytest.raises(service.InvalidContent):
        service.save_page(slug=None, title="Encodage", text="caf\ufffd", author=user)


def test_invalid_front_matter_is_refused_with_line_number(db, user):
    with pytest.raises(service.InvalidContent) as caught:
        service.save_page(
            slug=None, title="YAML", text="---\nthemes: [alimentation\n---\nCorps", author=user
        )
    assert caught.value.errors and "Ligne" in caught.value.errors[0].message


def test_hidden_revision_cannot_be_the_current_one(db, user, make_page):
    page = make_page(text="A")
    first = page.current
    service.save_page(slug=page.slug, title=None, text="B", author=user, base_id=first.id)
    with pytest.raises(service.PageError):
        moderation.set_revision_hidden(page.current, True)
    moderation.set_revision_hidden(first, True)
    assert db.session.get(Revision, first.id).hidden
    assert db.session.get(Revision, first.id).text == "A"  # hidden, never deleted


def test_a_section_heading_repeated_twice_is_refused_with_its_name(db, user):
    text = (
        "# Cantine\n\n## Leviers\n- Les parents\n\n## Verrous\n- Le prix\n\n## Leviers\n- Le chef\n"
    )
    with pytest.raises(service.InvalidContent) as caught:
        service.save_page(slug=None, title="Cantine", text=text, author=user)
    assert [e.field for e in caught.value.errors] == ["sections"]
    assert "Levers" in caught.value.errors[0].message or "Leviers" in caught.value.errors[0].message
    assert service.find_page("cantine") is None


def test_a_save_parses_the_markdown_body_once_for_sections_and_once_for_links(
    db, user, monkeypatch
):
    """Checking, storing the statements and indexing all read the same parse."""
    from wiki.content import sections
    from wiki.render import markdown

    parses = {"sections": 0, "links": 0}
    real_sections, real_links = sections._markdown, markdown._LINK_FINDER.parse

    def count_sections(text):
        parses["sections"] += 1
        return real_sections(text)

    def count_links(text, *args, **kwargs):
        parses["links"] += 1
        return real_links(text, *args, **kwargs)

    sections._extract_sections.cache_clear()
    markdown._extract_wiki_links.cache_clear()
    monkeypatch.setattr(sections, "_markdown", count_sections)
    monkeypatch.setattr(markdown._LINK_FINDER, "parse", count_links)
    text = TEXT + "\nVoir [[Cantine bio]].\n"
    saved = service.save_page(slug=None, title="Jardin partagé", text=text, author=user)
    assert parses == {"sections": 1, "links": 1}
    # Each caller gets its own copy: changing one does not change what the next one reads.
    first = sections.extract_sections(text.split("---\n", 2)[2])
    first.levers.append("ajouté")
    assert "ajouté" not in sections.extract_sections(text.split("---\n", 2)[2]).levers
    assert [s.text for s in saved.page.statements if s.kind == "lever"] == [
        "Le soutien des élus",
        "Un animateur salarié à mi‑temps",
    ]


def test_a_save_reads_its_text_once(db, user, monkeypatch):
    """Front matter split, metadata parsed and sections found once, then passed down."""
    from wiki.pages import derived

    reads = {"read": 0, "sections": 0}
    real_read, real_sections = derived.read, derived.extract_sections

    def read(text):
        reads["read"] += 1
        return real_read(text)

    def extract_sections(body):
        reads["sections"] += 1
        return real_sections(body)

    monkeypatch.setattr(derived, "read", read)
    monkeypatch.setattr(derived, "extract_sections", extract_sections)
    saved = service.save_page(slug=None, title="Jardin partagé", text=TEXT, author=user)

    assert reads == {"read": 1, "sections": 1}
    assert [s.text for s in saved.page.statements if s.kind == "lever"] == [
        "Le soutien des élus",
        "Un animateur salarié à mi‑temps",
    ]
