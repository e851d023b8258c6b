"""Tests for the sanitiser: hostile pages come out harmless, through Markdown or directly."""

import pytest

from wiki.render import render_markdown
from wiki.render.sanitise import (
    ALLOWED_TAGS,
    MAX_NESTING_DEPTH,
    MarkupTooDeep,
    nesting_depth_exceeds,
    sanitise_html,
)

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "cite"}

HOSTILE = {
    "script": "Bonjour <script>alert('œuvre')</script> à tous",
    "script-uppercase": "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "img-onerror": "<img src=x onerror=alert(1)>",
    "markdown-javascript-link": "[cliquez ici](javascript:alert(1))",
    "markdown-mixed-case-javascript": "[l’été](JaVaScRiPt:alert(document.cookie))",
    "markdown-javascript-with-tab": "[x](java\tscript:alert(1))",
    "html-entity-javascript": '<a href="&#106;avascript:alert(1)">lien</a>',
    "html-hex-entity-javascript": '<a href="&#x6A;&#x61;vascript&#x3A;alert(1)">lien</a>',
    "markdown-entity-javascript": "[x](&#106;avascript:alert(1))",
    "percent-encoded-javascript": "[x](%6Aavascript:alert(1))",
    "vbscript": '<a href="vbscript:msgbox(1)">x</a>',
    "data-html-link": '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    "markdown-data-image": "![x](data:image/png;base64,iVBORw0KGgo=)",
    "svg-onload": "<svg onload=alert(1)><circle r=1 /></svg>",
    "svg-script": "<svg><script>alert(1)</script></svg>",
    "math": "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "iframe": '<iframe src="https://evil.example"></iframe>',
    "iframe-srcdoc": '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    "object": '<object data="evil.swf"></object><embed src="evil.swf">',
    "style-tag": "<style>body { display: none }</style>Texte",
    "style-attribute": '<p style="background:url(javascript:alert(1))">Texte</p>',
    "form": '<form action="https://evil.example"><input type="password" name="p"><button formaction="javascript:alert(1)">OK</button></form>',
    "meta-refresh": '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "base": '<base href="https://evil.example/">',
    "link-stylesheet": '<link rel="stylesheet" href="https://evil.example/x.css">',
    "details-ontoggle": "<details open ontoggle=alert(1)><summary>x</summary></details>",
    "a-target-blank": '<a href="https://evil.example" target="_blank">x</a>',
    "comment-trick": "<!--<img src=x onerror=alert(1)>-->",
    "noscript-trick": '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "unclosed-attribute": '<a href="https://ok.example" title="x onmouseover=alert(1)',
    "autolink-javascript": "<javascript:alert(1)>",
    "wiki-link-with-html": '[[<img src=x onerror=alert(1)>|"><script>alert(1)</script>]]',
    "heading-with-script": "## Titre <script>alert(1)</script>",
    "textarea-breakout": "<textarea></textarea><img src=x onerror=alert(1)>",
}


def assert_harmless(parsed):
    tags = parsed.tags()
    assert tags <= ALLOWED_TAGS, tags - ALLOWED_TAGS
    for forbidden in ("script", "style", "iframe", "object", "embed", "svg", "math", "form"):
        assert forbidden not in tags
    for element in parsed.elements:
        for name, value in element.attrs.items():
            assert not name.startswith("on"), (element.tag, name)
            assert name not in {"style", "srcdoc", "target", "formaction", "action"}
            if name in URL_ATTRIBUTES and value:
                scheme = value.split(":", 1)[0].strip().lower() if ":" in value else ""
                assert scheme in {"", "http", "https", "mailto"}, (element.tag, name, value)
                assert not value.lower().startswith(("javascript", "vbscript", "data"))


@pytest.mark.parametrize("body", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_page_renders_harmless(body, parse_html):
    html = render_markdown(body).html
    parsed = parse_html(html)
    assert_harmless(parsed)
    assert "<script" not in html.lower()
    attribute_values = " ".join(str(v) for e in parsed.elements for v in e.attrs.values())
    assert "javascript:" not in attribute_values.lower()


@pytest.mark.parametrize("body", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_html_sanitised_directly_is_harmless(body, parse_html):
    assert_harmless(parse_html(sanitise_html(body)))


def test_script_content_is_removed_not_shown():
    html = render_markdown("Avant <script>alert('œuvre')</script> après").html
    assert "alert" not in html
    assert "Avant" in html and "après" in html


def test_svg_and_its_content_are_removed():
    html = sanitise_html("<p>Carte : <svg><text>texte SVG</text></svg> fin</p>")
    assert html == "<p>Carte :  fin</p>"


def test_form_fields_become_read_only_checkboxes(parse_html):
    html = parse_html(sanitise_html('<form><input type="text" name="mot de passe"></form>'))
    (field,) = html.find_all("input")
    assert field.attrs == {"type": "checkbox", "disabled": ""}


def test_unknown_classes_are_dropped_and_known_ones_kept():
    html = sanitise_html('<a class="wikilink new evil" href="/wiki/a/edit">a</a>')
    assert 'class="wikilink new"' in html


def test_safe_links_keep_their_urls(parse_html):
    body = (
        "[relatif](/wiki/jardin) [ancre](#leviers) [web](https://a.fr) <mailto:mairie@raismes.fr>"
    )
    hrefs = [a.attrs["href"] for a in parse_html(render_markdown(body).html).find_all("a")]
    assert hrefs == ["/wiki/jardin", "#leviers", "https://a.fr", "mailto:mairie@raismes.fr"]


def test_french_text_survives_sanitising_unchanged(parse_html):
    text = "L’œuvre d’« Anzin » : 12\u00a0000 habitants, c'est déjà ça !"
    assert parse_html(render_markdown(text).html).text.strip() == text


def test_nesting_depth_counts_only_elements_really_open():
    assert not nesting_depth_exceeds("<div></div>" * 10_000, 10)
    assert not nesting_depth_exceeds("<p>" + "<br><img src=x>" * 100 + "</p>", 10)
    assert nesting_depth_exceeds("<div></span>" * 11, 10)
    assert nesting_depth_exceeds("<DIV>" * 11, 10)


def test_absurdly_nested_html_is_refused():
    with pytest.raises(MarkupTooDeep):
        sanitise_html("<div>" * (MAX_NESTING_DEPTH + 1))
