"""Starting texts for new pages: guided templates, editable by admins as wiki pages."""

from __future__ import annotations

from flask_babel import gettext as _

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
themes: []
status: en cours
started:
actors: []
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
territory: {title}
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


def starting_text(kind: str, title: str) -> str:
    """The text a new page of this kind starts from: the admins' template page, else built-in."""
    from wiki.pages.service import find_page

    template = BUILT_IN.get(kind)
    if template is None:
        return f"# {title}\n\n"
    resolved = find_page(TEMPLATE_SLUGS[kind])
    if resolved is not None:
        text = resolved.page.current.text
        if "type: template" in text:
            text = text.replace("type: template", f"type: {kind}", 1)
        return text.replace("{title}", title)
    return template.replace("{title}", title)


def template_kinds() -> list[tuple[str, str]]:
    return [
        ("experience", _("Experience")),
        ("territory", _("Territory")),
        ("theme", _("Theme")),
    ]
