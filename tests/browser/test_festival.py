"""Festival: a phone arriving from a QR code, and the offline copy opened from disk."""

from __future__ import annotations

import pytest

from wiki.extensions import db as _db

pytestmark = pytest.mark.browser

EXPERIENCE = "jardin-partage-des-tilleuls-a-raismes"


def test_a_phone_arriving_from_a_qr_code_sees_the_title_and_in_short_first(
    phone_page, demo_app, demo_server
):
    from sqlalchemy import select

    from wiki.models import Page

    with demo_app.app_context():
        code = _db.session.scalar(select(Page.short_code).where(Page.slug == EXPERIENCE))
    page = phone_page
    page.goto(f"{demo_server}/s/{code}")  # what the QR code holds
    page.wait_for_url(f"**/wiki/{EXPERIENCE}")
    height = page.evaluate("innerHeight")
    title = page.locator("h1").bounding_box()
    brief = page.locator(".summary-box").bounding_box()
    assert title["y"] < 0.2 * height, title  # was 28 % down, below links and edit tabs
    assert brief["y"] + 40 < height, brief  # "En bref" starts within the first screen
    assert page.locator(".summary-box h2").inner_text() == "En bref"
    # The edit tabs are still there, after what the visitor came for.
    actions = page.locator(".page-actions").bounding_box()
    assert actions["y"] > brief["y"]
    # A small map of the territory, placed as the map view does.
    assert page.locator(".page-map .mini-map").count() == 1
    # A shared link shows a preview.
    og_url = page.locator('meta[property="og:url"]').get_attribute("content")
    assert og_url == f"https://essaim.example.org/wiki/{EXPERIENCE}"
    assert page.locator('meta[name="twitter:card"]').count() == 1


def test_the_offline_copy_opens_from_disk_follows_links_and_searches(page, demo_app, tmp_path):
    out = tmp_path / "cle-usb"
    with demo_app.app_context():
        result = demo_app.test_cli_runner().invoke(args=["export", "html", str(out)])
    assert result.exit_code == 0, result.output
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto((out / "index.html").as_uri())
    assert "expériences à essaimer" in page.locator("h1").inner_text()
    page.fill("#q", "verger")  # no network: the index is a script beside the page
    results = page.locator("#search-results li a")
    results.first.wait_for()
    assert "correspond" in page.locator("#search-status").inner_text()
    page.fill("#q", "jardin tilleuls")
    page.locator("#search-results li a", has_text="Jardin partagé des Tilleuls").click()
    page.wait_for_url("**/pages/jardin-partage-des-tilleuls-a-raismes.html")
    assert page.locator("h1").inner_text() == "Jardin partagé des Tilleuls à Raismes"
    assert page.locator(".offline-qr svg").count() == 1
    # A wiki link to another exported page is followed on disk.
    page.locator(".content a", has_text="cantine").first.click()
    page.wait_for_url("**/pages/cantine-*.html")
    assert page.url.startswith("file://")
    page.locator(".offline-bar a.brand").click()
    page.wait_for_url("**/index.html")
    assert all(url.startswith(("file://", "data:")) for url in requests), [
        u for u in requests if not u.startswith("file://")
    ]


def test_festival_pages_pass_the_accessibility_audit(browser, demo_server):
    from tests.browser.test_accessibility import AXE, violations

    if not AXE.exists():
        pytest.skip(f"{AXE} is missing: `make test` fetches axe-core with npm")
    context = browser.new_context(locale="fr-FR", bypass_csp=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        for path in (
            f"/wiki/{EXPERIENCE}",
            f"/wiki/{EXPERIENCE}/festival",
            f"/wiki/{EXPERIENCE}/fiche",
            "/booklet?theme=alimentation",
            "/booklet?slug=jardin-partage-des-tilleuls-a-raismes&slug=alimentation",
        ):
            page.goto(demo_server + path, timeout=60_000)  # the fiche is laid out first
            assert violations(page) == [], path
    finally:
        context.close()


def test_ticked_search_results_become_a_booklet_of_exactly_those_pages(page, demo_server):
    import io

    from pypdf import PdfReader

    page.goto(f"{demo_server}/search?q=raismes")
    chosen = {
        EXPERIENCE: "Jardin partagé des Tilleuls à Raismes",
        "cantine-scolaire-100-locale-et-bio-a-raismes": "Cantine scolaire 100 % locale et bio à Raismes",
    }
    for slug in chosen:
        page.locator(f'input[name="slug"][value="{slug}"]').check()
    titles = list(chosen.values())
    page.get_by_role("button", name="En faire un livret").click()
    page.wait_for_url("**/booklet?*")
    assert page.locator("#selection-title").inner_text() == "2 pages choisies"
    assert sorted(page.locator(".booklet-list a").all_inner_texts()) == sorted(titles)
    page.fill("#festival", "Fête des possibles")
    with page.expect_download(timeout=120_000) as download:
        page.get_by_role("button", name="Télécharger le livret (PDF)").click()
    reader = PdfReader(io.BytesIO(open(download.value.path(), "rb").read()))
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    assert len(reader.pages) == 8 and "Fête des possibles" in text  # 6 pages and 2 for notes
    for title in titles:
        assert title in text
