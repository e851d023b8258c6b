"""The pages people use most pass axe-core's WCAG 2 A/AA rules in a real browser."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

# Installed by `make test` from the npm registry (axe-core, MPL-2.0); see the Makefile.
AXE = Path(
    os.environ.get(
        "ESSAIM_AXE_JS", Path(__file__).resolve().parents[2] / ".venv/share/axe-core/axe.min.js"
    )
)
PASSWORD = "un mot de passe solide"


def violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        """async () => {
            const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}});
            return r.violations.filter(v => ['serious', 'critical'].includes(v.impact))
                .map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '));
        }"""
    )
    return found


@pytest.fixture
def audited_page(browser):
    """A tab that may inject axe-core despite the site's Content-Security-Policy."""
    if not AXE.exists():
        pytest.skip(f"{AXE} is missing: `make test` fetches axe-core with npm")
    context = browser.new_context(locale="fr-FR", bypass_csp=True)
    context.set_default_timeout(45_000)  # as tests/browser/conftest.py: saves on a loaded CI
    yield context.new_page()
    context.close()


def test_main_pages_have_no_serious_accessibility_violations(audited_page, live_server):
    page, base = audited_page, live_server
    page.goto(f"{base}/register")
    assert violations(page) == []
    page.fill("#username", "Camille")
    page.fill("#password", PASSWORD)
    page.fill("#confirm", PASSWORD)
    page.click("form[action='/register'] button[type=submit]")
    page.wait_for_url(f"{base}/")

    page.goto(f"{base}/wiki/cantine-bio/edit?title=Cantine bio&type=experience")
    assert violations(page) == [], "editor"
    page.fill("#territory", "Raismes")
    page.fill("#insee", "59491")
    page.check("input[name=themes][value=alimentation]")
    page.fill(
        "#body",
        page.input_value("#body").replace("## Leviers\n", "## Leviers\n- Le soutien des élus\n", 1),
    )
    with page.expect_navigation():
        page.click(".actions button.primary")
    page.goto(f"{base}/wiki/cantine-bio/edit")
    page.fill(
        "#body",
        page.input_value("#body").replace("Le soutien des élus", "Le soutien actif des élus"),
    )
    with page.expect_navigation():
        page.click(".actions button.primary")

    for path in (
        "/",
        "/wiki/cantine-bio",
        "/wiki/cantine-bio/history",
        "/wiki/cantine-bio/diff",
        "/wiki/cantine-bio/diff?view=split",
        "/search?q=soutien",
        "/search?q=soutien&region=32",
        "/territories/59491",
        "/themes/alimentation",
        "/map",
        "/compare",
        "/invariants",
        "/figures",
        "/recent",
        "/wiki/cantine-bio/print",
        "/account/tokens",
        "/wiki/cantine-bio/discussion",
        "/wiki/cantine-bio/contact",
        "/notifications",
        "/follows",
        "/notifications/settings",
        "/people/camille",
        "/map/inspirations",
    ):
        page.goto(base + path)
        assert violations(page) == [], path
