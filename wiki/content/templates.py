"""Starting texts for new pages: guided templates, editable by admins as wiki pages."""

from __future__ import annotations

from .frontmatter import FrontMatterError, join, split, update

# An admin edits a template by editing the wiki page with this slug (type: template).
TEMPLATE_SLUGS = {
    "experience": "modele-experience",
    "territory": "modele-territoire",
    "theme": "modele-theme",
}

EXPERIENCE = """---
type: experience
territory:
insee: ""
scale: commune
setting:
themes:
status: en cours
started:
actors:
---
# {title}

## Contexte
<!-- Où, quand, pourquoi : la situation de départ en quelques lignes. -->

## Ce qui a été fait
<!-- Les étapes, qui a fait quoi, avec quels moyens. -->

## Leviers
<!-- Ce qui a aidé : une idée par ligne, commencez chaque ligne par « - ». -->

## Verrous
<!-- Ce qui a freiné ou bloqué, et comment vous l'avez contourné. -->

## Pour essaimer
<!-- Les conseils pour un autre territoire qui voudrait s'en inspirer. -->

## Contacts et ressources
<!-- Qui contacter, documents utiles, liens vers d'autres pages : [[Titre de la page]]. -->
"""

TERRITORY = """---
type: territory
territory: "{title}"
insee: ""
scale: commune
setting:
---
# {title}

## Présentation
<!-- Le territoire en quelques lignes : habitants, paysage, histoire. -->

## Expériences menées ici
<!-- Liens vers les pages d'expérience : [[Titre de l'expérience]]. -->

## Acteurs
<!-- Collectivités, associations, collectifs d'habitants. -->
"""

THEME = """---
type: theme
---
# {title}

## De quoi parle-t-on ?
<!-- Une définition simple du thème. -->

## Expériences
<!-- Les expériences liées : [[Titre de l'expérience]]. -->

## Ressources
"""

BUILT_IN = {"experience": EXPERIENCE, "territory": TERRITORY, "theme": THEME}

# Titles of the template pages; their slugs are TEMPLATE_SLUGS ("Modèle expérience" ->
# "modele-experience").
TEMPLATE_TITLES = {
    "experience": "Modèle expérience",
    "territory": "Modèle territoire",
    "theme": "Modèle thème",
}
# Where the new page's title goes in a template page.
TITLE_PLACEHOLDER = "{title}"


def is_template_slug(slug: str) -> bool:
    return slug in TEMPLATE_SLUGS.values()


def template_kind(slug: str) -> str | None:
    """The kind of page whose template lives at this slug, or None."""
    return next((kind for kind, s in TEMPLATE_SLUGS.items() if s == slug), None)


def default_title(slug: str) -> str:
    kind = template_kind(slug)
    return TEMPLATE_TITLES[kind] if kind else slug.replace("-", " ").capitalize()


def _with_type(text: str, kind: str) -> str:
    try:
        return update(text, {"type": kind})
    except FrontMatterError:
        return text  # an admin's broken template still starts the page; the editor says why


def template_source(kind: str, custom: str | None = None) -> str:
    """The text of the template of this kind: the admins' page (`custom`) if any, else built in."""
    if custom is not None:
        return custom
    return _with_type(BUILT_IN[kind], "template")


def _filled(text: str, kind: str, title: str) -> str:
    """The template with its type set and the title in place of {title}, in YAML as in Markdown."""
    try:
        meta, body = split(text)
    except FrontMatterError:
        return text.replace(TITLE_PLACEHOLDER, title)
    changes = {key: title for key, value in meta.items() if value == TITLE_PLACEHOLDER}
    return update(join(meta, body.replace(TITLE_PLACEHOLDER, title)), {**changes, "type": kind})


def starting_text(kind: str, title: str, custom: str | None = None) -> str:
    """The text a new page of this kind starts from: the admins' template page, else built-in.

    `custom` is the text of the admins' template page of this kind, when there is one (the
    pages service reads it: this text layer does not reach into the database).
    """
    if kind not in BUILT_IN:
        return f"# {title}\n\n"
    return _filled(template_source(kind, custom), kind, title)


def new_page_text(slug: str, kind: str, title: str, custom: str | None = None) -> str:
    """Starting text of the page at `slug`: a template page starts as the built-in template."""
    template_of = template_kind(slug)
    if template_of is not None:
        return _with_type(BUILT_IN[template_of], "template")
    return starting_text(kind, title, custom)
