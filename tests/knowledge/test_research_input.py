"""Odd input on the researchers' URLs: a clear answer, never a server error."""

from __future__ import annotations

import pytest


@pytest.fixture
def corpus(make_experience):
    make_experience(
        "Jardin de Raismes", insee="59491", themes=("alimentation",),
        levers=("Le soutien des élus.", "x" * 5000, "=1+1", "« ; » — : (", "\u00a0"),
    )  # fmt: skip
    make_experience("Cantine", themes=("alimentation",), levers=("Le soutien des élus !",))


@pytest.mark.parametrize(
    "url",
    [
        "/invariants?q=" + "jardin%20" * 200,
        "/invariants?theme=alimentation&slug=" + "x" * 5000,
        "/invariants?region=%00&started=-1&department=%C3%A9",
        "/compare?col=" + "&col=".join(["levers"] * 500),
        "/compare?q=%22unterminated&theme=%25",
        "/compare.xlsx?q=soutien&col=nope",
        "/figures?theme=nope",
        "/map.json?q=AND%20OR%20NOT",
        "/api/v1/statements?q=%00%01&kind=lever&theme=%25%27",
        "/api/v1/recurrences?minimum=abc",
        "/api/v1/recurrences?kind=obstacle&region=32&per_page=100&page=99999",
    ],
)
def test_odd_research_urls_never_fail(client, corpus, url):
    response = client.get(url)

    assert response.status_code in (200, 400, 404), url
    assert response.status_code != 500
