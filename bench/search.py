"""Search benchmark: Whoosh (the real analyzer, schema, documents and queries) against SQLite FTS5.

    .venv/bin/python bench/search.py --sizes 1000 10000 [--procs 2] [--limitmb 256]

For each size, a seeded generated French corpus is indexed both ways; printed: full build time,
index size, single-page update (p50/p95), query latency (p50/p95) over a fixed query mix, and the
Whoosh/FTS5 ratio, and for Whoosh the latency of the first query after a save ("saved+q": a
new searcher on the changed index, one save before each query of the mix). Whoosh documents are built by wiki.search.document.page_document from
transient Page rows (the reindex path minus the SQL SELECT); queries go through
wiki.search.query.search (parse, facet counts, top 20, snippets). FTS5 uses
tokenize="unicode61 remove_diacritics 2" and answers top 20 by bm25 with snippet(), the total
and the same four facet counts. FTS5 has no stemming: "jardins" does not find "jardin" there.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from whoosh import index as whoosh_index  # noqa: E402

from wiki.models import Page, PageTheme, Revision, User  # noqa: E402
from wiki.search import index as search_index  # noqa: E402
from wiki.search import query as search_query  # noqa: E402
from wiki.search.document import page_document  # noqa: E402
from wiki.search.store import IndexStore, forget_readers  # noqa: E402

THEMES = [
    "alimentation",
    "energie",
    "gouvernance",
    "mobilite",
    "habitat",
    "economie-locale",
    "biodiversite",
    "eau",
    "dechets",
    "solidarites",
    "culture-education",
    "sante",
]
SCALES = ["quartier", "commune", "intercommunalité", "pays", "département", "région"]
SETTINGS = ["urbain", "périurbain", "rural"]
STATUSES = ["idée", "en cours", "terminé", "abandonné"]
TOWNS = [
    "Raismes",
    "Parthenay",
    "Aurillac",
    "Saint-Brieuc",
    "Loos-en-Gohelle",
    "Malaunay",
    "Ungersheim",
    "Trémargat",
    "Kingersheim",
    "Grande-Synthe",
    "Mouans-Sartoux",
    "Figeac",
    "Langouët",
    "Puy-Saint-André",
    "Châteauroux",
    "Besançon",
    "Millau",
    "Saillans",
]
SUBJECTS = [
    "Les habitants",
    "La commune",
    "Une association",
    "Le centre social",
    "Les élus",
    "La coopérative",
    "Un collectif de bénévoles",
    "L’intercommunalité",
    "Les agriculteurs",
    "Le bailleur social",
    "Les commerçants",
    "L’école",
    "Les jeunes du quartier",
]
VERBS = [
    "ont créé",
    "financent",
    "animent",
    "ont rénové",
    "organisent",
    "soutiennent",
    "ont mutualisé",
    "accompagnent",
    "ont installé",
    "développent",
    "partagent",
    "gèrent",
]
OBJECTS = [
    "un jardin partagé",
    "des panneaux solaires",
    "une monnaie locale",
    "un réseau de chaleur",
    "des ateliers de réparation",
    "une cantine bio",
    "des logements passifs",
    "un budget participatif",
    "une recyclerie",
    "des parcelles maraîchères",
    "un service de covoiturage",
    "une épicerie solidaire",
    "des composteurs collectifs",
    "une centrale hydroélectrique",
    "des haies bocagères",
    "une maison de santé",
    "un tiers-lieu numérique",
    "des circuits courts",
    "une chaufferie au bois",
    "des toilettes sèches",
    "une régie agricole",
    "des vélos électriques",
]
COMPLEMENTS = [
    "avec le soutien de la région",
    "depuis plusieurs années",
    "grâce à l’épargne citoyenne",
    "malgré les réticences",
    "dans une logique d’économie circulaire",
    "pour réduire les déchets",
    "en lien avec les écoles",
    "sur des terrains communaux",
    "avec des financements européens",
    "pour lutter contre la précarité énergétique",
    "au cœur du bourg",
    "en s’appuyant sur les associations",
]
LEVERS = [
    "Le soutien des élus dès le début",
    "Un animateur salarié à mi-temps",
    "Le foncier disponible",
    "Une convention simple entre partenaires",
    "L’implication des habitants",
    "Des subventions de l’ADEME",
    "Une gouvernance partagée",
    "La confiance entre acteurs",
    "Un portage politique fort",
    "Des bénévoles motivés",
]
OBSTACLES = [
    "Le manque de foncier",
    "La lenteur administrative",
    "Le raccordement au réseau",
    "La méfiance du bailleur",
    "Le coût des assurances",
    "L’essoufflement des bénévoles",
    "Les normes sanitaires",
    "Le financement du fonctionnement",
    "La convertibilité des billets",
    "Le changement d’équipe municipale",
]

QUERY_MIX = [
    # (whoosh query, filters, sort, FTS5 MATCH)
    ("jardin", {}, "relevance", "jardin"),
    ("energie", {}, "relevance", "energie"),
    ("jardins partagés", {}, "relevance", "jardins partages"),
    ("monnaie locale", {}, "relevance", "monnaie locale"),
    ('"épicerie solidaire"', {}, "relevance", '"epicerie solidaire"'),
    ("verrou:foncier", {}, "relevance", "obstacles:foncier"),
    ("levier:élus", {}, "relevance", "levers:elus"),
    ("essaimer:convention", {}, "relevance", "replicate:convention"),
    ("compost OR recyclerie", {}, "relevance", "compost OR recyclerie"),
    ("solaire -hydroélectrique", {}, "relevance", "solaire NOT hydroelectrique"),
    ("territoire:raismes", {}, "relevance", "territory:raismes"),
    ("habitants", {"themes": ["energie"]}, "relevance", "habitants AND themes:energie"),
    ("cantine bio", {"setting": ["rural"]}, "relevance", "cantine bio"),
    ("vélos électriques", {}, "date", "velos electriques"),
    ("réseau chaleur bois", {}, "relevance", "reseau chaleur bois"),
    ("assurances", {"status": ["termine"]}, "relevance", "assurances"),
    ("coperative", {}, "relevance", "coperative"),  # typo: "did you mean" path
    ("", {"themes": ["eau"]}, "date", "themes:eau"),
    ("précarité énergétique", {}, "relevance", "precarite energetique"),
    ("budget participatif gouvernance", {}, "relevance", "budget participatif gouvernance"),
]


def generate(count: int, seed: int, corpus: str = "focused"):
    """Seeded French experience pages: (Page row, metadata) pairs, not bound to a database.

    "dense": every sentence draws from the whole phrase lists, so each page mentions nearly every
    subject and most queries match 60-85 % of the corpus (a worst case for ranking).
    "focused": each page is about its own two subjects and two circumstances, as real experience
    pages are, with one sentence on another subject; a query then matches a few percent to a
    third of the pages.
    """
    rng = random.Random(seed)
    authors = [User(id=i, username=f"contributeur{i}") for i in range(1, 40)]
    start = datetime(2019, 1, 1)
    for n in range(1, count + 1):
        town = rng.choice(TOWNS)
        if corpus == "dense":
            objects, complements = OBJECTS, COMPLEMENTS
        else:
            objects, complements = rng.sample(OBJECTS, 2), rng.sample(COMPLEMENTS, 2)
        topic = objects[0] if corpus != "dense" else rng.choice(OBJECTS)
        title = f"{topic[0].upper()}{topic[1:]} à {town} ({n})"
        themes = rng.sample(THEMES, rng.randint(1, 3))
        meta = {
            "territory": town,
            "scale": rng.choice(SCALES),
            "setting": rng.choice(SETTINGS),
            "status": rng.choice(STATUSES),
            "themes": themes,
        }

        def sentence(objects=objects, complements=complements):
            return (
                f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(objects)} "
                f"{rng.choice(complements)}."
            )

        context = " ".join(sentence() for _ in range(rng.randint(6, 14)))
        if corpus != "dense":  # a nod to another project, as pages often make
            context += " " + sentence(OBJECTS, COMPLEMENTS)
        done = "\n".join(f"- {sentence()}" for _ in range(rng.randint(3, 8)))
        levers = "\n".join(
            f"- {rng.choice(LEVERS)} {rng.choice(complements)}." for _ in range(rng.randint(2, 5))
        )
        obstacles = "\n".join(
            f"- {rng.choice(OBSTACLES)} {rng.choice(complements)}."
            for _ in range(rng.randint(1, 4))
        )
        replicate = " ".join(sentence() for _ in range(rng.randint(1, 3)))
        text = (
            f"---\ntype: experience\nterritory: {town}\nscale: {meta['scale']}\n"
            f"setting: {meta['setting']}\nthemes: [{', '.join(themes)}]\nstatus: {meta['status']}\n---\n"
            f"# {title}\n\n## Contexte\n\n{context}\n\n## Ce qui a été fait\n\n{done}\n\n"
            f"## Leviers\n\n{levers}\n\n## Verrous\n\n{obstacles}\n\n## Pour essaimer\n\n{replicate}\n"
        )
        when = start + timedelta(hours=n * 3 + rng.randint(0, 1000))
        page = Page(
            id=n,
            slug=f"page-{n}",
            title=title,
            type="experience",
            updated_at=when,
            territory=town,
            scale=meta["scale"],
            setting=meta["setting"],
            status=meta["status"],
        )
        page.current = Revision(
            id=n, page_id=n, text=text, author=rng.choice(authors), created_at=when
        )
        page.themes = [PageTheme(page_id=n, theme=t) for t in themes]
        yield page, meta


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def bench_whoosh(pages, workdir: Path, procs: int, limitmb: int, updates: int, rounds: int) -> dict:
    directory = workdir / "whoosh"
    store = IndexStore(directory)
    started = time.perf_counter()
    path = store.new_generation()
    ix = whoosh_index.open_dir(str(path))
    options = {"limitmb": limitmb, **search_index.WRITER_OPTIONS}
    if procs > 1:
        options.update(procs=procs, multisegment=True)
    writer = ix.writer(**options)
    for page, _meta in pages:
        writer.add_document(**page_document(page))
    writer.commit()
    store.swap(path)
    build = time.perf_counter() - started
    size = dir_size(path)

    # Single-page update exactly as the queue drain does it (commit without merge, then merge
    # small segments when there are too many).
    # The page is searchable once committed: that is the update time. The background worker
    # then merges small segments (when there are more than 8), timed apart.
    rng = random.Random(7)
    update_times, merge_times = [], []

    def update_one():
        page, _meta = rng.choice(pages)
        page.current.text += "\n\nMise à jour : un nouvel atelier de réparation de vélos.\n"
        t = time.perf_counter()
        document = page_document(page)
        ix = whoosh_index.open_dir(str(store.current_path()))
        writer = search_index.open_writer(ix, 60)
        writer.update_document(**document)
        writer.commit(merge=False)
        update_times.append(time.perf_counter() - t)
        t = time.perf_counter()
        search_index.merge_small_segments(ix, 60)
        merge_times.append(time.perf_counter() - t)

    for _ in range(updates):
        update_one()

    # The first query after a save opens a new searcher on the changed index (the posting
    # lists of unchanged segments are still decoded in memory): timed apart, with one save
    # before each query of the mix.
    after_save = []
    for q, filters, sort, _fts in QUERY_MIX:
        update_one()
        t = time.perf_counter()
        search_query.search(q, filters, sort, directory=str(directory))
        after_save.append(time.perf_counter() - t)

    forget_readers()
    matched = []
    for q, filters, sort, _fts in QUERY_MIX:  # warm-up: open the readers, fill the caches
        matched.append(search_query.search(q, filters, sort, directory=str(directory)).total)
    query_times = []
    for _ in range(rounds):
        for q, filters, sort, _fts in QUERY_MIX:
            t = time.perf_counter()
            search_query.search(q, filters, sort, directory=str(directory))
            query_times.append(time.perf_counter() - t)
    forget_readers()
    return {
        "build": build,
        "size": size,
        "update": percentiles(update_times),
        "merge": percentiles(merge_times),
        "query": percentiles(query_times),
        "after_save": percentiles(after_save),
        "matched": statistics.median(matched) / len(pages),
    }


FTS_SCHEMA = """
CREATE VIRTUAL TABLE docs USING fts5(
    title, body, levers, obstacles, replicate, territory, themes,
    tokenize="unicode61 remove_diacritics 2");
CREATE TABLE meta (id INTEGER PRIMARY KEY, scale TEXT, setting TEXT, status TEXT, updated TEXT);
CREATE TABLE meta_themes (id INTEGER, theme TEXT);
CREATE INDEX meta_themes_id ON meta_themes(id);
"""


def _fts_row(page, meta):
    d = page_document(page)
    return (
        page.id,
        d["title"],
        d["body"],
        d["levers"],
        d["obstacles"],
        d["replicate"],
        d["territory"],
        " ".join(meta["themes"]),
    )


def bench_fts5(pages, workdir: Path, updates: int, rounds: int) -> dict:
    path = workdir / "fts5.db"
    started = time.perf_counter()
    db = sqlite3.connect(path)
    db.executescript(FTS_SCHEMA)
    db.executemany(
        "INSERT INTO docs(rowid, title, body, levers, obstacles, replicate, territory, themes) "
        "VALUES (?,?,?,?,?,?,?,?)",
        (_fts_row(p, m) for p, m in pages),
    )
    db.executemany(
        "INSERT INTO meta VALUES (?,?,?,?,?)",
        ((p.id, m["scale"], m["setting"], m["status"], p.updated_at.isoformat()) for p, m in pages),
    )
    db.executemany(
        "INSERT INTO meta_themes VALUES (?,?)", ((p.id, t) for p, m in pages for t in m["themes"])
    )
    db.commit()
    build = time.perf_counter() - started
    db.execute("PRAGMA wal_checkpoint")
    size = path.stat().st_size

    rng = random.Random(7)
    update_times = []
    for _ in range(updates):
        page, meta = rng.choice(pages)
        page.current.text += "\n\nMise à jour : un nouvel atelier de réparation de vélos.\n"
        t = time.perf_counter()
        row = _fts_row(page, meta)
        db.execute("DELETE FROM docs WHERE rowid = ?", (page.id,))
        db.execute(
            "INSERT INTO docs(rowid, title, body, levers, obstacles, replicate, territory, themes) "
            "VALUES (?,?,?,?,?,?,?,?)",
            row,
        )
        db.commit()
        update_times.append(time.perf_counter() - t)

    def run(match, sort):
        order = (
            "meta.updated DESC"
            if sort == "date"
            else "bm25(docs, 4.0, 1.0, 1.5, 1.5, 1.5, 2.0, 1.0)"
        )
        db.execute(
            f"SELECT docs.rowid, docs.title, snippet(docs, -1, '<mark>', '</mark>', '…', 20) "
            f"FROM docs JOIN meta ON meta.id = docs.rowid WHERE docs MATCH ? ORDER BY {order} LIMIT 20",
            (match,),
        ).fetchall()
        db.execute("SELECT count(*) FROM docs WHERE docs MATCH ?", (match,)).fetchone()
        for column in ("scale", "setting", "status"):
            db.execute(
                f"SELECT meta.{column}, count(*) FROM docs JOIN meta ON meta.id = docs.rowid "
                f"WHERE docs MATCH ? GROUP BY meta.{column}",
                (match,),
            ).fetchall()
        db.execute(
            "SELECT t.theme, count(*) FROM docs JOIN meta_themes t ON t.id = docs.rowid "
            "WHERE docs MATCH ? GROUP BY t.theme",
            (match,),
        ).fetchall()

    for _q, _f, sort, match in QUERY_MIX:
        run(match, sort)
    query_times = []
    for _ in range(rounds):
        for _q, _f, sort, match in QUERY_MIX:
            t = time.perf_counter()
            run(match, sort)
            query_times.append(time.perf_counter() - t)
    db.close()
    return {
        "build": build,
        "size": size,
        "update": percentiles(update_times),
        "query": percentiles(query_times),
    }


def report(size: int, whoosh: dict, fts: dict) -> None:
    def ms(x):
        return f"{x * 1000:.1f} ms"

    rows = [
        (
            "full build",
            f"{whoosh['build']:.1f} s",
            f"{fts['build']:.1f} s",
            whoosh["build"] / fts["build"],
        ),
        (
            "index size",
            f"{whoosh['size'] / 2**20:.1f} MB",
            f"{fts['size'] / 2**20:.1f} MB",
            whoosh["size"] / fts["size"],
        ),
        (
            "update p50",
            ms(whoosh["update"][0]),
            ms(fts["update"][0]),
            whoosh["update"][0] / fts["update"][0],
        ),
        (
            "update p95",
            ms(whoosh["update"][1]),
            ms(fts["update"][1]),
            whoosh["update"][1] / fts["update"][1],
        ),
        ("merge p95", ms(whoosh["merge"][1]), "-", 0.0),  # background, after the commit
        (
            "query p50",
            ms(whoosh["query"][0]),
            ms(fts["query"][0]),
            whoosh["query"][0] / fts["query"][0],
        ),
        (
            "query p95",
            ms(whoosh["query"][1]),
            ms(fts["query"][1]),
            whoosh["query"][1] / fts["query"][1],
        ),
        # the first query after a save: a new searcher (FTS5 has no such cost to compare)
        ("saved+q p50", ms(whoosh["after_save"][0]), "-", 0.0),
        ("saved+q p95", ms(whoosh["after_save"][1]), "-", 0.0),
    ]
    print(f"\n{size} pages (a query of the mix matches {whoosh['matched']:.0%} of them, median)")
    print(f"| {'measure':<11} | {'Whoosh':>10} | {'FTS5':>10} | {'Whoosh/FTS5':>11} |")
    print(f"|{'-' * 13}|{'-' * 12}|{'-' * 12}|{'-' * 13}|")
    for name, w, f, ratio in rows:
        shown = f"{ratio:>10.1f}x" if ratio else f"{'-':>11}"
        print(f"| {name:<11} | {w:>10} | {f:>10} | {shown} |")
    sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--seed", type=int, default=2032)
    parser.add_argument(
        "--procs",
        type=int,
        default=2,
        help="Whoosh writer processes for the build (as `essaim search reindex`)",
    )
    parser.add_argument("--limitmb", type=int, default=256, help="Whoosh writer memory (MB)")
    parser.add_argument("--updates", type=int, default=40, help="single-page updates measured")
    parser.add_argument("--rounds", type=int, default=5, help="passes over the query mix")
    parser.add_argument(
        "--corpus",
        choices=("focused", "dense"),
        default="focused",
        help="focused: each page about its own subjects; dense: worst case",
    )
    args = parser.parse_args()
    print(f"corpus: {args.corpus}")
    for size in args.sizes:
        pages = list(generate(size, args.seed, args.corpus))
        workdir = Path(tempfile.mkdtemp(prefix=f"essaim-bench-{size}-"))
        try:
            whoosh = bench_whoosh(
                pages, workdir, args.procs, args.limitmb, args.updates, args.rounds
            )
            pages = list(generate(size, args.seed, args.corpus))  # the same texts for FTS5
            fts = bench_fts5(pages, workdir, args.updates, args.rounds)
            report(size, whoosh, fts)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
