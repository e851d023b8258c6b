"""Stored XSS: hundreds of known payloads saved where people write, opened in Chromium.

The public corpus is PayloadsAllTheThings' XSS "Intruders" lists (MIT licence, shipped in
tests/data/xss/ with its LICENSE file), plus Essaim's own payloads for wiki links, front
matter, titles, comments and names (tests/data/xss/essaim-payloads.txt). They are saved in
batches (a few pages hold them all: it stays well under a minute) and every view where they
show is opened with the Content-Security-Policy bypassed, so the sanitiser alone must hold.
A hook counts any script that runs (alert/prompt/confirm/print, dialogs, a marker any payload
could set) and a DOM scan counts what should never reach the page (on* attributes,
javascript: URLs, foreign scripts, frames, objects, <base>, refresh).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import make_app
from wiki.extensions import db as _db

DATA = Path(__file__).resolve().parents[1] / "data" / "xss"
PUBLIC_LISTS = [
    "IntrudersXSS.txt",
    "JHADDIX_XSS.txt",
    "RSNAKE_XSS.txt",
    "BRUTELOGIC-XSS-STRINGS.txt",
    "XSS_Polyglots.txt",
    "xss_payloads_quick.txt",
]
BATCH = 60  # payloads per page

HOOK = """
(() => {
  window.__essaim_runs = [];
  const note = (what) => { try { window.__essaim_runs.push(String(what)); } catch (e) {} };
  for (const name of ["alert", "prompt", "confirm", "print"]) {
    window[name] = (...args) => note(name + ":" + args.join(","));
  }
  document.addEventListener("securitypolicyviolation", (e) => note("csp:" + e.violatedDirective));
})();
"""

DOM_SCAN = """
() => {
  const bad = [];
  const urlAttrs = ["href", "src", "action", "formaction", "data", "xlink:href", "background", "poster"];
  for (const el of document.querySelectorAll("*")) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      const value = attr.value.replace(/[\\u0000-\\u0020]/g, "").toLowerCase();
      if (name.startsWith("on")) bad.push(el.tagName + " " + name);
      if (urlAttrs.includes(name) && /^(javascript|vbscript|data:text\\/html)/.test(value)) {
        bad.push(el.tagName + " " + name + "=" + value.slice(0, 40));
      }
      if (name === "style" && /(javascript:|expression\\()/.test(value)) bad.push(el.tagName + " style");
    }
    const tag = el.tagName.toLowerCase();
    if (tag === "script" && !(el.getAttribute("src") || "").startsWith("/static/")) bad.push("script");
    if (["iframe", "object", "embed", "base", "frame", "frameset", "applet"].includes(tag)) bad.push(tag);
    if (tag === "meta" && (el.getAttribute("http-equiv") || "").toLowerCase() === "refresh") bad.push("meta refresh");
  }
  return bad;
}
"""


def corpus() -> tuple[list[str], list[str]]:
    public: list[str] = []
    for name in PUBLIC_LISTS:
        for line in (DATA / name).read_text(encoding="utf-8").splitlines():
            if line.strip() and line not in public:
                public.append(line)
    own = [
        line
        for line in (DATA / "essaim-payloads.txt").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    return public, own


def test_the_corpus_has_at_least_300_payloads():
    public, own = corpus()
    assert len(public) >= 300 and len(public) + len(own) >= 400
    assert (DATA / "LICENSE-PayloadsAllTheThings").read_text().startswith("MIT License")


def _populate(data_dir: Path) -> dict:
    """Save the payloads as users would (through the services), return what to open."""
    from sqlalchemy import select

    from wiki.models import Revision, User
    from wiki.pages import service

    public, own = corpus()
    payloads = public + own
    app = make_app(data_dir, SERVER_NAME=None)
    opened: dict = {"pages": [], "diffs": [], "revisions": []}
    with app.app_context():
        writer = User(username="redactrice", display_name="Rédactrice", password_hash="!")
        # Names are checked at registration; stored names from elsewhere (an import, an older
        # version) must still be shown safely: written here without the checks.
        hostile = [
            User(username=f"x{i}", display_name=p[:80], password_hash="!")
            for i, p in enumerate(payloads[:40])
        ]
        _db.session.add_all([writer, *hostile])
        _db.session.commit()
        for start in range(0, len(payloads), BATCH):
            batch = payloads[start : start + BATCH]
            body = "\n\n".join(f"essaimxss {p}" for p in batch)
            meta = {
                "type": "experience",
                "territory": batch[0][:200],
                "tags": [p[:100] for p in batch[1:4]],
                "actors": [p[:100] for p in batch[4:7]],
                "status": "en cours",
            }
            text = "---\n" + "\n".join(f"{k}: {json.dumps(v)}" for k, v in meta.items())
            text += f"\n---\n# Essai {start} {batch[0][:100]}\n\n{body}\n"
            title = f"Essai {start} " + batch[0][:150]
            try:
                revision = service.save_page(
                    slug=None, title=title, text=text, author=writer, comment=batch[1][:500]
                )
            except service.PageError:
                title = f"Essai {start}"
                revision = service.save_page(
                    slug=None, title=title, text=text, author=writer, comment=batch[1][:500]
                )
            page = revision.page
            # Two more revisions, by hostile names, with payloads as their comments.
            for k, author in enumerate(hostile[(start // BATCH) * 3 : (start // BATCH) * 3 + 2]):
                revision = service.save_page(
                    slug=page.slug,
                    title=None,
                    text=text + f"\n\nessaimxss {batch[-1 - k]}\n",
                    author=author,
                    comment=batch[2 + k][:500],
                )
            opened["pages"].append(page.slug)
            opened["diffs"].append((page.slug, revision.parent_id, revision.id))
            opened["revisions"].append((page.slug, revision.id))
        count = len(_db.session.scalars(select(Revision.id)).all())
        opened["revision_count"] = count
        _db.session.remove()
        _db.engine.dispose()
    opened["tried"] = len(payloads)
    return opened


@pytest.mark.browser
def test_no_stored_payload_runs_a_script_in_any_view(tmp_path, migrated_db, browser):
    import shutil
    import threading

    from werkzeug.serving import make_server

    shutil.copy(migrated_db, tmp_path / "essaim.db")
    opened = _populate(tmp_path)
    app = make_app(tmp_path, SERVER_NAME=None)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    urls = ["/recent", "/feeds/recent.atom", "/search?q=essaimxss", "/pages"]
    for slug in opened["pages"]:
        urls += [f"/wiki/{slug}", f"/wiki/{slug}/history", f"/wiki/{slug}/print"]
        urls += [f"/wiki/{slug}/history.atom"]
    for slug, older, newer in opened["diffs"]:
        urls += [f"/wiki/{slug}/diff?from={older}&to={newer}"]
        urls += [f"/wiki/{slug}/diff?from={older}&to={newer}&view=split"]
    context = browser.new_context(bypass_csp=True, java_script_enabled=True)
    context.add_init_script(HOOK)
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    dialogs: list[str] = []
    tab.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    runs: dict[str, list[str]] = {}
    injected: dict[str, list[str]] = {}
    statuses: dict[str, int] = {}
    try:
        # The hook and the scan can fail: an injected handler is seen by both.
        tab.goto(base + "/pages", wait_until="load")
        tab.evaluate(
            "() => document.body.insertAdjacentHTML('beforeend', "
            "'<img src=x onerror=alert(\"canary\")>')"
        )
        tab.wait_for_function("() => window.__essaim_runs.length > 0")
        assert "alert:canary" in tab.evaluate("() => window.__essaim_runs")
        assert any("onerror" in found for found in tab.evaluate(DOM_SCAN))
        for url in urls:
            response = tab.goto(base + url, wait_until="load")
            statuses[url] = response.status if response else 0
            tab.wait_for_timeout(30)  # let onload/onerror/animation handlers fire
            fired = tab.evaluate("() => window.__essaim_runs || []")
            if fired:
                runs[url] = fired
            if "atom" not in url:
                found = tab.evaluate(DOM_SCAN)
                if found:
                    injected[url] = found
    finally:
        context.close()
        server.shutdown()
        thread.join(timeout=5)
        with app.app_context():
            _db.engine.dispose()
    report = {
        "tried": opened["tried"],
        "views": len(urls),
        "executed": sum(len(v) for v in runs.values()) + len(dialogs),
        "injected": sum(len(v) for v in injected.values()),
    }
    (tmp_path / "xss-report.json").write_text(json.dumps(report))
    print(f"\nXSS corpus: {report}")
    assert all(status == 200 for status in statuses.values()), statuses
    assert not dialogs, dialogs
    assert not runs, runs
    assert not injected, injected
