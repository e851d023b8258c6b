"""Tests for Markdown rendering: syntax, heading anchors, table of contents and wiki links."""

import time

import pytest

from wiki.render import (
    LinkResolutionError,
    Rendered,
    TocEntry,
    extract_wiki_links,
    render_markdown,
)

PAGE = """\
# Raismes 2032 : co-construire avec les habitants

## Contexte

La commune compte 12\u00a0000 habitants ; l’équipe municipale a voulu « faire avec ».

## Ce qui a été fait

Voir [[Jardin partagé de Raismes]] et [[Conseil citoyen|le conseil]].

### Œuvres et chœurs

## Leviers
"""


def existing_except(*missing):
    def resolve(title):
        slug = title.lower().replace(" ", "-")
        if title in missing:
            return f"/wiki/{slug}/edit", False
        return f"/wiki/{slug}", True

    return resolve


# Markdown syntax


def test_table_renders_with_header_and_alignment(parse_html):
    body = "| Commune | Habitants |\n|:---|---:|\n| Raismes | 12\u00a0000 |\n"
    html = parse_html(render_markdown(body).html)
    assert {"table", "thead", "tbody", "tr", "th", "td"} <= html.tags()
    assert [th.attrs.get("align") for th in html.find_all("th")] == ["left", "right"]
    assert all("style" not in e.attrs for e in html.elements)
    assert "12\u00a0000" in html.text


def test_footnote_links_to_its_note_and_back(parse_html):
    body = "Le budget participatif[^budget] a été voté.\n\n[^budget]: Délibération de l’été 2021.\n"
    html = parse_html(render_markdown(body).html)
    hrefs = [a.attrs["href"] for a in html.find_all("a")]
    assert "#fn-1" in hrefs and "#fnref-1" in hrefs
    ids = {e.attrs.get("id") for e in html.elements}
    assert {"fn-1", "fnref-1"} <= ids
    assert "Délibération de l’été 2021." in html.text


def test_strikethrough_renders_as_del():
    assert "<del>ancienne équipe</del>" in render_markdown("~~ancienne équipe~~").html


def test_task_list_renders_disabled_checkboxes(parse_html):
    body = "- [x] réunion publique\n- [ ] bilan à l’automne\n"
    boxes = parse_html(render_markdown(body).html).find_all("input")
    assert [b.attrs.get("type") for b in boxes] == ["checkbox", "checkbox"]
    assert all("disabled" in b.attrs for b in boxes)
    assert ["checked" in b.attrs for b in boxes] == [True, False]


def test_bare_url_becomes_a_link(parse_html):
    html = parse_html(render_markdown("Le site : https://raismes.fr/projets et voilà").html)
    assert [a.attrs["href"] for a in html.find_all("a")] == ["https://raismes.fr/projets"]


def test_external_link_gets_nofollow_noopener_noreferrer(parse_html):
    (link,) = parse_html(render_markdown("[l’INSEE](https://www.insee.fr)").html).find_all("a")
    assert set(link.attrs["rel"].split()) == {"nofollow", "noopener", "noreferrer"}


def test_fenced_code_keeps_its_text_escaped():
    html = render_markdown("```python\nif a < b:\n    print('œuvre')\n```\n").html
    assert '<code class="language-python">' in html
    assert "if a &lt; b:" in html


def test_harmless_inline_html_survives(parse_html):
    body = "Appuyez sur <kbd>Ctrl</kbd>, voir la note<sup>2</sup>.\n\n<details><summary>Détails</summary>Texte caché</details>\n"
    html = parse_html(render_markdown(body).html)
    assert {"kbd", "sup", "details", "summary"} <= html.tags()


# Heading anchors and table of contents


def test_french_heading_gets_an_ascii_anchor(parse_html):
    html = parse_html(render_markdown("## Ce qui a été fait\n").html)
    (h2,) = html.find_all("h2")
    assert h2.attrs["id"] == "ce-qui-a-ete-fait"


def test_heading_has_a_permalink_to_itself(parse_html):
    html = parse_html(render_markdown("## Pour essaimer\n").html)
    permalink = next(a for a in html.find_all("a") if "anchor" in a.attrs.get("class", ""))
    assert permalink.attrs["href"] == "#pour-essaimer"
    assert permalink.attrs["aria-hidden"] == "true"


def test_toc_lists_h2_to_h4_in_order_without_h1():
    body = PAGE + "#### Détail\n\n##### Trop profond\n"
    toc = render_markdown(body).toc
    assert toc == [
        TocEntry(level=2, anchor="contexte", text="Contexte"),
        TocEntry(level=2, anchor="ce-qui-a-ete-fait", text="Ce qui a été fait"),
        TocEntry(level=3, anchor="oeuvres-et-choeurs", text="Œuvres et chœurs"),
        TocEntry(level=2, anchor="leviers", text="Leviers"),
        TocEntry(level=4, anchor="detail", text="Détail"),
    ]


def test_duplicate_headings_get_numbered_anchors():
    body = "## Leviers\n\n## Leviers\n\n## Leviers\n"
    assert [e.anchor for e in render_markdown(body).toc] == ["leviers", "leviers-2", "leviers-3"]


def test_ten_thousand_identical_headings_get_distinct_anchors():
    toc = render_markdown("## a\n" * 10_000).toc
    anchors = [e.anchor for e in toc]
    assert anchors[:3] == ["a", "a-2", "a-3"] and anchors[-1] == "a-10000"
    assert len(set(anchors)) == 10_000


def test_a_numbered_heading_written_after_the_duplicates_is_numbered_again():
    body = "## Verrous\n\n## Verrous\n\n## Verrous 2\n\n## Verrous\n"
    anchors = [e.anchor for e in render_markdown(body).toc]
    assert anchors == ["verrous", "verrous-2", "verrous-2-2", "verrous-3"]


def test_numbered_anchor_does_not_collide_with_a_real_heading():
    body = "## Verrous\n\n## Verrous 2\n\n## Verrous\n"
    assert [e.anchor for e in render_markdown(body).toc] == ["verrous", "verrous-2", "verrous-3"]


def test_toc_text_is_plain_text_without_markup_or_permalink():
    (entry,) = render_markdown("## Le *jardin* d’Anzin & [[Valenciennes]]\n").toc
    assert entry.text == "Le jardin d’Anzin & Valenciennes"
    assert entry.anchor == "le-jardin-d-anzin-valenciennes"


def test_heading_without_letters_still_gets_an_anchor():
    assert [e.anchor for e in render_markdown("## ???\n\n## !!!\n").toc] == [
        "section",
        "section-2",
    ]


# Wiki links


def test_wiki_link_renders_with_its_title_as_label(parse_html):
    html = parse_html(render_markdown("Voir [[Jardin partagé de Raismes]].").html)
    (link,) = html.find_all("a")
    assert link.attrs["class"] == "wikilink"
    assert link.attrs["href"] == "/wiki/jardin-partage-de-raismes"
    assert "Voir Jardin partagé de Raismes." in html.text


def test_wiki_link_with_label_shows_the_label(parse_html):
    rendered = render_markdown("C’est [[Conseil citoyen de Raismes|le conseil]].")
    html = parse_html(rendered.html)
    (link,) = html.find_all("a")
    assert link.attrs["href"] == "/wiki/conseil-citoyen-de-raismes"
    assert "C’est le conseil." in html.text
    assert rendered.links == ["Conseil citoyen de Raismes"]


def test_missing_wiki_link_renders_as_create_link(parse_html):
    rendered = render_markdown(
        "[[Jardin partagé]] et [[Épicerie solidaire]]",
        resolve_link=existing_except("Épicerie solidaire"),
    )
    existing, missing = parse_html(rendered.html).find_all("a")
    assert existing.attrs["class"] == "wikilink"
    assert existing.attrs["href"] == "/wiki/jardin-partagé"
    assert missing.attrs["class"] == "wikilink new"
    assert missing.attrs["href"] == "/wiki/épicerie-solidaire/edit"
    assert missing.attrs["title"] == "Page à créer : Épicerie solidaire"


def test_resolve_link_is_called_once_per_title():
    calls = []

    def resolve(title):
        calls.append(title)
        return "/wiki/x", True

    render_markdown("[[A]] [[B]] [[A|encore A]] [[A]]", resolve_link=resolve)
    assert calls == ["A", "B"]


def test_links_are_deduplicated_in_order_of_appearance():
    body = "[[Verrous]] puis [[Leviers|les leviers]], [[Verrous]] et [[ Leviers ]]."
    assert render_markdown(body).links == ["Verrous", "Leviers"]


def test_wiki_links_inside_code_are_ignored():
    body = (
        "Écrivez `[[Titre de la page]]` pour lier.\n\n"
        "```\n[[Dans un bloc]]\n```\n\n"
        "    [[Code indenté]]\n\n"
        "Mais [[Vraie page]] compte.\n"
    )
    rendered = render_markdown(body)
    assert rendered.links == ["Vraie page"]
    assert extract_wiki_links(body) == ["Vraie page"]
    assert "<code>[[Titre de la page]]</code>" in rendered.html


def test_wiki_link_with_escaped_pipe_works_in_a_table(parse_html):
    body = "| Page | Lien |\n|---|---|\n| a | [[Jardin partagé\\|le jardin]] |\n"
    rendered = render_markdown(body)
    assert rendered.links == ["Jardin partagé"]
    assert "le jardin" in parse_html(rendered.html).text


def test_empty_wiki_link_stays_text():
    rendered = render_markdown("[[ ]] et [[]]")
    assert rendered.links == []
    assert "[[ ]]" in rendered.html


def test_extract_wiki_links_matches_rendered_links():
    body = PAGE + "\nNote[^1].\n\n[^1]: Voir [[Source de la note]].\n\n> [[Dans une citation]]\n"
    assert extract_wiki_links(body) == render_markdown(body).links
    assert extract_wiki_links(body) == [
        "Jardin partagé de Raismes",
        "Conseil citoyen",
        "Dans une citation",
        "Source de la note",
    ]


def test_failing_resolver_raises_link_resolution_error():
    def resolve(title):
        raise ConnectionError("base indisponible")

    with pytest.raises(LinkResolutionError) as failure:
        render_markdown("[[Page]]", resolve_link=resolve)
    assert isinstance(failure.value.__cause__, ConnectionError)


# Robustness


@pytest.mark.parametrize(
    "body",
    [
        ">" * 5000 + " citation",
        "[" * 5000 + "x",
        "[[" * 5000,
        "![" * 5000,
        "*" * 5000 + "x" + "*" * 5000,
        "(" * 5000 + "[x](" * 2000,
        "```python\nfence jamais fermée [[Pas un lien]]\n",
        "| a | b |\n|---|\n| 1 |",
        "<div>" * 5000 + "boîte",
        "\n".join("  " * i + "- élément" for i in range(300)),
        "[^1]\n\n[^1]: [^1]",
    ],
    ids=[
        "quotes",
        "brackets",
        "wiki-brackets",
        "images",
        "emphasis",
        "parens-links",
        "unclosed-fence",
        "broken-table",
        "nested-divs",
        "nested-lists",
        "self-footnote",
    ],
)
def test_malformed_markdown_never_raises(body):
    rendered = render_markdown(body)
    assert isinstance(rendered, Rendered)
    assert isinstance(rendered.html, str)
    assert extract_wiki_links(body) == rendered.links


def test_deeply_nested_html_falls_back_to_escaped_text():
    rendered = render_markdown("<div>" * 5000 + "boîte <script>alert(1)</script>")
    assert rendered.html.startswith("<pre>")
    assert "<script>" not in rendered.html
    assert "&lt;div&gt;" in rendered.html


def test_control_characters_are_stripped():
    rendered = render_markdown("Ra\x00ismes\x07 [[Jar\x00din]]\x1b[31m \ud800fin")
    assert "Raismes" in rendered.html
    assert rendered.links == ["Jardin"]
    for char in ("\x00", "\x07", "\x1b", "\ud800"):
        assert char not in rendered.html


def test_two_megabyte_page_renders():
    section = (
        "## Ce qui a été fait\n\n"
        + "Les habitants d’Anzin ont co-construit le jardin partagé avec l’équipe. " * 20
        + "[[Jardin partagé]] **gras** ~~barré~~ `code` https://example.org\n\n"
        + "| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] fait\n- [ ] à faire\n\n"
    )
    body = section * (2_000_000 // len(section) + 1)
    assert len(body.encode()) > 2_000_000
    start = time.perf_counter()
    rendered = render_markdown(body)
    elapsed = time.perf_counter() - start
    assert rendered.links == ["Jardin partagé"]
    assert len(rendered.toc) == body.count("## Ce qui")
    assert rendered.toc[-1].anchor == f"ce-qui-a-ete-fait-{len(rendered.toc)}"
    assert elapsed < 60  # about 3 s on a quiet 2-core machine
