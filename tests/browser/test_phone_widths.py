"""The researcher's and the territories' pages fit a phone's width: nothing to scroll sideways.

Tried at 390 px, an intercommunality's page was 474 px wide: its facts ("Code de
l'intercommunalité (SIREN)" beside "CA Redon Agglomération") sat side by side.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

PAGES = [
    "/territories",
    "/territories/243500741",  # CA Redon Agglomération (Pays de Redon)
    "/territories/59491",  # Raismes, with the experiences of its EPCI and department
    "/territories/departement-15",
    "/territories/region-53",
    "/compare",
    "/figures",
    "/invariants",
    "/map",
    "/search?q=comment+financer+une+cantine",
    "/wiki/cantine-scolaire-100-locale-et-bio-a-raismes",
]


def test_every_researcher_and_territory_page_fits_a_phone(phone_page, demo_server):
    too_wide = {}
    for path in PAGES:
        response = phone_page.goto(f"{demo_server}{path}")
        assert response.status == 200, path
        # Against the screen's width, not innerWidth: a phone widens its layout viewport to
        # the content, so innerWidth grows with what overflows.
        width = phone_page.evaluate("document.documentElement.scrollWidth")
        overflow = width - phone_page.viewport_size["width"]
        if overflow > 1:
            too_wide[path] = overflow
    assert too_wide == {}
