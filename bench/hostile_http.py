"""Hostile input as a user sends it, to a running Essaim: prints status, time and what shows.

Usage: python bench/hostile_http.py http://127.0.0.1:5000 USERNAME PASSWORD
Logs in, then previews, saves, views, compares, reads the feeds, searches and calls the API with
the inputs of issue 9 (alias bomb, runs of "[", repeated headings, repetitive diffs, control
characters, bidi overrides, huge ids, a 1,000-word and a 100 kB search). Creates pages whose
titles start with "Hostile".
"""

from __future__ import annotations

import re
import sys
import time
from xml.etree import ElementTree

import requests

KB = 1024


def main() -> None:
    base, username, password = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3]
    web = requests.Session()

    def token(path: str) -> str:
        html = web.get(base + path, timeout=600).text
        return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)

    def show(label: str, method: str, path: str, note=lambda r: "", **kwargs) -> requests.Response:
        start = time.perf_counter()
        response = web.request(method, base + path, timeout=600, allow_redirects=False, **kwargs)
        took = time.perf_counter() - start
        print(f"| {label:<44} | {response.status_code} | {took:7.2f} | {note(response)}")
        return response

    def said(*needles):
        def note(response):
            text = response.text.replace("\u00a0", " ")
            return "; ".join(n for n in needles if n in text) or "-"

        return note

    login = token("/login")
    web.post(
        base + "/login",
        data={"username": username, "password": password, "csrf_token": login},
        timeout=60,
    )
    print("| request | status | seconds | what the user sees |\n|---|---|---|---|")

    bomb = "\n".join(
        ['a: &a ["x","x","x","x","x","x","x","x","x"]']
        + [
            f"{n}: &{n} [" + ",".join([f"*{p}"] * 9) + "]"
            for p, n in zip("abcdefgh", "bcdefghi", strict=True)
        ]
    )
    csrf = token("/wiki/hostile/edit")
    for label, text in [
        ("preview: YAML alias bomb (403 B)", f"---\n{bomb}\n---\n# Bombe\n"),
        ("preview: YAML nesting 10,000 deep", "---\nx: " + "[" * 10000 + "]" * 10000 + "\n---\n"),
        ("preview: 1 MB of [", "[" * (KB * KB - 10)),
        ("preview: 1 MB of ## a", "## a\n" * (KB * KB // 5 - 2)),
        ("preview: 1.5 MB (over the page size)", "a" * (3 * KB * KB // 2)),
    ]:
        show(
            label,
            "POST",
            "/preview",
            said("alias YAML", "trop profondément", "texte brut", "trop longue", "<h2"),
            data={"text": text, "csrf_token": csrf},
        )

    def save(label, slug, title, text, comment="", note=said("trop complexe", "alias", "Modif")):
        csrf = token(f"/wiki/{slug}/edit")
        data = {"csrf_token": csrf, "title": title, "text": text, "comment": comment}
        return show(label, "POST", f"/wiki/{slug}/edit", note, data=data)

    save("save: YAML alias bomb", "hostile-bombe", "Hostile bombe", f"---\n{bomb}\n---\n# B\n")
    save("save: 1 MB of [", "hostile-crochets", "Hostile crochets", "[" * (KB * KB - 10))
    save(
        "save: 200 kB of ## a (40,000 headings)",
        "hostile-titres",
        "Hostile titres",
        "## a\n" * 40000,
    )
    show("view: 40,000 headings", "GET", "/wiki/hostile-titres", said("texte brut", 'id="a-40000"'))
    show("view again (cached)", "GET", "/wiki/hostile-titres", said("texte brut", 'id="a-40000"'))

    save("save: 60 kB text/blank lines", "hostile-lignes", "Hostile lignes", "texte\n\n" * 8000)
    save("save: the same, every line changed", "hostile-lignes", "", "\nautre\n" * 8000)
    show(
        "diff of those (anonymous reader)",
        "GET",
        "/wiki/hostile-lignes/diff",
        said("temps imparti", "premières lignes"),
    )
    show("the same diff again (cached)", "GET", "/wiki/hostile-lignes/diff", said("temps imparti"))

    control = "corrigé\x00 \x1b[31m\x07\x0c \u202etxet\u202c fin"
    save("save: comment with controls and bidi", "hostile-lignes", "", "fin\n", comment=control)
    for feed in ("/feeds/recent.atom", "/wiki/hostile-lignes/history.atom"):

        def valid(response):
            try:
                ElementTree.fromstring(response.content)
                return "valid XML"
            except ElementTree.ParseError as error:
                return f"broken XML: {error}"

        show(f"feed {feed}", "GET", feed, valid)
    csrf = token("/new")
    title = "Hostile\x00 \u202egnp.exe\u202c titre"
    response = web.post(
        base + "/new", data={"csrf_token": csrf, "title": title}, timeout=60, allow_redirects=False
    )
    edit = response.headers.get("Location", "")
    save(
        "save: title with NUL and RLO",
        "hostile-gnp-exe-titre",
        title,
        "# Titre\n",
        note=lambda r: r.headers.get("Location", "-") + f" (from {edit[:40]}…)",
    )

    words = " ".join(f"jardin{i} habitants" for i in range(500))
    show("search: 1,000 words", "GET", "/search", said("premiers", "Seuls"), params={"q": words})
    show("search: 100 kB", "GET", "/search", said("premiers"), params={"q": "jardin " * 14000})
    show("api search: 1,000 words", "GET", "/api/v1/search", params={"q": words})
    for path in (
        "/api/v1/revisions/99999999999999999999999",
        "/r/99999999999999999999999",
        "/p/9223372036854775808",
        "/wiki/hostile-lignes/diff?from=99999999999999999999&to=1",
        "/compare?page=99999999999999999999",
        "/api/v1/pages?page=99999999999999999999",
    ):
        show(path[:44], "GET", path)


if __name__ == "__main__":
    main()
