"""Search fixtures: French experience pages saved through the real page service."""

from __future__ import annotations

import pytest

from wiki.pages.service import save_page


def experience(
    title,
    *,
    territory="Raismes",
    themes=("alimentation",),
    status="en cours",
    scale="commune",
    setting="périurbain",
    context="",
    levers=(),
    obstacles=(),
    replicate="",
):
    lines = [
        "---",
        "type: experience",
        f"territory: {territory}",
        f"scale: {scale}",
        f"setting: {setting}",
        f"themes: [{', '.join(themes)}]",
        f"status: {status}",
        "---",
        f"# {title}",
        "",
        "## Contexte",
        "",
        context or "Une expérience menée avec les habitants du territoire.",
        "",
        "## Leviers",
        "",
        *[f"- {lever}" for lever in levers],
        "",
        "## Verrous",
        "",
        *[f"- {obstacle}" for obstacle in obstacles],
        "",
        "## Pour essaimer",
        "",
        replicate or "Commencer petit.",
        "",
    ]
    return "\n".join(lines)


@pytest.fixture
def save(app, user):
    """Save a page (create, or a new revision of an existing slug) through the page service."""

    def save_(title, text, slug=None):
        return save_page(slug=slug, title=title, text=text, author=user)

    return save_


@pytest.fixture
def corpus(save):
    """Three experiences, each with words found nowhere else."""
    pages = {}
    pages["jardin"] = save(
        "Jardin partagé des Tilleuls",
        experience(
            "Jardin partagé des Tilleuls",
            themes=("alimentation", "solidarites"),
            scale="quartier",
            context="Un jardin au pied des immeubles, cultivé par les habitantes.",
            levers=["Le soutien des élus dès la première réunion."],
            obstacles=["La méfiance du bailleur envers l’occupation de la pelouse."],
            replicate="Commencer petit : dix parcelles suffisent.",
        ),
    ).page
    pages["solaire"] = save(
        "Centrale solaire citoyenne",
        experience(
            "Centrale solaire citoyenne",
            territory="Parthenay",
            themes=("energie", "gouvernance"),
            status="terminé",
            setting="rural",
            context="Des énergies renouvelables financées par l'épargne des habitants.",
            levers=["Une coopérative où chaque sociétaire a une voix."],
            obstacles=["Le raccordement au réseau a pris dix-huit mois d’attente."],
        ),
    ).page
    pages["monnaie"] = save(
        "Monnaie locale du Cantal",
        experience(
            "Monnaie locale du Cantal",
            territory="Aurillac",
            themes=("economie-locale",),
            status="en cours",
            setting="rural",
            scale="département",
            context="Une monnaie complémentaire pour l’économie locale et les circuits courts.",
            levers=["Des commerçants convaincus, qui en parlent à leurs clients."],
            obstacles=["Le cœur de la difficulté : la convertibilité des billets."],
        ),
    ).page
    return pages


@pytest.fixture(autouse=True)
def english_pages(app):
    """Assertions read the English msgids; one test checks the French catalogue."""
    app.config["BABEL_DEFAULT_LOCALE"] = "en"
